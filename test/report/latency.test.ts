import t from 'tap';
import {
  caseReadings,
  closeness,
  distribution,
  distributionText,
  isLatencyCell,
  latencyCases,
  latencyRow,
  latencyTable,
  median,
  parseKeepalive,
  predict,
  predictionText,
  sideReading,
  singleCasesText,
  storedSever,
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
  t.same(parseKeepalive('15/3'), { intervalS: 15, countMax: 3 });
  t.equal(parseKeepalive('off'), null);
  t.equal(parseKeepalive('0/3'), null, 'interval 0 is off in both sshd and ssh');
  t.equal(parseKeepalive('every second'), null, 'what the scenario would refuse predicts nothing, and does not throw');
  t.equal(parseKeepalive(' 15 / 3 '), null, 'the scenario parser is the one rule: cells carry its canonical text');
  t.same(predict('1/2'), { manPageMs: 2000, plusOneMs: 3000 });
  t.same(predict('3/2'), { manPageMs: 6000, plusOneMs: 9000 });
  t.same(predict('5/0'), { manPageMs: 0, plusOneMs: 5000 });
  t.equal(predict('off'), null);
  t.equal(predictionText(predict('1/2')), '2 s / 3 s');
  t.equal(predictionText({ manPageMs: 1500, plusOneMs: 2000 }), '1.50 s / 2 s');
  t.equal(predictionText(null), '—');
});

t.test('a stored sever: its plug-in from the registry, its parameter or the default the run used', async (t) => {
  t.equal(storedSever('nat-expiry:10')?.method.name, 'nat-expiry');
  t.equal(storedSever('nat-expiry:10')?.param, 10);
  t.equal(storedSever('sleep')?.param, 20, 'no parameter: the default, as the run applied it');
  t.equal(storedSever('drop')?.param, null, 'a sever without a parameter');
  t.equal(storedSever('teleport:3'), null, 'a name this version does not know has no traits');
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
  t.notOk(isLatencyCell({ ...drop, sever: 'teleport' }), 'an unknown sever (a results file of another version) is not guessed at');
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
  reps[1]!.clientEnd = null;
  reps[2]!.pathBrokeMs = null;
  const drop = latencyCases(result)[0]!;
  t.equal(drop.neverBroke, 1, 'rep 3: the path never broke');
  t.same(drop.server.dist.samples, [5100]);
  t.equal(drop.server.dist.missing, 1, 'rep 1 had no session end; rep 3 had nothing to notice and is not counted');
  t.same(drop.client.dist.samples, [9100]);
  t.equal(drop.client.dist.missing, 1);
});

t.test('a path that never broke in any repetition says so instead of "no detection"', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown'))
    Object.assign(c, { sever: 'nat-expiry:4', severLayer: 'middlebox', pathBrokeMs: null, sessionEndedMs: null, clientEnd: timedOut(null) });
  const nat = latencyCases(result)[0]!;
  t.equal(nat.neverBroke, 3);
  t.same(nat.server.dist, { samples: [], missing: 0, min: null, median: null, max: null });
  t.same(caseReadings(nat), ['path never broke in any of 3 repetitions (pathBrokeMs null): the flow was kept alive; nothing to detect']);
  t.same(latencyRow(nat, []).slice(3), ['3', '0', 'path never broke', '—', '2 s / 3 s', 'path never broke', '—', '6 s / 9 s']);
  t.same(latencyRow(nat, [], true).slice(5, 7), ['never broke', '—']);
});

t.test('a path that broke in only some repetitions: readings over those, the rest said once', async (t) => {
  const result = fixtureCopy();
  result.cells.find((c) => c.id === 'a3000003')!.pathBrokeMs = null;
  const drop = latencyCases(result)[0]!;
  t.same(caseReadings(drop), [
    'path never broke in 1 of 3 repetitions (the sever never cut it); the readings are over the other 2',
    'server: 5.20 s median of 2 vs 2 s / 3 s predicted: neither — about 1.7 × (CountMax + 1) × Interval',
    'client: 9.15 s median of 2 vs 6 s / 9 s predicted: close to (CountMax + 1) × Interval',
  ]);
  t.equal(latencyRow(drop, [])[4], '2', 'path broke in 2 of n = 3');
});

t.test('a client put to sleep: measured from the break, read from waking, no prediction', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown')) {
    c.sever = 'sleep:16';
    c.clientEnd = timedOut(c.rep === 3 ? null : 16_100 + c.rep * 20);
    c.timeline = [...c.timeline, { atMs: 16_090, event: 'client resumed' }];
  }
  const sleep = latencyCases(result)[0]!;
  t.same(sleep.client.asleep?.afterWake.samples, [30, 50], 'rep 3 had no client exit');
  t.equal(sleep.server.asleep, null, 'the server was awake');
  t.equal(
    sideReading(sleep.client),
    'client: 16.13 s median of 2 (1 more repetition had none), 16 s of it asleep (no prediction applies): noticed 0.04 s after waking (median)',
  );
  t.equal(latencyRow(sleep, [])[10], 'asleep 16 s');
  t.equal(latencyRow(sleep, [], true)[10], 'asleep 16');
  // Without the timeline event, waking is the sever's parameter after the sever.
  for (const c of result.cells) c.timeline = c.timeline.filter((e) => e.event !== 'client resumed');
  t.same(latencyCases(result)[0]!.client.asleep?.afterWake.samples, [120, 140]);
});

t.test('case order does not depend on the order cells finished in', async (t) => {
  const shuffled = fixtureCopy();
  shuffled.cells.reverse();
  t.same(latencyCases(shuffled), latencyCases(fixture));
});

function side(s: Partial<SideLatency> & { values: (number | null)[] }): SideLatency {
  return { side: 'server', setting: '1/2', prediction: predict(s.setting ?? '1/2'), dist: distribution(s.values), asleep: null, ...s };
}

/** A client exit ServerAlive timed out, or none (still running). */
function timedOut(exitMs: number | null): CellResult['clientEnd'] {
  return { exitMs, exitCode: exitMs === null ? null : 255, exitSignal: null, lastLines: [] };
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
  t.equal(
    closeness(-320, p),
    'neither — it noticed before the break was recorded, so not through a keepalive',
    'no ratio of a negative time',
  );
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
    '3',
    '5.10 / 5.30 / 5.60 s',
    '0',
    '2 s / 3 s',
    '9.10 / 9.15 / 9.20 s',
    '1',
    '6 s / 9 s',
  ]);
  t.same(
    latencyRow(drop!, [], true),
    ['pty/disown/quiet × drop', '1/2', '3/2', '3', '3', '5.10/5.30/5.60', '0', '2/3', '9.10/9.15/9.20', '1', '6/9'],
    'tight: no units, the table says seconds once',
  );
  t.equal(latencyRow(nat!, [])[0], 'pty / nohup / quiet × nat-expiry:10');
  t.equal(predictionText({ manPageMs: 1500, plusOneMs: 2000 }, true), '1.50/2');
  t.equal(distributionText(distribution([null])), '—');
  t.equal(distributionText(distribution([5300])), '5.30 s');
  t.equal(distributionText(distribution([5300]), true), '5.30');
  t.equal(distributionText(distribution([-200, 400])), '-0.20 / 0.10 / 0.40 s', 'a side that ended before the break stays visible');
});

t.test('a keepalive that is off on one side gives a dash on that side only', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells as CellResult[]) c.serverAlive = 'off';
  result.axes.serverAlive = ['off'];
  const row = latencyRow(latencyCases(result)[0]!, []);
  t.equal(row[7], '2 s / 3 s');
  t.equal(row[10], '—');
});

t.test('the table lists only repeated cases; the single ones are counted by sever', async (t) => {
  const table = latencyTable(fixture);
  t.same(table.cases.map((c) => c.caseId), ['case-drop-disown']);
  t.same(table.single.map((c) => c.caseId), ['case-b4c5d6e7']);
  t.same(table.labelAxes, [], 'user varies in the run, but not among the listed cases');
  t.same(table.common, [['user', 'lab']]);
  t.equal(
    singleCasesText(fixture, table, 'see the matrices'),
    '1 more network case ran once and is not listed (1 nat-expiry:10); see the matrices.',
  );

  const result = fixtureCopy();
  const extra = result.cells.filter((c) => c.caseId === 'case-drop-disown').map((c) => ({
    ...structuredClone(c),
    id: `root-${c.id}`,
    caseId: 'case-drop-disown-root',
    user: 'root' as const,
  }));
  result.cells.push(...extra, { ...structuredClone(result.cells.find((c) => c.id === 'b4c5d6e7')!), id: 'x2', caseId: 'case-x2', sever: 'drop' });
  const two = latencyTable(result);
  t.same(two.cases.map((c) => c.caseId), ['case-drop-disown', 'case-drop-disown-root']);
  t.same(two.labelAxes, ['user'], 'now user tells the listed cases apart');
  t.same(two.common, []);
  t.equal(
    singleCasesText(result, two, 'see the matrices'),
    '2 more network cases ran once and are not listed (1 drop, 1 nat-expiry:10); see the matrices.',
  );

  const none = fixtureCopy();
  none.cells = none.cells.filter((c) => c.caseId !== 'case-drop-disown');
  const onlySingle = latencyTable(none);
  t.same(onlySingle.cases, []);
  t.same(onlySingle.common, []);
  t.equal(singleCasesText(none, onlySingle, 'x'), '1 network case ran once and is not listed (1 nat-expiry:10); x.');
});
