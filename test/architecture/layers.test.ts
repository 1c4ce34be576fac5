// The layers of harness/ (drawn in docs/architecture.md), kept by a test in the spirit of
// Playwright's DEPS.list: a module may import from its own layer and the layers below it, never
// from above; a few folders have extra walls; and no files import each other in a circle, type
// imports included. A new folder must be placed here before it can be imported at all.
import t from 'tap';
import { circles, importsOf, rel, sourceFiles } from './imports.js';

/** Bottom first. A unit is a folder of harness/, or a file at its top (without .ts). */
const LAYERS: readonly (readonly string[])[] = [
  // errors, deadlines, ownership and undo, the registry helper, paths: used by everything
  ['core'],
  // the saved format: what a run records, its schema and its one reader
  ['results', 'results-schema', 'results-file'],
  // pure logic over cells and results: expansion and ids, expectations, the probe's command line
  // and its workloads (declarations only)
  ['matrix', 'expect', 'probe', 'workload', 'claims'],
  // the nouns: servers, clients, sessions, launch modes, severs, what is observed, scenario files,
  // and where the machine's CPU goes while a run runs (bench)
  ['target', 'server', 'client', 'session', 'launch', 'sever', 'observe', 'scenario', 'usage'],
  // one cell and a whole matrix, composed from the nouns
  ['run'],
  // what is made of runs and results: reports (pure functions of results.json), demo, doctor, bench,
  // merge; inspect, which reads a real server into the targets' fingerprint; and predict, which
  // matches an inspected server against measured cells
  ['report', 'demo', 'doctor', 'bench', 'merge', 'inspect', 'predict'],
  ['commands'],
  ['cli'],
];

/** Walls inside a layer or across it, each with why. */
const NEVER: Readonly<Record<string, readonly string[]>> = {
  // Reports are pure functions of results.json: they may ask a plug-in registry for a declared
  // trait, but never touch a server, a session or a run.
  report: ['run', 'target', 'server', 'client', 'commands', 'doctor', 'demo', 'bench'],
  // The saved format and pure logic never reach for live things.
  expect: ['target', 'session', 'run'],
  matrix: ['target', 'session', 'run'],
};

const unitOf = (file: string): string => {
  const r = rel(file);
  return r.includes('/') ? r.slice(0, r.indexOf('/')) : r.replace(/\.ts$/, '');
};
const rank = new Map(LAYERS.flatMap((units, i) => units.map(u => [u, i] as const)));

const files = sourceFiles();
const graph = new Map(files.map(f => [f, importsOf(f)]));

t.test('every folder and top-level file of harness/ has a layer', async t => {
  const unplaced = [...new Set(files.map(unitOf))].filter(u => !rank.has(u));
  t.same(unplaced, [], `place these in LAYERS (test/architecture/layers.test.ts) and docs/architecture.md: ${unplaced.join(', ')}`);
});

t.test('no module imports from a layer above its own, or across a wall', async t => {
  const bad: string[] = [];
  for (const [file, deps] of graph) {
    const from = unitOf(file);
    for (const dep of deps) {
      const to = unitOf(dep);
      if (to === from) continue;
      const up = (rank.get(to) ?? Infinity) > (rank.get(from) ?? -1);
      const walled = NEVER[from]?.includes(to);
      if (up || walled) bad.push(`${rel(file)} imports ${rel(dep)} (${from} → ${to}: ${walled ? 'a wall' : 'upward'})`);
    }
  }
  t.same(bad, [], bad.join('\n'));
});

t.test('no import circles among the files of harness/, type imports included', async t => {
  const found = circles(graph).map(c => c.map(rel).join(' → '));
  t.same(found, [], found.join('\n'));
});

t.test('the circle finder finds a circle through three files and ignores a chain', async t => {
  t.same(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  t.same(circles(new Map([['a', ['b']], ['b', []]])), []);
});
