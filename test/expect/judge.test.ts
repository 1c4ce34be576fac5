import t from 'tap';
import {
  expectedText,
  isFailure,
  judgeCell,
  patternMatches,
  summarize,
  type Expectation,
  type ExpectationOutcome,
  type ExpectationStatus,
} from '../../harness/expect/judge.js';
import type { CellResult, Verdict } from '../../harness/results.js';
import { cells, expectations, fixtureCopy, withExpectations } from '../report/fixtures.js';

const byId = (id: string) => structuredClone(cells.find((c) => c.id === id)!);

/** pty / nohup / quiet × client-kill, survived. */
const survivor = () => byId('4d5e6f70');
/** pty / foreground / quiet × client-kill, killed by SIGHUP. */
const hupped = () => byId('2b3c4d5e');

function expectation(e: Partial<Expectation> = {}): Expectation {
  return { index: 0, where: {}, verdict: ['survived'], signal: null, why: '', ...e };
}

function as(cell: CellResult, verdict: Verdict, more: Partial<CellResult> = {}): CellResult {
  return { ...cell, verdict, ...more };
}

const statuses = (outcomes: ExpectationOutcome[]) => outcomes.map((o) => o.status);

t.test('patternMatches: every named axis must hold one of its values', async (t) => {
  const cell = survivor();
  t.ok(patternMatches(cell, {}), 'an empty pattern matches every cell');
  t.ok(patternMatches(cell, { launch: ['nohup'] }));
  t.ok(patternMatches(cell, { launch: ['tmux', 'nohup'] }), 'any of the values');
  t.ok(patternMatches(cell, { launch: ['nohup'], sever: ['client-kill'], target: ['debian-bookworm'] }));
  t.notOk(patternMatches(cell, { launch: ['tmux'] }));
  t.notOk(patternMatches(cell, { launch: ['nohup'], sever: ['logout'] }), 'all axes, not any');
  t.notOk(patternMatches(cell, { launch: [] }), 'an axis with no values matches nothing');
  t.notOk(patternMatches(cell, { launch: ['Nohup'] }), 'values are compared exactly');
  t.ok(patternMatches(cell, { clientAlive: ['1/2'], serverAlive: ['3/2'], huponexit: ['off'] }));
});

t.test('patternMatches: values are compared as strings', async (t) => {
  const values = { ...survivor(), clientAlive: 5 } as unknown as CellResult;
  t.ok(patternMatches(values, { clientAlive: ['5'] }));
});

t.test('expectedText: the verdicts, then the signal', async (t) => {
  t.equal(expectedText(expectation()), 'survived');
  t.equal(expectedText(expectation({ verdict: ['killed'], signal: 'SIGHUP' })), 'killed by SIGHUP');
  t.equal(expectedText(expectation({ verdict: ['survived', 'killed'], signal: 'SIGHUP' })), 'survived or killed by SIGHUP');
});

t.test('judgeCell: only the expectations whose pattern matches, in their order, with their index', async (t) => {
  const list = [
    expectation({ index: 0, where: { launch: ['tmux'] } }),
    expectation({ index: 1, where: { launch: ['nohup'] } }),
    expectation({ index: 2, where: { sever: ['logout'] } }),
    expectation({ index: 3 }),
  ];
  const outcomes = judgeCell(survivor(), list);
  t.same(
    outcomes.map((o) => o.expectation),
    [1, 3],
  );
  t.same(judgeCell(survivor(), []), []);
});

t.test('judgeCell: met, and failed on another verdict', async (t) => {
  t.same(judgeCell(survivor(), [expectation()]), [{ expectation: 0, status: 'met', detail: 'expected survived, saw survived' }]);
  t.same(judgeCell(hupped(), [expectation({ index: 4 })]), [
    { expectation: 4, status: 'failed', detail: 'expected survived, saw killed by SIGHUP' },
  ]);
  t.same(statuses(judgeCell(survivor(), [expectation({ verdict: ['killed', 'survived'] })])), ['met'], 'any verdict listed');
  for (const verdict of ['exited', 'session-open'] as const) {
    t.same(statuses(judgeCell(as(survivor(), verdict), [expectation()])), ['failed'], `${verdict} is judged: it fails`);
  }
});

t.test('judgeCell: the signal must match when given', async (t) => {
  const hup = expectation({ verdict: ['killed'], signal: 'SIGHUP' });
  t.same(judgeCell(hupped(), [hup]), [{ expectation: 0, status: 'met', detail: 'expected killed by SIGHUP, saw killed by SIGHUP' }]);
  t.same(judgeCell(as(hupped(), 'killed', { signal: 'SIGTERM' }), [hup]), [
    { expectation: 0, status: 'failed', detail: 'expected killed by SIGHUP, saw killed by SIGTERM' },
  ]);
  t.same(statuses(judgeCell(as(hupped(), 'killed', { signal: null }), [hup])), ['failed'], 'an unknown signal is not SIGHUP');
  t.same(statuses(judgeCell(as(hupped(), 'killed', { signal: 'SIGTERM' }), [expectation({ verdict: ['killed'] })])), ['met'], 'no signal: any');
  t.same(statuses(judgeCell(survivor(), [hup])), ['failed'], 'a survivor is not killed');
});

t.test('judgeCell: with other verdicts allowed, the signal only applies to killed', async (t) => {
  // The loader allows `verdict: [survived, killed], signal: SIGHUP` ("a signal only applies to the
  // verdict killed"): survives, or dies of SIGHUP.
  const e = expectation({ verdict: ['survived', 'killed'], signal: 'SIGHUP' });
  t.same(judgeCell(survivor(), [e]), [{ expectation: 0, status: 'met', detail: 'expected survived or killed by SIGHUP, saw survived' }]);
  t.same(statuses(judgeCell(hupped(), [e])), ['met']);
  t.same(statuses(judgeCell(as(hupped(), 'killed', { signal: 'SIGTERM' }), [e])), ['failed']);
  t.same(statuses(judgeCell(as(survivor(), 'exited'), [e])), ['failed']);
  const open = expectation({ verdict: ['session-open', 'killed'], signal: 'SIGHUP' });
  t.same(statuses(judgeCell(as(survivor(), 'session-open'), [open])), ['met']);
});

t.test('judgeCell: an inconclusive cell is unjudged, with its reason', async (t) => {
  const cell = byId('8192a3b4');
  t.same(judgeCell(cell, [expectation({ index: 2, verdict: ['survived'] })]), [
    {
      expectation: 2,
      status: 'unjudged',
      detail: 'expected survived; could not be judged: probe pid 2129 vanished from /proc but its log has no exit record',
    },
  ]);
  t.same(statuses(judgeCell(cell, [expectation({ verdict: ['killed'], signal: 'SIGHUP' })])), ['unjudged'], 'whatever was expected');
});

t.test('judgeCell: a not-applicable cell is not-applicable, with its reason', async (t) => {
  const cell = byId('1a2b3c4d');
  t.same(judgeCell(cell, [expectation({ verdict: ['killed'], signal: 'SIGHUP' })]), [
    {
      expectation: 0,
      status: 'not-applicable',
      detail: 'expected killed by SIGHUP; the sever does not apply: logout needs the shell prompt, and a foreground job holds it',
    },
  ]);
});

t.test('judgeCell: an expectation that lists inconclusive or not-applicable is judged like any other', async (t) => {
  const inconclusive = byId('8192a3b4');
  const na = byId('1a2b3c4d');
  t.same(judgeCell(inconclusive, [expectation({ verdict: ['inconclusive'] })]), [
    { expectation: 0, status: 'met', detail: 'expected inconclusive, saw inconclusive' },
  ]);
  t.same(judgeCell(na, [expectation({ verdict: ['not-applicable', 'survived'] })]), [
    { expectation: 0, status: 'met', detail: 'expected not-applicable or survived, saw not-applicable' },
  ]);
  t.same(statuses(judgeCell(survivor(), [expectation({ verdict: ['not-applicable'] })])), ['failed'], 'a survivor fails it');
  t.same(statuses(judgeCell(hupped(), [expectation({ verdict: ['inconclusive'] })])), ['failed']);
  t.same(
    statuses(judgeCell(na, [expectation({ verdict: ['inconclusive'] })])),
    ['not-applicable'],
    'listing inconclusive does not judge a not-applicable cell',
  );
  t.same(
    statuses(judgeCell(inconclusive, [expectation({ verdict: ['not-applicable'] })])),
    ['unjudged'],
    'listing not-applicable does not judge an inconclusive cell',
  );
});

t.test('judgeCell: several expectations on one cell are judged independently', async (t) => {
  const list = [
    expectation({ index: 0, verdict: ['survived'] }),
    expectation({ index: 1, where: { launch: ['foreground'] }, verdict: ['killed'], signal: 'SIGHUP' }),
    expectation({ index: 2, where: { sever: ['client-kill'] }, verdict: ['killed'], signal: 'SIGTERM' }),
  ];
  t.same(
    judgeCell(hupped(), list).map((o) => [o.expectation, o.status]),
    [
      [0, 'failed'],
      [1, 'met'],
      [2, 'failed'],
    ],
  );
});

t.test('isFailure: failed always, unjudged only when strict, never met or not-applicable', async (t) => {
  const cases: [ExpectationStatus, boolean, boolean][] = [
    ['met', false, false],
    ['failed', true, true],
    ['unjudged', false, true],
    ['not-applicable', false, false],
  ];
  for (const [status, lenient, strict] of cases) {
    const o: ExpectationOutcome = { expectation: 0, status, detail: '' };
    t.equal(isFailure(o, false), lenient, `${status}, not strict`);
    t.equal(isFailure(o, true), strict, `${status}, strict`);
  }
});

t.test('summarize: counts, failing cells in run order, unused expectations', async (t) => {
  const result = withExpectations(fixtureCopy());
  const s = summarize(result.cells, result.expectations, false);
  t.same({ met: s.met, failed: s.failed, unjudged: s.unjudged, notApplicable: s.notApplicable }, { met: 8, failed: 2, unjudged: 1, notApplicable: 1 });
  t.same(
    s.failingCells.map((c) => c.id),
    ['a3000003', '6f708192'],
    'in the order of the cells given (the fixture is shuffled), not the plan',
  );
  t.same(s.unused, [4]);
});

t.test('summarize: strict makes the inconclusive cell fail; not-applicable never does', async (t) => {
  const result = withExpectations(fixtureCopy(), expectations, true);
  const s = summarize(result.cells, result.expectations, true);
  t.same(
    s.failingCells.map((c) => c.id),
    ['a3000003', '6f708192', '8192a3b4'],
  );
  t.same({ met: s.met, failed: s.failed, unjudged: s.unjudged, notApplicable: s.notApplicable }, { met: 8, failed: 2, unjudged: 1, notApplicable: 1 }, 'the counts do not change');
  t.notOk(s.failingCells.some((c) => c.id === '708192a3'), 'the not-applicable cell does not fail');
});

t.test('summarize: a cell failing several expectations is listed once; no expectations, nothing', async (t) => {
  const cell = hupped();
  cell.expectations = [
    { expectation: 0, status: 'failed', detail: 'a' },
    { expectation: 1, status: 'failed', detail: 'b' },
  ];
  const list = [expectation({ index: 0 }), expectation({ index: 1 }), expectation({ index: 2 })];
  const s = summarize([cell, survivor()], list, false);
  t.same(
    s.failingCells.map((c) => c.id),
    ['2b3c4d5e'],
  );
  t.equal(s.failed, 2);
  t.same(s.unused, [2]);
  t.same(summarize([], [], true), { met: 0, failed: 0, unjudged: 0, notApplicable: 0, failingCells: [], unused: [] });
  t.same(summarize(fixtureCopy().cells, [], false).failingCells, [], 'cells without outcomes never fail');
});

t.test('summarize counts what the cells carry, not a re-judgement', async (t) => {
  const result = withExpectations(fixtureCopy());
  const s = summarize(result.cells.slice(0, 1), result.expectations, false);
  t.same(s.unused, [0, 1, 2, 4], 'only expect[3] matched the one cell given');
});
