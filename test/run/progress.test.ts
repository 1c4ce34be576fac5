import t from 'tap';
import type { ExpectationOutcome } from '../../harness/expect/judge.js';
import type { Cell, CellResult } from '../../harness/results.js';
import { Progress, cellLabel, clock, finishedLine, statusLine, type ProgressOptions } from '../../harness/run/progress.js';
import { cells } from '../report/fixtures.js';

const byId = (id: string): CellResult => structuredClone(cells.find((c) => c.id === id)!);
/** pty/nohup/quiet × client-kill, survived, user lab, ServerAlive 3/2. */
const survivor = () => byId('4d5e6f70');
/** pty/background/quiet × client-kill as root, killed by SIGHUP. */
const rootKilled = () => byId('e7f8091a');
/** exec/nohup/quiet × client-kill, inconclusive. */
const inconclusive = () => byId('8192a3b4');

const failed = (detail: string): ExpectationOutcome => ({ expectation: 0, status: 'failed', detail });
const unjudged = (detail: string): ExpectationOutcome => ({ expectation: 1, status: 'unjudged', detail });

t.test('cellLabel: target, the four basic axes, then what differs from the usual', async (t) => {
  t.equal(cellLabel(survivor()), 'debian-bookworm pty/nohup/quiet/client-kill [ServerAlive=3/2]');
  t.equal(cellLabel(rootKilled()), 'debian-bookworm pty/background/quiet/client-kill [user=root ServerAlive=3/2]');
  const plain: Cell = { ...survivor(), serverAlive: 'off' };
  t.equal(cellLabel(plain), 'debian-bookworm pty/nohup/quiet/client-kill', 'nothing unusual: no brackets');
  const everything: Cell = {
    ...plain,
    target: 'debian-trixie',
    user: 'root',
    linger: 'on',
    huponexit: 'on',
    killUserProcesses: 'yes',
    serverAlive: '5/3',
    workload: 'chatty',
    sever: 'nat-expiry:10',
    rep: 4,
  };
  t.equal(
    cellLabel(everything),
    'debian-trixie pty/nohup/chatty/nat-expiry:10 [user=root linger huponexit KillUserProcesses ServerAlive=5/3 rep 4]',
  );
  t.equal(cellLabel({ ...plain, rep: 1 }), 'debian-bookworm pty/nohup/quiet/client-kill', 'the first repetition is not named');
});

t.test('clock: minutes and seconds, rounded, never negative', async (t) => {
  const cases: [number, string][] = [
    [0, '0:00'],
    [499, '0:00'],
    [500, '0:01'],
    [9_000, '0:09'],
    [59_499, '0:59'],
    [59_500, '1:00'],
    [61_000, '1:01'],
    [600_000, '10:00'],
    [3_600_000, '60:00'],
    [3_725_000, '62:05'],
    [-5_000, '0:00'],
  ];
  for (const [ms, text] of cases) t.equal(clock(ms), text, String(ms));
});

t.test('finishedLine: counter, clock, the cell and its verdict', async (t) => {
  t.equal(finishedLine(3, 16, 65_000, survivor(), survivor(), false), '[3/16 1:05] debian-bookworm pty/nohup/quiet/client-kill [ServerAlive=3/2]: survived');
  t.equal(
    finishedLine(16, 16, 162_485, rootKilled(), rootKilled(), false),
    '[16/16 2:42] debian-bookworm pty/background/quiet/client-kill [user=root ServerAlive=3/2]: killed SIGHUP',
  );
  t.equal(
    finishedLine(1, 2, 0, inconclusive(), inconclusive(), false),
    '[1/2 0:00] debian-bookworm exec/nohup/quiet/client-kill [ServerAlive=3/2]: inconclusive (probe pid 2129 vanished from /proc but its log has no exit record)',
    'an inconclusive cell says why',
  );
  const na = byId('1a2b3c4d');
  t.notMatch(finishedLine(1, 2, 0, na, na, false), '(', 'other verdicts leave their reason to the report');
});

t.test('finishedLine: marks EXPECTATION FAILED with every failing detail', async (t) => {
  const r = { ...rootKilled(), expectations: [failed('expected survived, saw killed by SIGHUP'), { expectation: 2, status: 'met' as const, detail: 'fine' }] };
  t.equal(
    finishedLine(1, 1, 1000, r, r, false),
    '[1/1 0:01] debian-bookworm pty/background/quiet/client-kill [user=root ServerAlive=3/2]: killed SIGHUP ✗ EXPECTATION FAILED: expected survived, saw killed by SIGHUP',
  );
  const two = { ...r, expectations: [failed('a'), failed('b')] };
  t.match(finishedLine(1, 1, 0, two, two, false), / ✗ EXPECTATION FAILED: a; b$/);
  const met = { ...r, expectations: [{ expectation: 0, status: 'met' as const, detail: 'x' }] };
  t.notMatch(finishedLine(1, 1, 0, met, met, true), 'EXPECTATION');
});

t.test('finishedLine: an unjudged cell fails only when strict; not-applicable never', async (t) => {
  const r = { ...inconclusive(), expectations: [unjudged('expected survived; could not be judged: gone')] };
  t.notMatch(finishedLine(1, 1, 0, r, r, false), 'EXPECTATION FAILED');
  t.match(finishedLine(1, 1, 0, r, r, true), / ✗ EXPECTATION FAILED: expected survived; could not be judged: gone$/);
  const na = { ...byId('708192a3'), expectations: [{ expectation: 0, status: 'not-applicable' as const, detail: 'n/a' }] };
  t.notMatch(finishedLine(1, 1, 0, na, na, true), 'EXPECTATION FAILED');
});

t.test('statusLine: counts, percentage, clock, time left, failing, running', async (t) => {
  const s = { done: 0, total: 16, elapsedMs: 0, running: [] as Cell[], failed: 0 };
  t.equal(statusLine(s, 200), '0/16 cells 0% · 0:00', 'nothing done: no estimate');
  t.equal(statusLine({ ...s, done: 4, elapsedMs: 60_000 }, 200), '4/16 cells 25% · 1:00 ~3:00 left', '60 s for 4 cells, 12 to go');
  t.equal(statusLine({ ...s, done: 1, total: 3, elapsedMs: 10_000 }, 200), '1/3 cells 33% · 0:10 ~0:20 left', 'percent rounded down');
  t.equal(statusLine({ ...s, done: 16, elapsedMs: 162_485 }, 200), '16/16 cells 100% · 2:42', 'all done: no estimate');
  t.equal(statusLine({ ...s, done: 2, elapsedMs: 20_000, failed: 1 }, 200), '2/16 cells 12% · 0:20 ~2:20 left · 1 failing');
  t.equal(
    statusLine({ ...s, done: 2, elapsedMs: 20_000, running: [survivor(), rootKilled()] }, 200),
    '2/16 cells 12% · 0:20 ~2:20 left · running 2: pty/nohup/client-kill, pty/background/client-kill',
  );
  t.equal(statusLine({ ...s, total: 0 }, 200), '0/0 cells 0% · 0:00', 'an empty run does not divide by zero');
});

t.test('statusLine: truncated to the width, ending in an ellipsis', async (t) => {
  const running = Array.from({ length: 12 }, () => survivor());
  const s = { done: 3, total: 244, elapsedMs: 95_000, running, failed: 2 };
  const full = statusLine(s, 10_000);
  t.ok(full.length > 100);
  for (const width of [20, 40, 79, 99]) {
    const line = statusLine(s, width);
    t.equal(line.length, width, `width ${width}`);
    t.ok(line.endsWith('…'));
    t.equal(line.slice(0, -1), full.slice(0, width - 1), 'a prefix of the full line');
  }
  t.equal(statusLine(s, full.length), full, 'a line that fits exactly is left whole');
  t.equal(statusLine(s, full.length - 1).length, full.length - 1);
});

/** A Progress with a hand-driven clock and every write collected. */
function harness(o: Partial<ProgressOptions> = {}) {
  const writes: string[] = [];
  const time = { now: 1_750_000_000_000 };
  const start = time.now;
  const p = new Progress({ write: (s) => writes.push(s), tty: false, strict: false, now: () => time.now, ...o });
  return {
    p,
    writes,
    /** move the clock to this many ms after the start */
    at: (ms: number) => (time.now = start + ms),
    output: () => writes.join(''),
  };
}

const CLEAR = '\r\x1b[K';

t.test('tty: the status line is redrawn in place; finished lines scroll above it', async (t) => {
  const { p, writes, at } = harness({ tty: true, width: 200 });
  p.planned(3);
  const a = survivor();
  const b = rootKilled();
  p.started(a);
  t.same(writes, [`${CLEAR}0/3 cells 0% · 0:00 · running 1: pty/nohup/client-kill`], 'no newline: the line is redrawn');
  at(1_000);
  p.started(b);
  t.equal(writes.at(-1), `${CLEAR}0/3 cells 0% · 0:01 · running 2: pty/nohup/client-kill, pty/background/client-kill`);
  at(30_000);
  writes.length = 0;
  p.finished(a, a);
  t.same(writes, [
    `${CLEAR}[1/3 0:30] debian-bookworm pty/nohup/quiet/client-kill [ServerAlive=3/2]: survived\n`,
    `${CLEAR}1/3 cells 33% · 0:30 ~1:00 left · running 1: pty/background/client-kill`,
  ]);
  at(45_000);
  writes.length = 0;
  const r = { ...b, expectations: [failed('expected survived, saw killed by SIGHUP')] };
  p.finished(b, r);
  t.match(writes[0]!, /^\r\x1b\[K\[2\/3 0:45\] .*: killed SIGHUP ✗ EXPECTATION FAILED: expected survived, saw killed by SIGHUP\n$/);
  t.equal(writes[1], `${CLEAR}2/3 cells 66% · 0:45 ~0:23 left · 1 failing`, 'the failing count stays on the status line');
  writes.length = 0;
  p.end();
  t.same(writes, [CLEAR], 'end clears the status line');
  t.ok(
    writes.every((w) => !w.includes('\n') || w.startsWith(CLEAR)),
    'every line that scrolls first clears the status line',
  );
});

t.test('tty: the status line is cut to the terminal width minus one', async (t) => {
  const { p, writes } = harness({ tty: true, width: 50 });
  p.planned(244);
  for (let i = 0; i < 10; i++) p.started({ ...survivor(), id: `c${i}` });
  const status = writes.at(-1)!;
  t.ok(status.startsWith(CLEAR));
  t.equal(status.slice(CLEAR.length).length, 49, 'one column free, so the cursor never wraps');
  t.ok(status.endsWith('…'));
  p.end();
  const wide = harness({ tty: true });
  wide.p.planned(244);
  for (let i = 0; i < 10; i++) wide.p.started({ ...survivor(), id: `c${i}` });
  t.equal(wide.writes.at(-1)!.slice(CLEAR.length).length, 99, 'without a width, 100 columns');
  wide.p.end();
});

t.test('tty: say() prints above the status line and redraws it', async (t) => {
  const { p, writes, at } = harness({ tty: true, width: 200 });
  p.say('starting containers');
  t.same(writes, [`${CLEAR}hangup-lab: starting containers\n`], 'before the plan: no status line yet');
  p.planned(2);
  at(2_000);
  writes.length = 0;
  p.say('debian-trixie ready');
  t.same(writes, [`${CLEAR}hangup-lab: debian-trixie ready\n`, `${CLEAR}0/2 cells 0% · 0:00`], 'the clock starts with the first cell: images and servers before it are not in it');
  at(5_000);
  p.started(survivor());
  at(8_000);
  t.match(writes.at(-1)!, /· 0:00 · running 1/, 'it starts when the first cell does');
  writes.length = 0;
  p.say('still going');
  t.match(writes.at(-1)!, /^\r\x1b\[K0\/2 cells 0% · 0:03 · running 1/);
  p.end();
});

t.test('tty: the status line is redrawn every second while nothing happens, until end()', async (t) => {
  const { p, writes } = harness({ tty: true, width: 200 });
  p.planned(2);
  p.started(survivor());
  const before = writes.length;
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  t.ok(writes.length > before, 'redrawn by the timer');
  t.ok(writes.slice(before).every((w) => w.startsWith(CLEAR) && !w.includes('\n')));
  p.end();
  const ended = writes.length;
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  t.equal(writes.length, ended, 'no redraw after end()');
});

t.test('log: one line per finished cell, no redraws, the status line at most every everyMs', async (t) => {
  const { p, writes, at, output } = harness({ tty: false, everyMs: 10_000 });
  p.planned(6);
  const moments: [number, 'started' | 'finished'][] = [
    [0, 'started'],
    [0, 'started'],
    [4_000, 'finished'],
    [5_000, 'started'],
    [8_000, 'finished'],
    [12_000, 'started'],
    [13_000, 'finished'],
    [14_500, 'finished'],
    [15_000, 'started'],
    [30_000, 'finished'],
    [31_000, 'finished'],
  ];
  const statusAt: number[] = [];
  let n = 0;
  let started = 0;
  for (const [ms, what] of moments) {
    at(ms);
    const before = writes.length;
    const cell = { ...survivor(), id: `cell${what === 'started' ? started++ : n}` };
    if (what === 'started') p.started(cell);
    else {
      p.finished(cell, cell);
      n++;
      t.match(writes[before]!, new RegExp(`^hangup-lab: \\[${n}/6 \\d:\\d\\d\\] debian-bookworm pty/nohup/quiet/client-kill \\[ServerAlive=3/2\\]: survived\\n$`));
    }
    for (const w of writes.slice(before)) if (w.startsWith('hangup-lab: progress: ')) statusAt.push(ms);
  }
  p.end();
  t.notMatch(output(), /[\r\x1b]/, 'no carriage returns or escape codes in a log');
  t.ok(output().split('\n').slice(0, -1).every((l) => l.startsWith('hangup-lab: ')), 'whole lines, each prefixed');
  t.equal(writes.filter((w) => /^hangup-lab: \[\d\/6 /.test(w)).length, 6, 'one line per finished cell');
  t.ok(statusAt.length >= 2, `status lines at ${statusAt.join(', ')} ms`);
  t.ok(statusAt[0]! >= 4_000, 'no status line before the first cell finished');
  for (let i = 1; i < statusAt.length; i++) t.ok(statusAt[i]! - statusAt[i - 1]! >= 10_000, 'at most one per everyMs');
  // After the first one, an event prints a status line exactly when everyMs has passed since the last.
  let last = statusAt[0]!;
  for (const [ms] of moments.filter(([ms]) => ms > statusAt[0]!)) {
    const due = ms - last >= 10_000;
    t.equal(statusAt.includes(ms), due, `${ms} ms: ${due ? 'due' : 'not due'}`);
    if (due) last = ms;
  }
  t.match(
    writes.find((w) => w.startsWith('hangup-lab: progress: '))!,
    /^hangup-lab: progress: \d\/6 cells \d+% · \d:\d\d/,
  );
  t.notOk(writes.some((w) => w.endsWith('…\n')), 'a log line is not cut to a terminal width');
});

t.test('log: a status line follows once everyMs has passed, even from started()', async (t) => {
  const { p, writes, at } = harness({ tty: false, everyMs: 10_000 });
  p.planned(3);
  p.started(survivor());
  at(1_000);
  p.finished(survivor(), survivor());
  const first = writes.filter((w) => w.startsWith('hangup-lab: progress: ')).length;
  at(2_000);
  p.started(rootKilled());
  t.equal(writes.filter((w) => w.startsWith('hangup-lab: progress: ')).length, first, 'not again within everyMs');
  at(1_000 + 10_000 * 5);
  p.started(inconclusive());
  t.equal(writes.filter((w) => w.startsWith('hangup-lab: progress: ')).length, first + 1);
  t.match(writes.at(-1)!, /^hangup-lab: progress: 1\/3 cells 33% · 0:51 ~1:42 left · running 2: /);
  p.end();
});

t.test('log: the default interval is 30 s; say() is a plain line; end() writes nothing', async (t) => {
  const { p, writes, at } = harness({ tty: false });
  p.say('3 cells, 2 at a time');
  t.same(writes, ['hangup-lab: 3 cells, 2 at a time\n']);
  p.planned(3);
  at(1_000);
  p.finished(survivor(), survivor());
  const status = () => writes.filter((w) => w.startsWith('hangup-lab: progress: ')).length;
  const after = status();
  at(29_000);
  p.finished(rootKilled(), rootKilled());
  t.equal(status(), after, 'not within 30 s');
  at(31_500);
  p.say('a message');
  t.equal(writes.at(-2), 'hangup-lab: a message\n');
  t.equal(status(), after + 1, 'say() also gives the status line its chance');
  const n = writes.length;
  p.end();
  t.equal(writes.length, n);
});

t.test('failing cells are counted under the run’s strictness', async (t) => {
  const r = { ...inconclusive(), expectations: [unjudged('could not be judged')] };
  const lenient = harness({ tty: true, width: 300, strict: false });
  lenient.p.planned(2);
  lenient.p.finished(r, r);
  t.notMatch(lenient.writes.at(-1)!, 'failing');
  lenient.p.end();
  const strict = harness({ tty: true, width: 300, strict: true });
  strict.p.planned(2);
  strict.p.finished(r, r);
  t.match(strict.writes.at(-1)!, / · 1 failing$/);
  t.match(strict.writes.at(-2)!, 'EXPECTATION FAILED');
  strict.p.end();
});
