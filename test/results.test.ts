// What results.ts derives from the cells beside the determinism check: the Wilson interval and each
// repeated case's survival rate. The known values were checked against the closed form by hand
// (and agree with published tables: 50 of 100 → 40.4–59.6 %).
import t from 'tap';
import { rates, wilsonInterval, type CellResult, type Race, type Verdict } from '../harness/results.js';
import { cells as fixtureCells } from './report/fixtures.js';

t.test('wilsonInterval: known values, 95 %, rounded to 3 decimals', async (t) => {
  t.same(wilsonInterval(0, 5), { low: 0, high: 0.434 }, '0 of 5: not 0 %, up to 43 %');
  t.same(wilsonInterval(5, 5), { low: 0.566, high: 1 });
  t.same(wilsonInterval(3, 10), { low: 0.108, high: 0.603 });
  t.same(wilsonInterval(1, 2), { low: 0.095, high: 0.905 });
  t.same(wilsonInterval(50, 100), { low: 0.404, high: 0.596 });
  t.same(wilsonInterval(1, 1), { low: 0.207, high: 1 });
});

t.test('wilsonInterval: symmetric, within 0..1, narrowing with n; none for n = 0', async (t) => {
  for (const n of [1, 2, 3, 5, 10, 50]) {
    for (let k = 0; k <= n; k++) {
      const i = wilsonInterval(k, n)!;
      const mirror = wilsonInterval(n - k, n)!;
      t.ok(i.low >= 0 && i.high <= 1 && i.low <= k / n && k / n <= i.high, `${k} of ${n} holds k/n`);
      t.equal(Math.round((i.low + mirror.high) * 1000), 1000, `${k} of ${n} mirrors ${n - k} of ${n}`);
    }
  }
  t.ok(wilsonInterval(0, 20)!.high < wilsonInterval(0, 5)!.high, 'more runs, a narrower interval');
  t.equal(wilsonInterval(0, 0), null, 'nothing judged: no interval, not [0, 1]');
});

const base = fixtureCells.find((c) => c.id === '4d5e6f70')!;

function rep(caseId: string, n: number, verdict: Verdict = 'survived'): CellResult {
  return { ...structuredClone(base), id: `${caseId}-r${n}`, caseId, rep: n, verdict, signal: verdict === 'killed' ? 'SIGHUP' : null };
}

t.test('rates: one per case that ran more than once; judged = survived, killed, exited', async (t) => {
  const cells = [
    rep('a', 1),
    rep('a', 2, 'killed'),
    rep('a', 3, 'exited'),
    rep('a', 4, 'inconclusive'),
    rep('a', 5, 'session-open'),
    rep('a', 6, 'not-applicable'),
    rep('b', 1),
  ];
  t.same(rates(cells), [
    { caseId: 'a', target: 'debian-bookworm', runs: 6, judged: 3, survived: 1, low: 0.061, high: 0.792, race: false, cellIds: ['a-r1', 'a-r2', 'a-r3', 'a-r4', 'a-r5', 'a-r6'] },
  ]);
});

t.test('rates: nothing judged is no interval; repetitions that agree still have one', async (t) => {
  const [none] = rates([rep('a', 1, 'inconclusive'), rep('a', 2, 'inconclusive')]);
  t.same([none!.judged, none!.survived, none!.low, none!.high], [0, 0, null, null]);
  const [agree] = rates([1, 2, 3, 4, 5].map((n) => rep('a', n)));
  t.same([agree!.survived, agree!.low, agree!.high], [5, 0.566, 1], 'five survivors: at least 57 %, not 100 %');
});

t.test('rates: race is whether a declaration matches the case', async (t) => {
  const cells = [rep('a', 1), rep('a', 2, 'killed')];
  const race = (where: Race['where']): Race => ({ where, why: 'w' });
  t.equal(rates(cells, [race({ launch: [base.launch] })])[0]!.race, true);
  t.equal(rates(cells, [race({ launch: ['not-' + base.launch] })])[0]!.race, false);
  t.equal(rates(cells)[0]!.race, false, 'no declaration');
});
