// `run --repeat N` (and the scenario's run.repeat): a bad value is one line and exit 2 before any
// Docker; a good one makes every case run max(N, its own latency repeats) times, repetitions in the
// case's shard, all of them in the plan.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { shardOf } from '../../harness/matrix/shard.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/hangup-lab.js');
const defaultScenario = path.join(root, 'scenarios/default.yaml');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

t.test('a bad --repeat is one line naming the flag, the value and the range; exit 2, nothing run', async (t) => {
  for (const value of ['0', 'x', '51', '1.5', '']) {
    const r = cli('run', '--scenario', defaultScenario, '--repeat', value);
    t.equal(r.status, 2, `--repeat "${value}": exit 2`);
    t.equal(r.stdout, '', 'nothing on stdout');
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    t.equal(r.stderr.trim(), `hangup-lab run: --repeat "${value}": must be an integer from 1 to 50`);
  }
  // Node's parser refuses these itself; its message spans lines, the CLI's is one.
  for (const args of [['--repeat'], ['--repeat', '-3']]) {
    const r = cli('run', '--scenario', defaultScenario, ...args);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, /^hangup-lab run: .*'--repeat.*; see hangup-lab run --help\n$/);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

t.test('run --help describes the flag', async (t) => {
  t.match(cli('run', '--help').stdout, /--repeat N +every case at least N times/);
});

t.test('a bad run.repeat in the scenario is bad input too', async (t) => {
  const dir = t.testdir({
    'x.yaml': 'name: x\ntarget: debian-bookworm\naxes:\n  session: [pty]\n  launch: [nohup]\n  workload: [quiet]\n  sever: [logout]\nrun:\n  repeat: 0\n',
  });
  const r = cli('run', '--scenario', path.join(dir, 'x.yaml'));
  t.equal(r.status, 2);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.match(r.stderr, /run\.repeat/);
});

t.test('the plan: every case max(N, its latency repeats) times, rep 1 keeping the case id', async (t) => {
  const scenario = loadScenario(defaultScenario);
  const once = scenarioCells(scenario, 1);
  t.equal(once.length, 128, 'the default matrix');
  const five = scenarioCells(scenario, 5);
  t.equal(five.length, 640);
  t.equal(new Set(five.map((c) => c.id)).size, 640, 'every repetition has an id of its own');
  t.same(
    five.filter((c) => c.rep === 1).map((c) => c.id),
    once.map((c) => c.id),
    'rep 1 of each case is the case itself: the same id with or without --repeat',
  );
  for (const c of five) t.ok(c.rep >= 1 && c.rep <= 5, `${c.id} rep ${c.rep}`);
  t.equal(scenarioCells(scenario).length, 128, 'the scenario’s own setting when none is given');

  // A block whose latency repeats are more than N keeps them; the others get N.
  const faults = loadScenario(path.join(root, 'scenarios/faults.yaml'));
  const base = scenarioCells(faults, 1);
  const perCase = (cells: typeof base) => {
    const n = new Map<string, number>();
    for (const c of cells) n.set(c.caseId, (n.get(c.caseId) ?? 0) + 1);
    return n;
  };
  const before = perCase(base);
  const after = perCase(scenarioCells(faults, 3));
  t.ok([...before.values()].some((n) => n > 3), 'faults.yaml has cases repeated more than 3 times');
  for (const [caseId, n] of before) t.equal(after.get(caseId), Math.max(3, n), caseId);
});

t.test('a case’s repetitions share its shard', async (t) => {
  const cells = scenarioCells(loadScenario(defaultScenario), 5);
  for (const count of [2, 3, 7]) {
    const shards = new Map<string, Set<number>>();
    for (const c of cells) shards.set(c.caseId, (shards.get(c.caseId) ?? new Set()).add(shardOf(c, count)));
    t.ok([...shards.values()].every((s) => s.size === 1), `${count} shards`);
  }
});

t.test('run.repeat in the scenario file sets N', async (t) => {
  const dir = t.testdir({
    'x.yaml': 'name: x\ntarget: debian-bookworm\naxes:\n  session: [pty]\n  launch: [nohup, setsid]\n  workload: [quiet]\n  sever: [logout]\nrun:\n  repeat: 4\n',
  });
  const scenario = loadScenario(path.join(dir, 'x.yaml'));
  t.equal(scenarioCells(scenario).length, 8);
  t.equal(scenarioCells(scenario, 2).length, 4, '--repeat wins over the file');
});
