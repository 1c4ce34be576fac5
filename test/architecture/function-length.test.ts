// A function longer than a screen is hard to review and hides steps that deserve names. Over
// MAX_LINES, a function in harness/ must say why it is long in the comment right above it (a line
// with "long because"), so the length is a decision, not an accident.
import fs from 'node:fs';
import ts from 'typescript';
import t from 'tap';
import { rel, sourceFiles } from './imports.js';

const MAX_LINES = 80;

interface Long {
  where: string;
  lines: number;
  explained: boolean;
}

/** The functions of one source text longer than MAX_LINES, and whether each says why. */
export function longFunctions(fileName: string, text: string): Long[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: Long[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_LINES) {
        // The comment above the declaration (for `const f = () =>` that is above the statement).
        let holder: ts.Node = node;
        while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isBlock(holder.parent) && !ts.isClassLike(holder.parent) && !ts.isObjectLiteralExpression(holder.parent)) holder = holder.parent;
        const comments = ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [];
        const explained = comments.some(c => /long because/i.test(text.slice(c.pos, c.end)));
        const name = (node as ts.FunctionLikeDeclaration).name?.getText(sf) ?? '(anonymous)';
        out.push({ where: `${fileName}:${first + 1} ${name}`, lines, explained });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

t.test(`no function in harness/ over ${MAX_LINES} lines without a comment saying why it is long`, async t => {
  const bad = sourceFiles()
    .flatMap(f => longFunctions(rel(f), fs.readFileSync(f, 'utf8')))
    .filter(l => !l.explained)
    .map(l => `${l.where}: ${l.lines} lines`);
  t.same(bad, [], `split these, or say "long because …" in the comment above each:\n${bad.join('\n')}`);
});

t.test('the length check counts lines and reads the comment above a function', async t => {
  const body = Array.from({ length: MAX_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
  t.same(longFunctions('a.ts', `function short() {\n  return 1;\n}\n`), []);
  t.same(longFunctions('a.ts', `function big() {\n${body}\n}\n`).map(l => l.explained), [false]);
  t.same(longFunctions('a.ts', `// long because the steps share one lock\nfunction big() {\n${body}\n}\n`).map(l => l.explained), [true]);
  t.same(longFunctions('a.ts', `/** Long because it is a table. */\nexport const big = () => {\n${body}\n};\n`).map(l => l.explained), [true]);
});
