import t from 'tap';
import {
  closeness,
  distribution,
  distributionText,
  isLatencyCell,
  latencyCases,
  latencyRow,
  median,
  parseKeepalive,
  predict,
  predictionText,
  severMethod,
  sideReading,
  type SideLatency,
} from '../../harness/report/latency.js';
import type { CellResult } from '../../harness/results.js';
import { fixture, fixtureCopy } from './fixtures.js';

t.test('median: odd count, even count (mean of the middle two), empty, unsorted input', async (t) => {
  t.equal(median([5300, 5100, 5600]), 5300);
  t.equal(median([9200, 9100]), 9150);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([7]), 7);
  t.equal(median([]), null);
  const input = [3, 1, 2];
  median(input);
  t.same(input, [3, 1, 2], 'the input is not sorted in place');
});

t.test('distribution counts the missing values and sorts the rest', async (t) => {
  t.same(distribution([5600, null, 5100, 5300]), { samples: [5100, 5300, 5600], missing: 1, min: 5100, median: 5300, max: 5600 });
  t.same(distribution([null, null]), { samples: [], missing: 2, min: null, median: null, max: null });
  t.same(distribution([]), { samples: [], missing: 0, min: null, median: null, max: null });
});

t.test('keepalive settings and the two predictions; "off" predicts nothing', async (t) => {
  t.same(parseKeepalive('1/2'), { intervalS: 1, countMax: 2 });
  t.same(parseKeepalive(' 15 / 3 '), { intervalS: 15, countMax: 3 });
  t.equal(parseKeepalive('off'), null);
  t.equal(parseKeepalive('0/3'), null, 'interval 0 is off in both sshd and ssh');
  t.equal(parseKeepalive('every second'), null);
  t.same(predict('1/2'), { manPageMs: 2000, plusOneMs: 3000 });
  t.same(predict('3/2'), { manPageMs: 6000, plusOneMs: 9000 });
  t.same(predict('5/0'), { manPageMs: 0, plusOneMs: 5000 });
  t.equal(predict('off'), null);
  t.equal(predictionText(predict('1/2')), '2 s / 3 s');
  t.equal(predictionText(predict('0.5/3')), '1.50 s / 2 s');
  t.equal(predictionText(null), '—');
});

t.test('sever values with a parameter', async (t) => {
  t.equal(severMethod('nat-expiry:10'), 'nat-expiry');
  t.equal(severMethod('drop'), 'drop');
});

t.test('which cells measure a detection', async (t) => {
  const drop = fixture.cells.find((c) => c.id === 'a1000001')!;
  t.ok(isLatencyCell(drop));
  t.notOk(isLatencyCell({ ...drop, sever: 'client-kill' }), 'the peer closes at once: nothing to detect');
  t.notOk(isLatencyCell({ ...drop, clientAlive: 'off', serverAlive: 'off' }), 'no keepalive: nothing predicts it');
  t.ok(isLatencyCell({ ...drop, clientAlive: 'off' }), 'one side on is enough');
  t.ok(isLatencyCell({ ...drop, sever: 'sleep:20' }));
  t.ok(isLatencyCell({ ...drop, sever: 'reject' }));
  t.notOk(isLatencyCell({ ...drop, verdict: 'not-applicable' }), 'the sever never ran');
});

t.test('the fixture: one entry per case, repetitions together, measured from the path breaking', async (t) => {
  const cases = latencyCases(fixture);
  t.same(
    cases.map((c) => [c.caseId, c.cells.map((x) => x.rep)]),
    [
      ['case-drop-disown', [1, 2, 3]],
      ['case-b4c5d6e7', [1]],
    ],
  );
  const [drop, nat] = cases;
  t.same(drop!.server.dist, { samples: [5100, 5300, 5600], missing: 0, min: 5100, median: 5300, max: 5600 });
  t.same(drop!.client.dist, { samples: [9100, 9200], missing: 1, min: 9100, median: 9150, max: 9200 }, 'rep 3: client still running');
  t.same(drop!.server.prediction, { manPageMs: 2000, plusOneMs: 3000 }, 'server side from clientAlive');
  t.same(drop!.client.prediction, { manPageMs: 6000, plusOneMs: 9000 }, 'client side from serverAlive');
  // nat-expiry: the router forgot the flow 10.4 s after the sever; sshd ended at 15.7 s.
  t.same(nat!.server.dist.samples, [5300]);
  t.same(nat!.client.dist.samples, [9200]);
});

t.test('null-safe: no session end, no client record, a path that never broke', async (t) => {
  const result = fixtureCopy();
  const reps = result.cells.filter((c) => c.caseId === 'case-drop-disown').sort((a, b) => a.rep - b.rep);
  reps[0]!.sessionEndedMs = null;
  reps[1]!.client = null;
  reps[2]!.pathBrokeMs = null;
  const drop = latencyCases(result)[0]!;
  t.same(drop.server.dist.samples, [5100]);
  t.equal(drop.server.dist.missing, 2);
  t.same(drop.client.dist.samples, [9100]);
  t.equal(drop.client.dist.missing, 2);
});

t.test('case order does not depend on the order cells finished in', async (t) => {
  const shuffled = fixtureCopy();
  shuffled.cells.reverse();
  t.same(latencyCases(shuffled), latencyCases(fixture));
});

function side(s: Partial<SideLatency> & { values: (number | null)[] }): SideLatency {
  return { side: 'server', setting: '1/2', prediction: predict(s.setting ?? '1/2'), dist: distribution(s.values), ...s };
}

t.test('reading aid: which prediction the median is near, computed', async (t) => {
  const p = predict('1/2')!;
  t.equal(closeness(3100, p), 'close to (CountMax + 1) × Interval');
  t.equal(closeness(2100, p), 'close to Interval × CountMax');
  t.equal(closeness(5300, p), 'neither — about 1.8 × (CountMax + 1) × Interval');
  t.equal(closeness(900, p), 'neither — about 0.5 × Interval × CountMax');
  const wide = predict('10/1')!; // 10 s / 20 s: 15 s is 50 % off either
  t.equal(closeness(15_000, wide), 'neither — between the two');
  t.equal(closeness(4_000, predict('5/0')!), 'close to (CountMax + 1) × Interval', 'CountMax 0: no division by zero');
});

t.test('reading aid per side, with "off" and with no detection at all', async (t) => {
  t.equal(
    sideReading(side({ values: [5100, 5300, 5600] })),
    'server: 5.30 s median of 3 vs 2 s / 3 s predicted: neither — about 1.8 × (CountMax + 1) × Interval',
  );
  t.equal(
    sideReading(side({ side: 'client', setting: '3/2', values: [9100, null, 9200] })),
    'client: 9.15 s median of 2 (1 more repetition had none) vs 6 s / 9 s predicted: close to (CountMax + 1) × Interval',
  );
  t.equal(
    sideReading(side({ setting: 'off', prediction: null, values: [7200] })),
    'server: 7.20 s median of 1; ClientAlive off, no prediction',
  );
  t.equal(
    sideReading(side({ side: 'client', setting: 'off', prediction: null, values: [null, null] })),
    'client: no detection in any of 2 repetitions (ServerAlive off)',
  );
  t.equal(sideReading(side({ values: [null] })), 'server: no detection in any of 1 repetition (2 s / 3 s predicted)');
});

t.test('table row: distributions, missing counts, predictions', async (t) => {
  const [drop, nat] = latencyCases(fixture);
  t.same(latencyRow(drop!, ['user']), [
    'pty / disown / quiet × drop · user=lab',
    '1/2',
    '3/2',
    '3',
    '5.10 / 5.30 / 5.60 s',
    '0',
    '2 s / 3 s',
    '9.10 / 9.15 / 9.20 s',
    '1',
    '6 s / 9 s',
  ]);
  t.same(latencyRow(drop!, [], true), ['pty/disown/quiet × drop', '1/2', '3/2', '3', '5.10/5.30/5.60 s', '0', '2/3 s', '9.10/9.15/9.20 s', '1', '6/9 s']);
  t.equal(latencyRow(nat!, [])[0], 'pty / nohup / quiet × nat-expiry:10');
  t.equal(predictionText(predict('0.5/3'), true), '1.50/2 s');
  t.equal(distributionText(distribution([null])), '—');
  t.equal(distributionText(distribution([-200, 400])), '-0.20 / 0.10 / 0.40 s', 'a side that ended before the break stays visible');
});

t.test('a keepalive that is off on one side gives a dash on that side only', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells as CellResult[]) c.serverAlive = 'off';
  result.axes.serverAlive = ['off'];
  const row = latencyRow(latencyCases(result)[0]!, []);
  t.equal(row[6], '2 s / 3 s');
  t.equal(row[9], '—');
});
