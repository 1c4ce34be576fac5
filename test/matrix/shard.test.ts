import t from 'tap';
import { BadInputError, ExitCode } from '../../harness/core/errors.js';
import { expand } from '../../harness/matrix/expand.js';
import { inShard, parseShard, shardOf } from '../../harness/matrix/shard.js';
import type { Cell } from '../../harness/results.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import { latencyRepeats, loadScenario } from '../../harness/scenario/load.js';

const faults = loadScenario('scenarios/faults.yaml');
const defaults = loadScenario('scenarios/default.yaml');
const faultCells = scenarioCells(faults);
const defaultCells = scenarioCells(defaults);

t.test('the scenarios give a few hundred real cells, some of them repeated', async (t) => {
  t.ok(faultCells.length >= 200, `${faultCells.length} cells in faults.yaml`);
  t.ok(new Set(faultCells.map((c) => c.caseId)).size < faultCells.length, 'detection-latency cases repeat');
  t.ok(
    [...faultCells, ...defaultCells].every((c) => /^[0-9a-f]{10}$/.test(c.caseId)),
    'case ids are hex, which shardOf relies on',
  );
});

t.test('parseShard: I/N with 1 <= I <= N <= 1000', async (t) => {
  t.same(parseShard('1/1'), { index: 1, count: 1 });
  t.same(parseShard('1/2'), { index: 1, count: 2 });
  t.same(parseShard('2/2'), { index: 2, count: 2 });
  t.same(parseShard('7/12'), { index: 7, count: 12 });
  t.same(parseShard('1000/1000'), { index: 1000, count: 1000 });
  t.same(parseShard('01/02'), { index: 1, count: 2 }, 'leading zeros are still numbers');
});

t.test('parseShard: anything else is a one-line bad-input error naming the flag and the value', async (t) => {
  for (const bad of ['0/2', '3/2', 'a/b', '1/0', '2/1001', '1001/1001', '', '1', '1/', '/2', '1/2/3', ' 1/2', '1/2 ', '-1/2', '1.5/2', '1 / 2', '+1/2', '0x1/2']) {
    const e = t.throws(() => parseShard(bad), BadInputError, JSON.stringify(bad)) as unknown as BadInputError;
    if (!(e instanceof BadInputError)) continue;
    t.equal(e.exitCode, ExitCode.badInput);
    t.equal(e.exitCode, 2);
    t.notMatch(e.message, '\n', 'one line');
    t.ok(e.message.startsWith(`--shard "${bad}": `), e.message);
    t.match(e.message, 'e.g. 1/2', 'says what a good value looks like');
  }
});

t.test('parseShard: the flag name is the caller’s', async (t) => {
  t.throws(() => parseShard('3/2', 'HANGUP_LAB_SHARD'), { message: /^HANGUP_LAB_SHARD "3\/2": must be I\/N/ });
});

t.test('every cell is in exactly one shard, for 1 to 7 shards', async (t) => {
  for (const cells of [faultCells, defaultCells]) {
    for (let n = 1; n <= 7; n++) {
      const shards = Array.from({ length: n }, (_, i) => ({ index: i + 1, count: n }));
      const homes = cells.map((c) => shards.filter((s) => inShard(c, s)).length);
      t.ok(
        homes.every((h) => h === 1),
        `n=${n}: ${cells.length} cells, each in one shard`,
      );
      t.ok(
        cells.every((c) => {
          const s = shardOf(c, n);
          return Number.isInteger(s) && s >= 1 && s <= n;
        }),
      );
      const union = shards.flatMap((s) => cells.filter((c) => inShard(c, s)).map((c) => c.id));
      t.same(new Set(union), new Set(cells.map((c) => c.id)), `n=${n}: the shards together are the plan`);
      t.equal(union.length, cells.length);
    }
  }
});

t.test('inShard: no shard means every cell; one shard of one is every cell', async (t) => {
  t.ok(faultCells.every((c) => inShard(c, null)));
  t.ok(faultCells.every((c) => inShard(c, { index: 1, count: 1 })));
  t.ok(faultCells.every((c) => shardOf(c, 1) === 1));
});

t.test('the repetitions of a case are always in the same shard', async (t) => {
  const byCase = new Map<string, Cell[]>();
  for (const c of faultCells) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  const repeated = [...byCase.values()].filter((cs) => cs.length > 1);
  t.ok(repeated.length > 5, `${repeated.length} repeated cases`);
  for (let n = 2; n <= 7; n++) {
    t.ok(
      repeated.every((cs) => new Set(cs.map((c) => shardOf(c, n))).size === 1),
      `n=${n}`,
    );
  }
  t.ok(
    repeated.every((cs) => new Set(cs.map((c) => c.id)).size === cs.length),
    'while their ids differ',
  );
});

t.test('a cell’s shard depends on its case alone: adding or removing other cells moves nothing', async (t) => {
  const shardsOf = (cells: Cell[], n: number) => new Map(cells.map((c) => [c.id, shardOf(c, n)]));
  // Fewer cells: drop the first block; more: another target, more values, a second scenario.
  const fewer = expand(faults.blocks.slice(1), { repeats: latencyRepeats });
  const more = expand(
    [...faults.blocks, ...faults.blocks.map((b) => ({ ...b, axes: { ...b.axes, target: ['debian-trixie'] } }))],
    { repeats: latencyRepeats },
  );
  t.ok(fewer.length < faultCells.length && more.length > faultCells.length);
  for (let n = 2; n <= 7; n++) {
    const all = shardsOf(faultCells, n);
    for (const [name, other] of [
      ['fewer', fewer],
      ['more', more],
      ['another scenario', [...defaultCells, ...faultCells]],
      ['reversed', [...faultCells].reverse()],
    ] as const) {
      const moved = other.filter((c) => all.has(c.id) && all.get(c.id) !== shardOf(c, n));
      t.equal(moved.length, 0, `n=${n}, ${name}`);
    }
  }
  const trixie = more.filter((c) => c.target === 'debian-trixie');
  t.ok(trixie.length > 0 && trixie.every((c) => !faultCells.some((f) => f.id === c.id)), 'the new cells are new');
});

t.test('shards are roughly balanced', async (t) => {
  const share = (cells: Cell[], n: number) => {
    const counts = Array.from({ length: n }, () => 0);
    for (const c of cells) counts[shardOf(c, n) - 1]! += 1;
    return counts.map((k) => k / cells.length);
  };
  for (const [name, cells] of [
    ['faults', faultCells],
    ['default', defaultCells],
  ] as const) {
    const two = share(cells, 2);
    t.ok(
      two.every((s) => s >= 0.35 && s <= 0.65),
      `${name}, n=2: ${two.map((s) => (100 * s).toFixed(0)).join('/')} %`,
    );
    for (let n = 3; n <= 7; n++) {
      const shares = share(cells, n);
      // Repeated cases move as a block, so allow up to twice the fair share; none may be empty.
      t.ok(
        shares.every((s) => s > 0 && s <= 2 / n),
        `${name}, n=${n}: ${shares.map((s) => (100 * s).toFixed(0)).join('/')} %`,
      );
    }
  }
});

t.test('shardOf reads the case id only', async (t) => {
  const [a, b] = [faultCells[0]!, faultCells[1]!];
  for (let n = 1; n <= 7; n++) {
    t.equal(shardOf({ caseId: a.caseId }, n), shardOf(a, n));
    t.equal(shardOf({ ...b, caseId: a.caseId }, n), shardOf(a, n), 'other axis values do not matter');
  }
  // Any id string has a shard, also one that is not hex (a hand-written results file).
  for (const id of ['case-a', 'x', '', 'ffffffff00']) {
    const k = shardOf({ caseId: id }, 3);
    t.ok(Number.isInteger(k) && k >= 1 && k <= 3, `"${id}" → shard ${k}`);
  }
});
