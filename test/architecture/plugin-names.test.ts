// Facts live with their plug-in: a schedule, a report or an explanation asks a plug-in's declared
// traits and never switches on its name. So the names of launch modes, severs, session kinds,
// session managers and workloads appear as string literals only in their own plug-in file, their
// family's registry.ts and types.ts (and in scenarios, docs and tests, which are not scanned); everything else goes through
// the registry with a name it was given. Literals are found with the TypeScript parser, so comments
// and template text never count, and a string that merely contains a name ("nohup cmd &") is not one.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { launches } from '../../harness/launch/registry.js';
import { sessions } from '../../harness/session/registry.js';
import { severs } from '../../harness/sever/registry.js';
import { managers } from '../../harness/target/managers/registry.js';
import { workloads } from '../../harness/workload/registry.js';
import { HARNESS, rel, sourceFiles } from './imports.js';

const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  launch: launches.names,
  sever: severs.names,
  session: sessions.names,
  'target/managers': managers.names,
  workload: workloads.names,
};

/**
 * Literals that are a plug-in's name by coincidence or by design, outside its family: each
 * "file: literal" with why. Keep it short: a new entry needs a reason a reviewer accepts.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  // A command's flag defaults are user-facing defaults, like a scenario's values.
  "commands/demo.ts: 'pty'": 'the demo’s default --session',
  "commands/demo.ts: 'nohup'": 'the demo’s default --launch',
  "commands/demo.ts: 'client-kill'": 'the demo’s default --sever',
  "commands/demo.ts: 'quiet'": 'the demo’s default --workload',
  "commands/predict.ts: 'quiet'": 'predict’s default --workload',
  // Common words that name something else there.
  "target/container.ts: 'exec'": '`docker exec`, the engine’s subcommand',
  "target/router.ts: 'exec'": '`docker exec`, the engine’s subcommand',
  "target/router.ts: 'sleep'": 'the router container’s entrypoint, `sleep infinity`',
  "target/users.ts: 'exec'": 'the target’s exec() method, named in a Pick<> type',
  // The systemd binary's comm in a process snapshot or a signal's sender, not the session manager.
  "observe/user-manager.ts: 'systemd'": 'the comm of a user manager process (systemd --user)',
  "observe/sender.ts: 'systemd'": 'the comm of the process that sent a signal',
  "demo/why.ts: 'systemd'": 'the comm of the process that sent a signal',
  "demo/tree.ts: 'systemd'": 'the comm of a user manager process in the tree',
  // A real server has no plug-in: inspect names what it found with the targets' manager names, so
  // its fingerprint's `manager` matches theirs ("systemd" is also the facts script's word for PID 1).
  "inspect/facts.ts: 'systemd'": 'the facts script’s word for systemd as PID 1, and the manager name it maps to',
  "inspect/facts.ts: 'systemd-no-pam'": 'a real server with systemd and no pam_systemd, named as the targets name it',
  "inspect/surprises.ts: 'systemd'": 'the facts script’s word for systemd as PID 1 (linger matters only there)',
  "commands/run-host.ts: 'systemd'": 'the facts script’s word for systemd as PID 1 (run --host measures only such servers)',
};

interface Violation {
  file: string;
  literal: string;
  family: string;
  line: number;
}

/** Every string literal of `text` that is a plug-in name, outside the files allowed to hold it. */
function violations(file: string, text: string, families = FAMILIES, allowed = ALLOWED): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Violation[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      for (const [family, names] of Object.entries(families)) {
        if (!names.includes(node.text)) continue;
        const own = file === `${family}/${node.text}.ts` || file === `${family}/registry.ts` || file === `${family}/types.ts`;
        const quoted = `'${node.text}'`;
        if (own || allowed[`${file}: ${quoted}`]) continue;
        out.push({ file, literal: quoted, family, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const all = sourceFiles().flatMap(f => violations(rel(f), fs.readFileSync(f, 'utf8')));

t.test('plug-in names appear as literals only in their own family (or an allowed, explained place)', async t => {
  t.same(
    all.map(v => `${v.file}:${v.line}: ${v.literal} (a ${v.family} name)`),
    [],
    'ask the plug-in for a declared trait instead (harness/*/types.ts), or look it up in its registry by a name the caller was given',
  );
});

t.test('every allowed pair is still used: a stale exception is removed', async t => {
  const used = (key: string) => {
    const [file, literal] = key.split(': ') as [string, string];
    const text = fs.readFileSync(path.join(HARNESS, file), 'utf8');
    return violations(file, text, FAMILIES, {}).some(v => v.literal === literal);
  };
  t.same(Object.keys(ALLOWED).filter(k => !used(k)), []);
});

t.test('the check finds a name switch, and ignores comments, template text and the family’s own files', async t => {
  const src = [
    "// if (cell.sever === 'logout') in a comment",
    "const line = `nohup ${probe} &`;",
    "if (cell.launch === 'nohup') explain();",
    'const kind = sessions.get("exec");',
    'const quiet = `tmux`;',
  ].join('\n');
  t.same(
    violations('report/x.ts', src).map(v => `${v.line} ${v.literal} ${v.family}`),
    ["3 'nohup' launch", "4 'exec' session", "5 'tmux' launch"],
  );
  t.same(violations('launch/nohup.ts', "name: 'nohup'"), [], 'its own file');
  t.same(violations('launch/registry.ts', "get('nohup')"), [], 'its registry');
  t.same(violations('sever/drop.ts', "get('nohup')").length, 1, 'another family’s file is not its own');
  t.same(violations('launch/tmux.ts', "x === 'screen'").length, 1, 'nor is a sibling plug-in');
});
