import t, { type Test } from 'tap';
import { BadInputError, ExitCode } from '../../harness/core/errors.js';
import { derived } from '../../harness/expect/flaky.js';
import { judgeCell } from '../../harness/expect/judge.js';
import { shardOf } from '../../harness/matrix/shard.js';
import { mergeResults, type Part } from '../../harness/merge/merge.js';
import { reporters } from '../../harness/report/registry.js';
import type { RunResult } from '../../harness/results.js';
import { expectations, multiTarget, racedRun, repeatedRun, runOrderCopy, withExpectations } from '../report/fixtures.js';

/**
 * The results.json `--shard i/n` would write for each shard of this run: the same clock and plan,
 * its own cells in run order and the flaky cases among them, the fingerprints of the servers its
 * cells used, and (all of them in shard 1) the containers.
 */
function split(result: RunResult, n: number): Part[] {
  return Array.from({ length: n }, (_, i) => {
    const index = i + 1;
    const cells = result.cells.filter((c) => shardOf(c, n) === index);
    const servers = new Set(cells.map((c) => c.serverKey));
    const part: RunResult = {
      ...structuredClone(result),
      shard: { index, count: n },
      targets: structuredClone(result.targets.filter((fp) => servers.has(fp.key))),
      containers: index === 1 ? structuredClone(result.containers) : [],
      ...derived(cells, result.races),
      cells: structuredClone(cells),
    };
    return { file: `shard-${index}-of-${n}/results.json`, result: part };
  });
}

/** A few orders of the parts: as given, reversed, and rotated. */
function orders<T>(items: T[]): T[][] {
  const rotations = items.map((_, i) => [...items.slice(i), ...items.slice(0, i)]);
  return [...rotations, [...items].reverse()];
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const originals: [string, () => RunResult][] = [
  ['the fixture', () => withExpectations(runOrderCopy())],
  ['the fixture, strict', () => withExpectations(runOrderCopy(), expectations, true)],
  ['two targets', () => withExpectations(multiTarget())],
  ['three targets', () => withExpectations(multiTarget(['debian-bullseye', 'debian-bookworm', 'debian-trixie']))],
  ['a repeated run (--repeat 3)', () => withExpectations(repeatedRun())],
  ['a repeated run with declared races', () => withExpectations(racedRun())],
];

t.test('the originals are realistic: cells in plan order, outcomes judged, expectations failing', async (t) => {
  for (const [name, make] of originals) {
    const r = make();
    t.same(
      r.cells.map((c) => c.id),
      r.plan,
      name,
    );
    t.ok(
      r.cells.some((c) => c.expectations.some((o) => o.status === 'failed')),
      `${name}: some expectation fails`,
    );
    t.same(
      r.targets.map((fp) => fp.key),
      [...r.targets.map((fp) => fp.key)].sort(),
      `${name}: fingerprints sorted by key, as a run writes them`,
    );
  }
  t.ok(
    split(withExpectations(runOrderCopy()), 2).every((p) => p.result.cells.length > 0),
    'the fixture’s cells spread over two shards',
  );
  t.ok(
    split(withExpectations(multiTarget()), 3).every((p) => p.result.cells.length > 0),
    'two targets’ cells spread over three shards',
  );
});

t.test('merging the shards of a run gives back the run, and every report byte for byte', async (t) => {
  for (const [name, make] of originals) {
    const original = make();
    const rendered = Object.values(reporters).map((r) => [r.name, r.render(original)] as const);
    const coloured = reporters.terminal.render(original, { color: true });
    for (let n = 1; n <= 5; n++) {
      const parts = split(original, n);
      t.equal(
        parts.reduce((k, p) => k + p.result.cells.length, 0),
        original.cells.length,
      );
      for (const order of n <= 3 ? permutations(parts) : orders(parts)) {
        const label = `${name}, ${n} shards, given as ${order.map((p) => p.result.shard!.index).join(',')}`;
        const merged = mergeResults(order);
        t.same(merged, original, label);
        t.equal(merged.shard, null);
        t.equal(JSON.stringify(merged), JSON.stringify(original), `${label}: the same JSON, key order too`);
        for (const [reporter, text] of rendered) {
          t.equal(reporters[reporter as keyof typeof reporters].render(merged), text, `${label}: ${reporter}`);
        }
        t.equal(reporters.terminal.render(merged, { color: true }), coloured, `${label}: terminal in colour`);
      }
    }
  }
});

t.test('a shard’s own report says which shard it is; the merged one does not', async (t) => {
  const original = withExpectations(runOrderCopy());
  const parts = split(original, 2);
  const shard = parts[1]!.result;
  t.match(reporters.terminal.render(shard), `(shard 2/2 of ${original.plan.length} cells)`);
  t.match(reporters.markdown.render(shard), `shard 2/2 of ${original.plan.length} cells`);
  const merged = mergeResults(parts);
  t.notMatch(reporters.terminal.render(merged), 'shard');
  t.notMatch(reporters.markdown.render(merged), /shard \d/);
});

t.test('targets run separately (--target) merge like shards', async (t) => {
  const original = withExpectations(multiTarget());
  const parts = ['debian-bullseye', 'debian-trixie'].map((target): Part => {
    const cells = original.cells.filter((c) => c.target === target);
    const servers = new Set(cells.map((c) => c.serverKey));
    return {
      file: `${target}/results.json`,
      result: {
        ...structuredClone(original),
        targets: original.targets.filter((fp) => servers.has(fp.key)),
        containers: original.containers.filter((c) => servers.has(c.server)),
        cells,
      },
    };
  });
  for (const order of permutations(parts)) {
    const merged = mergeResults(order);
    t.same(merged, original);
    for (const r of Object.values(reporters)) t.equal(r.render(merged), r.render(original), r.name);
  }
});

t.test('a repeated run: each shard holds whole cases and their flaky ones; the merge recomputes the lists', async (t) => {
  const original = withExpectations(repeatedRun());
  t.equal(original.flaky.length, 2, 'the disowned drop and the inconclusive nohup');
  t.equal(original.signalVaries.length, 1);
  for (let n = 2; n <= 4; n++) {
    const parts = split(original, n);
    for (const p of parts) {
      const cases = new Set(p.result.cells.map((c) => c.caseId));
      t.equal(p.result.cells.length, cases.size * 3, `shard ${p.result.shard!.index}/${n}: every case with its 3 repetitions`);
    }
    t.same(parts.flatMap((p) => p.result.flaky).map((f) => f.caseId).sort(), original.flaky.map((f) => f.caseId).sort(), `${n} shards: each flaky case in its shard`);
    // A part whose lists were lost or edited: the merge takes them from the cells alone.
    for (const p of parts) {
      p.result.flaky = [];
      p.result.signalVaries = [];
    }
    const merged = mergeResults(parts);
    t.same(merged.flaky, original.flaky, `${n} shards: flaky recomputed`);
    t.same(merged.signalVaries, original.signalVaries);
    t.equal(JSON.stringify(merged), JSON.stringify(original));
  }
});

t.test('one whole result merges into itself', async (t) => {
  const original = withExpectations(runOrderCopy());
  t.same(mergeResults([{ file: 'results.json', result: structuredClone(original) }]), original);
});

t.test('outcomes are re-judged from the cells, not copied from the files', async (t) => {
  const original = withExpectations(runOrderCopy());
  const parts = split(original, 2);
  for (const p of parts) {
    for (const c of p.result.cells) c.expectations = [{ expectation: 0, status: 'met', detail: 'stale' }];
  }
  parts[0]!.result.cells[0]!.expectations = [];
  const merged = mergeResults(parts);
  t.same(merged, original);
  for (const c of merged.cells) t.same(c.expectations, judgeCell(c, original.expectations), c.id);
});

t.test('merging leaves its inputs alone', async (t) => {
  const parts = split(withExpectations(multiTarget()), 3);
  parts[2]!.result.startedAt = '2025-06-14T09:13:03.417Z';
  const before = structuredClone(parts);
  mergeResults(parts);
  t.same(parts, before);
});

t.test('times are moved onto the clock of the earliest part', async (t) => {
  const original = withExpectations(multiTarget());
  const [a, b] = split(original, 2) as [Part, Part];
  // Shard 2 started a minute after shard 1 and ran its own containers; its times count from its start.
  b.result.startedAt = '2025-06-14T09:13:03.417Z';
  b.result.finishedAt = '2025-06-14T09:16:00.000Z';
  b.result.containers = [{ server: b.result.targets[0]!.key, role: 'shared', startedMs: 100, bootMs: 3900 }];
  const merged = mergeResults([b, a]);
  t.equal(merged.startedAt, original.startedAt, 'the earliest start');
  t.equal(merged.finishedAt, '2025-06-14T09:16:00.000Z', 'the latest finish');
  t.equal(merged.durationMs, Date.parse('2025-06-14T09:16:00.000Z') - Date.parse(original.startedAt));
  for (const c of merged.cells) {
    const from = [a, b].find((p) => p.result.cells.some((x) => x.id === c.id))!;
    const own = from.result.cells.find((x) => x.id === c.id)!;
    t.equal(c.timing.startedMs, own.timing.startedMs + (from === b ? 60_000 : 0), c.id);
    t.same({ ...c.timing, startedMs: 0 }, { ...own.timing, startedMs: 0 }, 'only the start moves');
  }
  t.same(
    merged.containers.map((c) => [c.server, c.startedMs, c.bootMs]),
    [...original.containers.map((c) => [c.server, c.startedMs, c.bootMs]), [b.result.targets[0]!.key, 60_100, 3900]].sort(
      (x, y) => (x[1] as number) - (y[1] as number),
    ),
    'containers shifted too, in start order',
  );
  const earlyFinish = structuredClone(b);
  earlyFinish.result.finishedAt = '2025-06-14T09:13:30.000Z';
  t.equal(mergeResults([a, earlyFinish]).finishedAt, original.finishedAt, 'a part that ended sooner does not end the run sooner');
});

t.test('a server both parts used is listed once, with the first file’s fingerprint', async (t) => {
  const original = withExpectations(runOrderCopy());
  const [a, b] = split(original, 2) as [Part, Part];
  t.same(a.result.targets, b.result.targets, 'both used the one server');
  b.result.targets[0]!.serverVersion = 'OpenSSH_9.2p1 Debian-2+deb12u8';
  t.same(mergeResults([a, b]).targets, original.targets);
  t.equal(mergeResults([b, a]).targets[0]!.serverVersion, 'OpenSSH_9.2p1 Debian-2+deb12u8');
  t.equal(mergeResults([b, a]).targets.length, 1);
});

/** The error a merge of these parts throws; fails the test when it does not throw one. */
function mergeError(t: Test, parts: Part[]): BadInputError {
  try {
    mergeResults(parts);
  } catch (e) {
    t.type(e, BadInputError);
    t.equal((e as BadInputError).exitCode, ExitCode.badInput);
    t.notMatch((e as Error).message, '\n', 'one line');
    return e as BadInputError;
  }
  t.fail('merged without an error');
  return new BadInputError('');
}

const three = () => split(withExpectations(multiTarget()), 3) as [Part, Part, Part];

t.test('errors: no files', async (t) => {
  t.match(mergeError(t, []).message, 'give at least one results.json');
});

t.test('errors: another schema version, naming the file', async (t) => {
  const parts = three();
  (parts[1].result as { schemaVersion: number }).schemaVersion = 2;
  t.equal(
    mergeError(t, parts).message,
    'shard-2-of-3/results.json: schemaVersion 2, this hangup-lab reads 7; merge results written by the same version',
  );
  const first = three();
  (first[0].result as { schemaVersion: number }).schemaVersion = 3;
  t.match(mergeError(t, first).message, /^shard-1-of-3\/results\.json: schemaVersion 3/, 'v3 has no flaky list: not read');
  t.match(mergeError(t, [{ file: 'empty.json', result: null as unknown as RunResult }]).message, /^empty\.json: schemaVersion undefined/);
});

t.test('errors: parts of different runs, naming the file and the first file', async (t) => {
  const cases: [string, (r: RunResult) => void][] = [
    ['scenario name', (r) => (r.scenario.name = 'other')],
    ['plan (the cells of the whole matrix)', (r) => r.plan.pop()],
    ['plan (the cells of the whole matrix)', (r) => r.plan.reverse()],
    ['axes', (r) => r.axes.user.reverse()],
    ['expectations', (r) => (r.expectations = r.expectations.slice(1))],
    ['expectations', (r) => (r.expectations[0]!.why = 'another reason')],
    ['strictness (--strict)', (r) => (r.strict = true)],
    ['repeat (--repeat)', (r) => (r.repeat = 5)],
    ['race declarations (races:)', (r) => r.races.push({ where: { launch: ['tmux'] }, why: 'x' })],
  ];
  for (const [what, change] of cases) {
    const parts = three();
    change(parts[2].result);
    t.equal(
      mergeError(t, parts).message,
      `shard-3-of-3/results.json: its ${what} differs from shard-1-of-3/results.json's; merge only shards of one scenario run with the same flags`,
      what,
    );
  }
});

t.test('errors: what may differ between parts does not', async (t) => {
  const parts = three();
  parts[1].result.scenario.file = 'elsewhere/faults.yaml';
  parts[1].result.scenario.description = 'edited';
  parts[1].result.tool.version = '0.2.1';
  t.doesNotThrow(() => mergeResults(parts));
});

t.test('errors: a cell in two files names both', async (t) => {
  const parts = three();
  parts[2].result.cells.push(structuredClone(parts[0].result.cells[0]!));
  const id = parts[0].result.cells[0]!.id;
  t.equal(
    mergeError(t, parts).message,
    `shard-3-of-3/results.json: cell ${id} is also in shard-1-of-3/results.json; give each shard once (did two shards overlap?)`,
  );
  const twice = three();
  t.match(mergeError(t, [twice[0], twice[1], twice[2], { ...twice[1], file: 'again.json' }]).message, /^again\.json: cell \S+ is also in shard-2-of-3\/results\.json/);
});

t.test('errors: a cell not in the plan', async (t) => {
  const parts = three();
  parts[1].result.cells[0]!.id = 'deadbeef00';
  t.equal(
    mergeError(t, parts).message,
    'shard-2-of-3/results.json: cell deadbeef00 is not in the plan; the file was edited or comes from another scenario',
  );
});

t.test('errors: missing cells, saying how many and which shards were given', async (t) => {
  const original = withExpectations(multiTarget());
  const [a, , c] = three();
  const missing = original.plan.filter((id) => ![...a.result.cells, ...c.result.cells].some((x) => x.id === id));
  t.equal(
    mergeError(t, [c, a]).message,
    `hangup-lab merge: ${missing.length} of ${original.plan.length} cells are missing (e.g. ${missing[0]}); the files cover shards 3/3, 1/3 — give the results.json of every shard and target`,
  );
  const whole = structuredClone(a);
  whole.result.shard = null;
  t.match(mergeError(t, [whole]).message, /cells are missing .*; the files cover shards all —/);
  const one = three()[0];
  const dup = { ...one, file: 'copy.json' };
  t.match(mergeError(t, [one, dup]).message, 'is also in', 'an overlap is named before what is missing');
});

t.test('a merge derives flaky and rates with the race declarations, whatever the shards wrote', async (t) => {
  const original = withExpectations(racedRun());
  const parts = split(original, 2);
  for (const p of parts) Object.assign(p.result, { flaky: [], rates: [] });
  const merged = mergeResults(parts);
  t.same(merged.flaky, original.flaky);
  t.same(merged.rates, original.rates);
  t.equal(merged.flaky.length, 1, 'the disowned drop is a race; the nohup client-kill, with its inconclusive repetition, is flaky');
});

t.test("a bench run's CPU breakdown is one run's: a merge carries none", async t => {
  const r = runOrderCopy();
  const usage = { cores: 2, busySeconds: 10, loadAverage: [], parts: [], containers: [], notes: [] };
  const merged = mergeResults([{ file: 'a.json', result: { ...r, usage } }]);
  t.equal(merged.usage, undefined);
  t.notMatch(JSON.stringify(merged), '"usage"');
});
