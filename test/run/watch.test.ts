// The watch as a pure function of the watcher's events: sequences recorded from a real run
// (HANGUP_LAB_RECORD_WATCH, scenario: pty × background/systemd-run-user × logout/client-kill/drop/
// hangup) replay to the decision and the verdict inputs that run gave; the paths no recorded cell
// took are checked on recorded sequences with one event taken out or moved.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { judge } from '../../harness/run/verdict.js';
import { judgeWatch, observeWatch, recordWatch, replayWatch, type WatchRecording } from '../../harness/run/watch.js';
import type { WatchEvent } from '../../harness/observe/watcher.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/watch');
const load = (name: string): WatchRecording => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
const names = fs.readdirSync(dir).filter(f => f.endsWith('.json')).map(f => f.slice(0, -5)).sort();

/** The events after the sever, as the live loop hands them to judgeWatch. */
const afterSever = (r: WatchRecording) => r.events.slice(r.fromEvent);

t.test('the fixtures cover the watch\'s recorded paths', async t => {
  t.ok(names.length >= 6);
  const ends = new Set(names.map(n => load(n).outcome.endedBecause.replace(/\d+ ms/, 'N ms').replace(/\(.*\)/, '(…)')));
  t.ok(ends.has('the probe died'));
  t.ok(ends.has('N ms passed after the session ended (…)'));
  t.ok(ends.has('N ms passed after the session ended and the user manager had not stopped'));
});

t.test('a death seen after the window while the snapshot still listed the probe is not judged', async t => {
  // Recorded under a load average of 60: the user manager stopped later than its window allowed.
  const r = load('pty-systemd-run-user-drop-died-after-window');
  t.equal(r.outcome.verdict, 'inconclusive');
  t.ok(r.outcome.obs.probeDeathMs! > r.outcome.obs.watchedMs);
});

for (const name of names) {
  t.test(`${name}: the replay ends the watch as the run did, and the verdict inputs are the run's`, async t => {
    const r = load(name);
    const d = replayWatch(afterSever(r), r.setup);
    t.equal(d.endedBecause, r.outcome.endedBecause);
    t.equal(d.sessionEndMono, r.outcome.sessionEndMono);
    // The replay stops at the event or deadline; the run a little later, when it noticed.
    t.ok(d.stopMono <= r.watchEndMono + 1, 'the replay stops no later than the run did');
    const senders = new Map(r.outcome.obs.signalsCaught.flatMap(s => (s.senderPid && s.senderComm ? [[s.senderPid, s.senderComm] as const] : [])));
    const { obs } = observeWatch({
      events: r.events,
      fromEvent: r.fromEvent,
      probePid: r.setup.probePid,
      t0Mono: r.setup.t0Mono,
      sessionEndMono: d.sessionEndMono,
      watchEndMono: r.watchEndMono,
      probeInAfterSnapshot: r.probeInAfterSnapshot,
      sessionMustEnd: r.setup.sever.endsSession,
      senderName: pid => senders.get(pid) ?? null,
    });
    t.same(obs, r.outcome.obs);
    t.equal(judge(obs).verdict, r.outcome.verdict);
  });
}

const gone = (r: WatchRecording, pid: number | null) => (e: WatchEvent) => e.e === 'gone' && e.pid === pid;

t.test('judgeWatch: before anything happened, it waits for the session\'s deadline', async t => {
  const r = load('pty-background-drop-killed');
  t.same(judgeWatch([], r.setup, r.setup.appliedMono), { done: false, untilMono: r.setup.t0Mono + r.setup.sessionTimeoutMs });
});

t.test('judgeWatch: a probe that died first still gives sshd its deadline to end the session', async t => {
  const r = load('pty-background-drop-killed');
  const events = afterSever(r).filter(e => !gone(r, r.setup.sshdPid)(e));
  const death = events.find(gone(r, r.setup.probePid))!;
  t.same(judgeWatch(events, r.setup, death.t), { done: false, untilMono: r.setup.t0Mono + r.setup.sessionTimeoutMs });
  const d = replayWatch(events, r.setup);
  t.same([d.endedBecause, d.sessionEndMono], ['the probe died', null]);
});

t.test('judgeWatch: sshd never ending the session is session-open at the deadline', async t => {
  const r = load('pty-background-drop-survived');
  const events = afterSever(r).filter(e => e.e !== 'gone');
  const d = replayWatch(events, r.setup);
  t.same([d.endedBecause, d.sessionEndMono, d.stopMono], [`sshd had not ended the session within ${r.setup.sessionTimeoutMs} ms`, null, r.setup.t0Mono + r.setup.sessionTimeoutMs]);
});

t.test('judgeWatch: a settle after the session ended, from the session\'s end', async t => {
  const r = load('pty-background-logout');
  const end = r.outcome.sessionEndMono!;
  t.same(judgeWatch(afterSever(r), r.setup, end + 10), { done: false, untilMono: end + r.setup.afterSessionSettleMs });
  t.equal(replayWatch(afterSever(r), r.setup).stopMono, end + r.setup.afterSessionSettleMs);
});

t.test('judgeWatch: the user manager stopping and the probe living on ends the watch a settle later', async t => {
  const r = load('pty-systemd-run-user-logout');
  const events = afterSever(r).filter(e => !gone(r, r.setup.probePid)(e));
  const managerGone = events.find(gone(r, r.setup.managerPid))!;
  t.ok(managerGone, 'the recorded run saw the manager stop');
  const d = replayWatch(events, r.setup);
  t.equal(d.endedBecause, `the user manager (pid ${r.setup.managerPid}) stopped ${Math.round(managerGone.t - r.setup.t0Mono)} ms after the sever and the probe lived on`);
  t.equal(d.stopMono, managerGone.t + 1000);
});

t.test('judgeWatch: a manager that never stops holds the watch until afterSessionMs after the session', async t => {
  const r = load('pty-systemd-run-user-logout');
  const events = afterSever(r).filter(e => !gone(r, r.setup.probePid)(e) && !gone(r, r.setup.managerPid)(e));
  const d = replayWatch(events, r.setup);
  t.equal(d.endedBecause, `${r.setup.afterSessionMs} ms passed after the session ended and the user manager had not stopped`);
  t.equal(d.stopMono, r.outcome.sessionEndMono! + r.setup.afterSessionMs);
});

t.test('judgeWatch: a manager stopping late (a loaded machine) is still waited for, up to managerWaitMs', async t => {
  const r = load('pty-systemd-run-user-logout');
  const events = afterSever(r).filter(e => !gone(r, r.setup.probePid)(e));
  const managerGone = events.find(gone(r, r.setup.managerPid))!;
  const sessionEnd = r.outcome.sessionEndMono!;
  // The manager stops 20 s after the session: past afterSessionMs, within a load-stretched wait.
  const late = events.map(e => (e === managerGone ? { ...e, t: sessionEnd + r.setup.afterSessionMs + 5000 } : e));
  const lateStop = sessionEnd + r.setup.afterSessionMs + 5000;
  t.match(replayWatch(late, r.setup).endedBecause, /the user manager had not stopped/, 'unstretched: given up before the manager stopped');
  const d = replayWatch(late, { ...r.setup, managerWaitMs: r.setup.afterSessionMs * 3 });
  t.match(d.endedBecause, /the user manager \(pid \d+\) stopped \d+ ms after the sever/);
  t.equal(d.stopMono, lateStop + 1000);
});

t.test('judgeWatch: with KillUserProcesses=yes, a probe in the session\'s cgroup is waited for until it dies, past the settle', async t => {
  // CI at stop 24 (systemd 254, KillUserProcesses=yes, background × logout): logind's stop of the
  // session scope killed the probe after the 3 s settle had closed the window; inconclusive.
  const r = load('pty-background-logout');
  const sessionEnd = r.outcome.sessionEndMono!;
  const setup = { ...r.setup, plan: { kind: 'session-stop' as const }, managerWaitMs: r.setup.afterSessionMs * 2 };
  const lateDeath: WatchEvent = { t: sessionEnd + r.setup.afterSessionSettleMs + 2000, e: 'gone', pid: r.setup.probePid, how: 'exited' };
  t.same(judgeWatch(afterSever(r), setup, sessionEnd + r.setup.afterSessionSettleMs + 1), { done: false, untilMono: sessionEnd + setup.managerWaitMs }, 'past the settle, still waiting');
  const d = replayWatch([...afterSever(r), lateDeath], setup);
  t.same([d.endedBecause, d.stopMono], ['the probe died', lateDeath.t]);
  const never = replayWatch(afterSever(r), setup);
  t.same([never.endedBecause, never.stopMono], [`${setup.managerWaitMs} ms passed after the session ended and the probe, in the session's cgroup, lived on (KillUserProcesses=yes)`, sessionEnd + setup.managerWaitMs]);
});

t.test('judgeWatch: a sever that does not end the session is judged settleMs after it acted', async t => {
  const r = load('pty-background-hangup');
  const alive = afterSever(r).filter(e => !gone(r, r.setup.probePid)(e));
  const d = replayWatch(alive, r.setup);
  t.same([d.endedBecause, d.stopMono], [`${r.setup.sever.settleMs} ms passed after the hangup`, r.setup.appliedMono + r.setup.sever.settleMs]);
});

t.test('judgeWatch: a session over before the sever ended at the sever\'s instant', async t => {
  const r = load('pty-background-logout');
  const setup = { ...r.setup, sessionOver: true, sshdPid: null };
  const d = replayWatch(afterSever(r), setup);
  t.equal(d.sessionEndMono, setup.t0Mono);
  t.equal(d.stopMono, setup.t0Mono + setup.afterSessionSettleMs);
});

t.test('recordWatch: nothing without a directory; with one, the events the watch and the verdict read', async t => {
  const r = load('pty-background-client-kill');
  const dir = t.testdir();
  recordWatch('abc', r, undefined);
  t.same(fs.readdirSync(dir), []);
  const noisy: WatchEvent[] = [{ t: 1, e: 'tick' }, ...r.events.slice(0, r.fromEvent), { t: 2, e: 'done', id: 'c1', ok: 1 }, ...r.events.slice(r.fromEvent)];
  recordWatch('abc', { ...r, events: noisy, fromEvent: r.fromEvent + 2 }, dir);
  const back: WatchRecording = JSON.parse(fs.readFileSync(path.join(dir, 'abc.json'), 'utf8'));
  t.same(back.events, r.events);
  t.equal(back.fromEvent, r.fromEvent);
});

t.test('observeWatch: a probe the "after" snapshot shows stopped names the stop it logged last', async t => {
  const t0 = 5000;
  const events: WatchEvent[] = [
    { t: 4300, e: 'log', line: '4300 start pid=20 stdin=/dev/pts/1 cgroup=/ ignored=-' },
    { t: 4340, e: 'log', line: '4340 sig TTIN code=128 sender=0 sender_comm=- cgroup=/' },
  ];
  const input = { events, fromEvent: 2, probePid: 20, t0Mono: t0, sessionEndMono: null, watchEndMono: 16_000, probeInAfterSnapshot: true, sessionMustEnd: true, senderName: () => null };
  const after = { pid: 20, ppid: 10, pgid: 20, sid: 10, ttyNr: 34817, tpgid: 10, state: 'T', startTime: '1', uid: 1001, comm: 'probe', args: '', cgroup: '/', sigIgn: '0', sigCgt: '0' };
  const { obs } = observeWatch({ ...input, probeAfter: after });
  t.same(obs.stoppedAtEnd, { signal: 'SIGTTIN', atMs: -660, sender: 'the kernel (a background job read its terminal)' });
  t.match(judge(obs).reason, /alive, but stopped \(state T\) by SIGTTIN/);
  t.equal(observeWatch({ ...input, probeAfter: { ...after, state: 'S' } }).obs.stoppedAtEnd, null, 'running: not stopped');
  t.notOk('stoppedAtEnd' in observeWatch(input).obs, 'no "after" entry given (recorded watches): nothing said');
});
