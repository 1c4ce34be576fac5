// bench --scaling's arithmetic: which targets make each size (never a repeated one), the line
// through the runs, the largest job of a sharded CI matrix and the fewest shards under a budget.
import t from 'tap';
import { chooseTargets, fitLine, largestShard, scalingPoint, shardsNeeded } from '../../harness/bench/scaling.js';
import { scalingText, type ScalingRun } from '../../harness/bench/scaling-text.js';
import { shardOf } from '../../harness/matrix/shard.js';
import type { RunResult } from '../../harness/results.js';
import { fixtureCopy } from '../report/fixtures.js';

const DISTROS = ['debian-bullseye', 'debian-bookworm', 'debian-bookworm-backports', 'debian-trixie', 'debian-sid'];
const suite = (t: string) => t.replace(/^debian-/, '').replace(/-backports$/, '');
const noSid = (t: string) => (t === 'debian-sid' ? 'its base image debian:sid is not on this machine' : null);

t.test('distinct suites first, each size a prefix of the next; 5 asked with 4 runnable is 4, said so', async t => {
  const { choices, notes } = chooseTargets(DISTROS, suite, noSid, [1, 3, 5]);
  t.same(choices, [
    { size: 1, targets: ['debian-bullseye'] },
    { size: 3, targets: ['debian-bullseye', 'debian-bookworm', 'debian-trixie'] },
    { size: 4, targets: ['debian-bullseye', 'debian-bookworm', 'debian-trixie', 'debian-bookworm-backports'] },
  ]);
  t.same(notes, ['debian-sid cannot run here: its base image debian:sid is not on this machine', '5 targets asked, 4 of the scenario\'s can run here: measured with 4']);
});

t.test('sizes that collapse to one are measured once; nothing runnable gives no runs', async t => {
  const { choices, notes } = chooseTargets(['debian-bookworm', 'debian-sid'], suite, noSid, [1, 2, 3]);
  t.same(choices, [{ size: 1, targets: ['debian-bookworm'] }]);
  t.match(notes.at(-1), /3 targets asked, 1 of the scenario's can run here: measured with 1 \(already measured\)/);
  t.same(chooseTargets(['debian-sid'], suite, noSid, [1]).choices, []);
});

t.test('fitLine: exact on a line, least squares otherwise, a ratio for one point', async t => {
  const exact = fitLine([{ x: 128, y: 30_000 + 128 * 700 }, { x: 384, y: 30_000 + 384 * 700 }, { x: 512, y: 30_000 + 512 * 700 }]);
  t.same({ intercept: Math.round(exact.intercept * 1e6) / 1e6, slope: Math.round(exact.slope * 1e6) / 1e6 }, { intercept: 30_000, slope: 700 });
  const f = fitLine([{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 2, y: 2 }]);
  t.equal(Math.round(f.slope * 1000) / 1000, 0.5);
  t.equal(Math.round(f.intercept * 1000) / 1000, 1.167);
  t.same(fitLine([{ x: 100, y: 50 }]), { intercept: 0, slope: 0.5 });
  t.same(fitLine([]), { intercept: 0, slope: 0 });
});

t.test('largestShard: per target and shard, by the same hash as run --shard', async t => {
  const cells = Array.from({ length: 40 }, (_, i) => ({ target: i < 20 ? 'a' : 'b', caseId: `case-${i}` }));
  t.equal(largestShard(cells, 1), 20, 'one shard: a whole target');
  const two = largestShard(cells, 2);
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(`${c.target}${shardOf(c, 2)}`, (counts.get(`${c.target}${shardOf(c, 2)}`) ?? 0) + 1);
  t.equal(two, Math.max(...counts.values()));
  t.ok(two >= 10 && two < 20);
});

t.test('shardsNeeded: the fewest shards whose largest job fits the budget, never under the floor', async t => {
  const line = { intercept: 60_000, slope: 1000 };
  // 128 cells per target: 188 s at one shard.
  t.same(shardsNeeded(line, 20_000, n => Math.ceil(128 / n), 600_000), { shards: 1, predictedMs: 188_000, cellsInLargest: 128 });
  // A budget of 100 s: 60 + 40 → 128/n ≤ 40 → n = 4 (32 cells, 92 s).
  t.same(shardsNeeded(line, 20_000, n => Math.ceil(128 / n), 100_000), { shards: 4, predictedMs: 92_000, cellsInLargest: 32 });
  // The floor is higher than the budget: no split helps.
  const none = shardsNeeded(line, 700_000, n => Math.ceil(128 / n), 600_000);
  t.equal(none.shards, null);
  t.equal(none.predictedMs, 700_000);
});

t.test('scalingPoint and scalingText from saved runs', async t => {
  const r: RunResult = fixtureCopy();
  r.cells = r.cells.filter(c => c.verdict !== 'inconclusive').map(c => ({ ...c, setup: { attempts: 1, failures: [] } }));
  r.durationMs = 100_000;
  r.usage = {
    cores: 2,
    busySeconds: 150,
    loadAverage: [12.5, 11, 9],
    parts: [
      { path: ['target containers'], coreSeconds: 55, peakBytes: 300 * 1024 * 1024, how: 'exact', count: 2 },
      { path: ['target containers', 'init.scope'], coreSeconds: 5, peakBytes: null, how: 'exact', count: 2 },
      { path: ['harness: node (this process)'], coreSeconds: 10, peakBytes: 200 * 1024 * 1024, how: 'exact', count: 1 },
      { path: ['other: the rest of the machine'], coreSeconds: 85, peakBytes: null, how: 'remainder', count: 1 },
    ],
    containers: [
      { id: 'a', server: 's', role: 'shared', coreSeconds: 50, peakBytes: 300 * 1024 * 1024 },
      { id: 'b', server: 's', role: 'own', coreSeconds: 5, peakBytes: 100 * 1024 * 1024 },
    ],
    notes: [],
  };
  const p = scalingPoint(r, ['debian-bookworm']);
  t.same(p.memory, { containersSumBytes: 400 * 1024 * 1024, largestContainerBytes: 300 * 1024 * 1024, harnessBytes: 200 * 1024 * 1024, containers: 2 });
  t.same(p.coreSeconds, { run: 65, machine: 150 }, "the run's own: top-level rows but the neighbours' (other)");
  t.same(p.withheld, []);
  const p3 = { ...p, targets: ['a', 'b', 'c'], cells: p.cells * 3, wallMs: 250_000, coreSeconds: { run: 182, machine: 420 } };
  const run: ScalingRun = { schemaVersion: 1, scenario: 'distros', sizesAsked: [1, 3], notes: ['a note'], points: [p, p3], planCells: 80, planTargets: 5, floorMs: 20_000, budgetMs: 600_000, shards: { shards: 1, predictedMs: 90_000, cellsInLargest: 16 }, idle: { cores: 2, shards: { shards: 1, predictedMs: 40_000, cellsInLargest: 16 } } };
  const text = scalingText(run);
  t.match(text, /^bench --scaling: distros, 2 runs \(targets asked: 1, 3\)/);
  t.match(text, / {2}- a note/);
  t.match(text, /×3\.0 cells: wall ×2\.50, CPU ×2\.80/);
  t.match(text, /growth \(least squares over 2 runs\): wall ≈ /);
  t.match(text, /as loaded \(the wall line\): 1 shard per target = 5 jobs; the largest gets 16 cells, predicted run 90\.0 s/);
  t.match(text, /on an idle 2-core runner \(the CPU line \/ 2 cores, never under the floor 20\.0 s; a lower bound\): 1 shard per target = 5 jobs; the largest gets 16 cells, predicted run 40\.0 s/);
  t.match(text, /load 12\.5 11\.0 9\.0/);
});

t.test('savedScaling: the report again from the kept runs, in the order of their size', async t => {
  const { savedScaling } = await import('../../harness/bench/scaling-run.js');
  const { readResults } = await import('../../harness/results-file.js');
  const one = fixtureCopy();
  one.cells = one.cells.filter(c => c.verdict !== 'inconclusive').map(c => ({ ...c, setup: { attempts: 1, failures: [] } }));
  const two = structuredClone(one);
  two.cells = [...two.cells, ...two.cells.map(c => ({ ...c, id: `${c.id}x`, target: 'debian-trixie' }))];
  two.durationMs = one.durationMs * 1.5;
  const dir = t.testdir({
    'scaling.json': JSON.stringify({ sizesAsked: [1, 2], notes: ['kept note'] }),
    'results-scaling-1.json': JSON.stringify(one),
    'results-scaling-2.json': JSON.stringify(two),
    'results.json': '{}',
  });
  const r = savedScaling(dir, 'scenarios/distros.yaml', readResults);
  t.equal(r.withheld, false);
  t.match(r.text, /^bench --scaling: distros, 2 runs \(targets asked: 1, 2\)\n {2}- kept note/);
  t.match(r.text, / 1 target {3}\s*\d+ cells[^\n]*\n[^\n]*\n {5}2 targets/);
});
