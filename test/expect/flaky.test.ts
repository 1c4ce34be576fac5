// Determinism rules: which cases are flaky (verdicts differ, an inconclusive or not-applicable
// repetition included), which only vary in their signal, that a single repetition never is, and
// which declared races are let off.
import t from 'tap';
import { countsText, derived, flakyCases, rates, repeatsText, signalVaries, type Race } from '../../harness/expect/flaky.js';
import type { CellResult, Verdict } from '../../harness/results.js';
import { cells as fixtureCells } from '../report/fixtures.js';

const base = fixtureCells.find((c) => c.id === '4d5e6f70')!;

/** One repetition of case `caseId`: a survivor unless told otherwise. */
function rep(caseId: string, n: number, verdict: Verdict = 'survived', signal: string | null = null): CellResult {
  return { ...structuredClone(base), id: `${caseId}-r${n}`, caseId, rep: n, verdict, signal, reason: `${verdict} in rep ${n}` };
}

t.test('verdicts that differ make a case flaky, with counts (most frequent first) and every repetition', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGHUP'), rep('a', 2), rep('a', 3, 'killed', 'SIGHUP'), rep('a', 4, 'killed', 'SIGTERM'), rep('a', 5)];
  t.same(flakyCases(cells), [{ caseId: 'a', target: 'debian-bookworm', verdicts: { killed: 3, survived: 2 }, cellIds: ['a-r1', 'a-r2', 'a-r3', 'a-r4', 'a-r5'] }]);
  t.same(Object.keys(flakyCases(cells)[0]!.verdicts), ['killed', 'survived'], 'key order: the most frequent first');
  t.same(signalVaries(cells), [], 'a flaky case is not also "signal varies"');
});

t.test('equal counts are ordered by verdict (VERDICTS order), so the JSON is stable', async (t) => {
  const cells = [rep('a', 1, 'session-open'), rep('a', 2, 'survived')];
  t.same(Object.keys(flakyCases(cells)[0]!.verdicts), ['survived', 'session-open']);
  t.same(Object.keys(flakyCases([...cells].reverse())[0]!.verdicts), ['survived', 'session-open']);
});

t.test('an inconclusive repetition makes a case flaky: the harness could not see what it saw the other time', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGHUP'), rep('a', 2, 'inconclusive'), rep('a', 3, 'killed', 'SIGHUP')];
  t.same(flakyCases(cells).map((f) => f.verdicts), [{ killed: 2, inconclusive: 1 }]);
});

t.test('a not-applicable repetition next to a judged one is flaky too (the session was over only sometimes)', async (t) => {
  t.same(flakyCases([rep('a', 1, 'not-applicable'), rep('a', 2)]).map((f) => f.verdicts), [{ survived: 1, 'not-applicable': 1 }]);
});

t.test('repetitions that agree are not flaky, whatever they agree on', async (t) => {
  for (const v of ['survived', 'inconclusive', 'not-applicable', 'session-open'] as Verdict[]) {
    t.same(flakyCases([rep('a', 1, v), rep('a', 2, v), rep('a', 3, v)]), [], `all ${v}`);
  }
  t.same(flakyCases([rep('a', 1, 'killed', 'SIGHUP'), rep('a', 2, 'killed', 'SIGHUP')]), []);
});

t.test('a case that ran once is never flaky, nor "signal varies"', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGHUP'), rep('b', 1, 'inconclusive'), rep('c', 1)];
  t.same(flakyCases(cells), []);
  t.same(signalVaries(cells), []);
  t.same(flakyCases([]), []);
});

t.test('killed every time by different signals: signal varies, not flaky', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGTERM'), rep('a', 2, 'killed', 'SIGHUP'), rep('a', 3, 'killed', 'SIGTERM'), rep('a', 4, 'killed', null)];
  t.same(flakyCases(cells), []);
  t.same(signalVaries(cells), [{ caseId: 'a', target: 'debian-bookworm', signals: { SIGTERM: 2, SIGHUP: 1, unknown: 1 }, cellIds: ['a-r1', 'a-r2', 'a-r3', 'a-r4'] }]);
});

t.test('cases in order of first appearance, repetitions in rep order whatever the cell order', async (t) => {
  const cells = [rep('b', 2, 'killed', 'SIGHUP'), rep('a', 2), rep('b', 1), rep('a', 1, 'inconclusive'), rep('c', 1), rep('c', 2)];
  t.same(flakyCases(cells).map((f) => [f.caseId, f.cellIds]), [
    ['b', ['b-r1', 'b-r2']],
    ['a', ['a-r1', 'a-r2']],
  ]);
});

t.test('cases are told apart by caseId, not by axes', async (t) => {
  t.same(flakyCases([rep('a', 1), rep('b', 1, 'killed', 'SIGHUP')]), [], 'two cases of one rep each');
});

t.test('texts: the counts as stored, "over N repeats"', async (t) => {
  const [f] = flakyCases([rep('a', 1, 'killed', 'SIGHUP'), rep('a', 2), rep('a', 3, 'killed', 'SIGHUP')]);
  t.equal(countsText(f!.verdicts), '2 killed, 1 survived');
  t.equal(repeatsText(f!), '2 killed, 1 survived over 3 repeats');
  const [v] = signalVaries([rep('a', 1, 'killed', 'SIGTERM'), rep('a', 2, 'killed', 'SIGHUP')]);
  t.equal(repeatsText(v!), '1 SIGHUP, 1 SIGTERM over 2 repeats', 'ties by name');
});

// ---- declared races (the scenario's `races:`) ----

/** A declaration matching every repetition `rep` makes (they all have the base cell's axes). */
const race: Race = { where: { launch: [base.launch], sever: [base.sever] }, why: 'linger vs the end of the last session' };
const elsewhere: Race = { where: { launch: ['tmux'] }, why: 'another case' };

t.test('a declared race whose repetitions were all judged is not flaky: the disagreement is the finding', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGTERM'), rep('a', 2), rep('a', 3, 'exited'), rep('a', 4)];
  t.same(flakyCases(cells, [race]), []);
  t.equal(flakyCases(cells, [elsewhere]).length, 1, 'a declaration of another case changes nothing');
  t.equal(flakyCases(cells).length, 1, 'undeclared: flaky as ever');
});

t.test('a declared race is still flaky when a repetition was not judged', async (t) => {
  for (const v of ['inconclusive', 'not-applicable', 'session-open'] as Verdict[]) {
    const cells = [rep('a', 1, 'killed', 'SIGTERM'), rep('a', 2), rep('a', 3, v)];
    t.same(flakyCases(cells, [race]).map((f) => f.verdicts), [{ killed: 1, survived: 1, [v]: 1 }], `a ${v} repetition`);
  }
  t.same(flakyCases([rep('a', 1), rep('a', 2, 'inconclusive')], [race]).map((f) => f.caseId), ['a'], 'survived next to inconclusive');
});

t.test('derived: flaky, signalVaries and rates from one call, the race marked', async (t) => {
  const cells = [rep('a', 1, 'killed', 'SIGTERM'), rep('a', 2), rep('a', 3, 'killed', 'SIGHUP'), rep('b', 1)];
  const d = derived(cells, [race]);
  t.same(d.flaky, []);
  t.same(d.signalVaries, [], 'not killed every time');
  t.same(d.rates, [{ caseId: 'a', target: 'debian-bookworm', runs: 3, judged: 3, survived: 1, low: 0.061, high: 0.792, race: true, cellIds: ['a-r1', 'a-r2', 'a-r3'] }]);
  t.same(derived(cells, []), { flaky: flakyCases(cells), signalVaries: signalVaries(cells), rates: rates(cells) });
});
