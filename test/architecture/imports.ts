// The import graph of harness/, read from the source text: every static import/export-from and
// every dynamic import() of a relative path, type-only imports included (a type import is still a
// dependency a reader has to follow, and it is what makes circles through types).
import fs from 'node:fs';
import path from 'node:path';

export const HARNESS = path.resolve(import.meta.dirname, '../../harness');

export function sourceFiles(dir = HARNESS): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Comments removed, so an example in a comment is not an import; strings are kept. */
export function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const SPECIFIER = /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Files (absolute) that `file` imports from harness/. */
export function importsOf(file: string): string[] {
  const src = stripComments(fs.readFileSync(file, 'utf8'));
  const out = new Set<string>();
  for (const m of src.matchAll(SPECIFIER)) {
    const spec = (m[1] ?? m[2])!;
    out.add(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return [...out];
}

/** harness-relative path with forward slashes: "run/cell.ts". */
export function rel(file: string): string {
  return path.relative(HARNESS, file).split(path.sep).join('/');
}

/** Every circle of imports among the files (Tarjan's strongly connected components of size > 1 or self-loops). */
export function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}
