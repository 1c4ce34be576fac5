// No claim verdict from a single observation: the cases that split a claim are measured again, as
// real repetitions (same case id, the ids `expand` gives), and the judge states a rate when the
// runs disagree. Pure parts only; the Docker run is `hangup-lab claims`.
import t from 'tap';
import { judgeClaims, type Claim } from '../../harness/claims/judge.js';
import { extendedPlan, remeasurePlan } from '../../harness/claims/remeasure.js';
import { expand } from '../../harness/matrix/expand.js';
import { cellId } from '../../harness/matrix/cell-id.js';
import { mergeResults } from '../../harness/merge/merge.js';
import { AXIS_NAMES, type CellResult, type RunResult } from '../../harness/results.js';
import { fixtureCopy } from '../report/fixtures.js';

const claim: Claim = {
  id: '003-10',
  article: 'x.txt',
  claim: 'a unit with Restart=always comes back',
  where: { launch: ['systemd-unit'] },
  confirms: { verdict: ['survived'], checks: { restart: true } },
  explain: '',
};

/** A systemd-unit cell of the case (sever, killUserProcesses), run `rep`, whose restart check said `restart`. */
function unitCell(base: CellResult, sever: string, kup: 'yes' | 'no', rep: number, restart: boolean | null): CellResult {
  const values = { ...Object.fromEntries(AXIS_NAMES.map(a => [a, base[a]])), launch: 'systemd-unit', sever, killUserProcesses: kup } as Record<string, string>;
  return {
    ...structuredClone(base),
    ...values,
    id: rep === 1 ? cellId(values) : cellId({ ...values, rep }),
    caseId: cellId(values),
    rep,
    verdict: 'survived',
    checks: [{ name: 'restart', ok: restart, detail: restart ? 'came back' : 'no', atMs: 1 }],
  } as CellResult;
}

/** The first pass: four cases, one of which (drop, KillUserProcesses=no) answered "no" once. */
function firstPass(): RunResult {
  const r = fixtureCopy();
  const base = r.cells[0]!;
  r.cells = [
    unitCell(base, 'client-kill', 'no', 1, true),
    unitCell(base, 'client-kill', 'yes', 1, true),
    unitCell(base, 'drop', 'no', 1, false),
    unitCell(base, 'drop', 'yes', 1, true),
  ];
  r.plan = r.cells.map(c => c.id);
  r.claims = { article: 'x.txt', title: 'x', claims: [claim], untestable: [] };
  r.flaky = [];
  r.signalVaries = [];
  return r;
}

t.test('the first pass: CONDITIONAL on a single "no"', async t => {
  t.match(judgeClaims(firstPass())[0], { verdict: 'CONDITIONAL', condition: 'false only for sever=drop + killUserProcesses=no', rates: [] });
});

t.test('remeasurePlan: the smaller side of a CONDITIONAL claim gets two more runs, as real repetitions', async t => {
  const r = firstPass();
  const split = r.cells[2]!;
  const plan = remeasurePlan(r, 3);
  t.same(plan.cells.map(c => [c.caseId, c.rep]), [
    [split.caseId, 2],
    [split.caseId, 3],
  ]);
  // The ids `expand` gives the same case's repetitions, so --repeat and merge agree with them.
  const block = { axes: Object.fromEntries(AXIS_NAMES.map(a => [a, [String(split[a])]])) as never, matrixAxes: [], exclude: [], include: [], latencyRepeats: 1 };
  t.same(plan.cells.map(c => c.id), expand([block], { repeats: () => 3 }).slice(1).map(c => c.id));
  t.same([...plan.because], [[split.caseId, ['003-10']]]);
  t.same(remeasurePlan(r, 1).cells, [], '--runs 1: nothing again');
});

t.test('remeasurePlan: REFUTED → every contradicting case; CONFIRMED → none; cases already run often enough → none', async t => {
  const refuted = firstPass();
  refuted.cells = refuted.cells.map(c => ({ ...c, checks: [{ ...c.checks[0]!, ok: false }] }));
  t.equal(remeasurePlan(refuted, 3).cells.length, 8);
  const confirmed = firstPass();
  confirmed.cells[2]!.checks[0]!.ok = true;
  t.same(remeasurePlan(confirmed, 3).cells, []);
  const again = firstPass();
  const extra = remeasurePlan(again, 3).cells;
  again.cells.push(...extra.map(c => ({ ...structuredClone(again.cells[2]!), ...c })));
  again.plan = extendedPlan(again.plan, again.cells, extra);
  t.same(remeasurePlan(again, 3).cells, [], 'three runs already');
});

t.test('extendedPlan: each extra run right after the last run of its case', async t => {
  const r = firstPass();
  const extra = remeasurePlan(r, 3).cells;
  t.same(extendedPlan(r.plan, r.cells, extra), [r.plan[0], r.plan[1], r.plan[2], extra[0]!.id, extra[1]!.id, r.plan[3]]);
});

/** The first pass and its re-measurement merged as `hangup-lab claims` does; `restarts` = the two new answers. */
function measuredAgain(restarts: [boolean, boolean]): RunResult {
  const first = firstPass();
  const extra = remeasurePlan(first, 3).cells;
  const more = firstPass();
  more.cells = extra.map((c, i) => unitCell(first.cells[0]!, c.sever, c.killUserProcesses, c.rep, restarts[i]!));
  const plan = extendedPlan(first.plan, first.cells, extra);
  return mergeResults([
    { file: 'first', result: { ...first, plan } },
    { file: 'again', result: { ...more, plan } },
  ]);
}

t.test('measured again, the runs disagree: CONDITIONAL with the rate, never a verdict from one run', async t => {
  const merged = measuredAgain([true, true]);
  t.equal(merged.cells.length, 6);
  const [o] = judgeClaims(merged);
  t.equal(o!.verdict, 'CONDITIONAL');
  t.equal(o!.condition, 'confirmed in 2 of 3 runs of sever=drop + killUserProcesses=no; every run of the other 3 judged cells confirms');
  t.same(o!.rates.map(r => [r.confirmed, r.runs, r.cellIds.length]), [[2, 3, 3]]);
  t.equal(o!.contradicting.length, 1, 'the one "no" is still evidence');
  t.equal(o!.confirming.length, 5);
});

t.test('measured again, the "no" holds in every run: the split stands, now on three runs', async t => {
  const [o] = judgeClaims(measuredAgain([false, false]));
  t.equal(o!.verdict, 'CONDITIONAL');
  t.equal(o!.condition, 'false only for sever=drop + killUserProcesses=no');
  t.same(o!.rates, []);
  t.equal(o!.contradicting.length, 3);
});

t.test('merge re-judges the same from the merged file alone, also merged again', async t => {
  const merged = measuredAgain([true, false]);
  const again = mergeResults([{ file: 'merged', result: merged }]);
  t.same(judgeClaims(again), judgeClaims(merged));
  t.match(judgeClaims(again)[0], { verdict: 'CONDITIONAL', condition: /^confirmed in 1 of 3 runs of sever=drop \+ killUserProcesses=no/ });
});
