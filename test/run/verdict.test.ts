import t from 'tap';
import { describeSender, judge, needsKernelWitness, type Observation } from '../../harness/run/verdict.js';
import { describeSender as senderWords } from '../../harness/observe/sender.js';
import type { CaughtSignal, Verdict } from '../../harness/results.js';

const PROBE = 190;

function obs(o: Partial<Observation> = {}): Observation {
  return {
    probePid: PROBE,
    probeDeathMs: null,
    signalsCaught: [],
    exitLogged: false,
    sessionEndedMs: null,
    sessionMustEnd: true,
    lastHeartbeatMs: null,
    watchedMs: 15_000,
    ...o,
    // Consistent with the watcher unless a test says otherwise.
    probeInAfterSnapshot: o.probeInAfterSnapshot ?? (o.probeDeathMs ?? null) === null,
  };
}

function sig(signal: string, atMs: number, code: number | null, senderPid: number | null, senderComm: string | null): CaughtSignal {
  return { signal, atMs, code, senderPid, senderComm, cgroup: null };
}

t.test('a caught SIGHUP from a process: killed, with the sender', async t => {
  const hup = sig('SIGHUP', 350, 0, 181, 'bash');
  const j = judge(obs({ probeDeathMs: 400, sessionEndedMs: 300, signalsCaught: [hup] }));
  t.same(j, {
    verdict: 'killed',
    reason: `SIGHUP from ${describeSender(hup, PROBE)}, dead 0.40 s after the sever`,
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: 181, comm: 'bash', code: 0 },
  });
  t.match(j.reason, /^SIGHUP from bash \(pid 181/);
});

t.test('a caught SIGHUP with SI_KERNEL: the sender is the kernel (terminal hangup)', async t => {
  const j = judge(obs({ probeDeathMs: 120, signalsCaught: [sig('SIGHUP', 100, 128, null, null)] }));
  t.equal(j.verdict, 'killed');
  t.equal(j.signal, 'SIGHUP');
  t.match(j.reason, 'the kernel (terminal hangup)');
  t.same(j.signalSender, { pid: null, comm: null, code: 128 });
});

t.test('the last fatal signal before the death is the one it died of', async t => {
  const j = judge(
    obs({
      probeDeathMs: 1000,
      signalsCaught: [sig('SIGHUP', 100, 128, null, null), sig('SIGTERM', 900, 0, 1, 'systemd'), sig('SIGCONT', 950, null, null, null)],
    }),
  );
  t.equal(j.signal, 'SIGTERM');
  t.match(j.reason, 'SIGTERM from systemd (pid 1');
});

t.test('a signal logged up to 50 ms after the observed death still counts', async t => {
  const j = judge(obs({ probeDeathMs: 1000, signalsCaught: [sig('SIGTERM', 1050, 0, 1, 'systemd')] }));
  t.equal(j.signalEvidence, 'caught');
  t.equal(j.signal, 'SIGTERM');
});

t.test('a signal logged well after the death is not taken as its cause', async t => {
  const j = judge(obs({ probeDeathMs: 1000, signalsCaught: [sig('SIGTERM', 1051, 0, 1, 'systemd')] }));
  t.equal(j.verdict, 'inconclusive');
  t.equal(j.signal, null);
});

// A probe that died without logging a signal or an exit: once judged "SIGKILL, inferred", which
// was false in a real run (the probe had caught SIGHUP). Now only the kernel's trace may say.
const kernelSignal = (signal: string, senderComm: string, code: number, reraised = false) => ({
  kind: 'signal' as const,
  signal: { atMs: 0, signal, code, senderPid: 4242, senderComm, senderExited: false, result: 'delivered' as const },
  reraised,
  hostPid: 5151,
});

t.test('vanished without a logged signal, nobody asked the kernel: inconclusive, never a guess', async t => {
  const o = obs({ probeDeathMs: 10_450, sessionEndedMs: 300 });
  t.ok(needsKernelWitness(o));
  t.same(judge(o), {
    verdict: 'inconclusive',
    reason: 'the probe vanished 10.45 s after the sever without logging a signal or an exit, and the kernel was not asked what ended it',
    signal: null,
    signalEvidence: null,
    signalSender: null,
  });
});

t.test('vanished, and no kernel trace on this machine: inconclusive with why', async t => {
  const j = judge(obs({ probeDeathMs: 616, kernel: { unavailable: 'the harness is not root (uid 1000)' } }));
  t.equal(j.verdict, 'inconclusive');
  t.match(j.reason, /no kernel trace can say what ended it: the harness is not root/);
});

t.test('vanished, the kernel saw SIGKILL: killed by SIGKILL from its sender, evidence the trace', async t => {
  const j = judge(obs({ probeDeathMs: 616, kernel: kernelSignal('SIGKILL', 'pkill', 0) }));
  t.same(
    { verdict: j.verdict, signal: j.signal, signalEvidence: j.signalEvidence, signalSender: j.signalSender },
    { verdict: 'killed', signal: 'SIGKILL', signalEvidence: 'kernel trace', signalSender: { pid: null, comm: 'pkill', code: 0 } },
  );
  t.match(j.reason, /^SIGKILL from kill\(2\) from pkill \(host pid 4242\) \(si_code 0; kernel trace, the probe is host pid 5151\), dead 0\.62 s after the sever: it could not log it$/);
});

t.test('vanished, the kernel saw the handler re-raise SIGHUP: killed by SIGHUP, the missing log line said', async t => {
  const j = judge(obs({ probeDeathMs: 616, kernel: kernelSignal('SIGHUP', 'bash', 0, true) }));
  t.equal(j.signal, 'SIGHUP');
  t.equal(j.signalEvidence, 'kernel trace');
  t.match(j.reason, /its handler ran and re-raised it, but the log line it writes first is missing/);
});

t.test('vanished, the kernel saw an exit_group: exited with its status', async t => {
  const j = judge(obs({ probeDeathMs: 2000, kernel: { kind: 'exit', code: 255, atMs: 0, hostPid: 5151 } }));
  t.equal(j.verdict, 'exited');
  t.match(j.reason, /exited with status 255 2\.00 s after the sever without logging why \(kernel trace, host pid 5151\)/);
});

t.test('vanished, and the kernel trace holds nothing of it: inconclusive, naming lost events', async t => {
  const j = judge(obs({ probeDeathMs: 2000, kernel: { kind: 'none', hostPid: 5151, lostEvents: 12 } }));
  t.equal(j.verdict, 'inconclusive');
  t.match(j.reason, /holds no fatal signal for it nor an exit \(host pid 5151\); the trace buffer had overwritten 12 events/);
});

t.test('SIGCONT alone is never taken as fatal', async t => {
  const o = obs({ probeDeathMs: 500, signalsCaught: [sig('SIGCONT', 400, null, null, null)] });
  t.ok(needsKernelWitness(o));
  t.equal(judge(o).verdict, 'inconclusive');
});

t.test('the kernel is asked only for a death the log does not explain', async t => {
  t.notOk(needsKernelWitness(obs({})), 'alive');
  t.notOk(needsKernelWitness(obs({ probeDeathMs: 500, exitLogged: true })), 'a logged exit');
  t.notOk(needsKernelWitness(obs({ probeDeathMs: 500, signalsCaught: [sig('SIGHUP', 400, 0, 1, 'bash')] })), 'a logged fatal signal');
  t.notOk(needsKernelWitness(obs({ probeDeathMs: 500, probeInAfterSnapshot: true })), 'the witnesses disagree: judged inconclusive anyway');
});

t.test('a logged exit: exited, with no signal', async t => {
  const j = judge(obs({ probeDeathMs: 2000, exitLogged: true }));
  t.same(j, {
    verdict: 'exited',
    reason: 'the probe exited by itself 2.00 s after the sever',
    signal: null,
    signalEvidence: null,
    signalSender: null,
  });
});

t.test('alive after the session ended: survived', async t => {
  const j = judge(obs({ sessionEndedMs: 3000, lastHeartbeatMs: 17_900, watchedMs: 18_000 }));
  t.same(j, {
    verdict: 'survived',
    reason: 'alive 15.00 s after sshd ended the session',
    signal: null,
    signalEvidence: null,
    signalSender: null,
  });
});

t.test('alive while sshd still holds the session: session-open', async t => {
  const j = judge(obs({ sessionEndedMs: null, lastHeartbeatMs: 10_900, watchedMs: 11_000 }));
  t.equal(j.verdict, 'session-open');
  t.equal(j.reason, 'sshd had not ended the session 11.00 s after the sever; the probe was alive');
  t.equal(j.signal, null);
});

t.test('the probe never seen running: inconclusive, whatever else was observed', async t => {
  const j = judge(obs({ probePid: null, probeDeathMs: 100, signalsCaught: [sig('SIGHUP', 50, 0, 1, 'x')] }));
  t.same(j, {
    verdict: 'inconclusive',
    reason: 'the probe was never seen running',
    signal: null,
    signalEvidence: null,
    signalSender: null,
  });
});

t.test('a stale heartbeat is named in a survived reason', async t => {
  const j = judge(obs({ sessionEndedMs: 3000, lastHeartbeatMs: 1200, watchedMs: 18_000 }));
  t.equal(j.verdict, 'survived');
  t.match(j.reason, 'but its heartbeat stopped 1.20 s after the sever (blocked)');
});

t.test('a stale heartbeat is named in a session-open reason', async t => {
  const j = judge(obs({ lastHeartbeatMs: 500, watchedMs: 11_000 }));
  t.equal(j.verdict, 'session-open');
  t.match(j.reason, 'heartbeat stopped 0.50 s after the sever (blocked)');
});

t.test('a heartbeat within 2 s of the end of the window is not stale', async t => {
  const j = judge(obs({ sessionEndedMs: 3000, lastHeartbeatMs: 16_000, watchedMs: 18_000 }));
  t.notMatch(j.reason, 'heartbeat');
});

t.test('a probe that is gone is never survived (random observations)', async t => {
  // A small deterministic PRNG (mulberry32), so a failure is reproducible.
  let seed = 0x5eed;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(rand() * n);
  const maybe = <T>(v: T): T | null => (rand() < 0.3 ? null : v);
  const names = ['SIGHUP', 'SIGTERM', 'SIGCONT', 'SIGPIPE', 'SIGINT'];
  const seen = new Set<Verdict>();
  for (let i = 0; i < 2000; i++) {
    const o: Observation = {
      probePid: maybe(100 + int(1000)),
      probeDeathMs: int(30_000) - 1000,
      signalsCaught: Array.from({ length: int(4) }, () =>
        sig(names[int(names.length)]!, int(30_000) - 1000, maybe([0, 128, 1, -6][int(4)]!), maybe(int(500)), maybe('bash')),
      ),
      exitLogged: rand() < 0.2,
      sessionEndedMs: maybe(int(20_000)),
      sessionMustEnd: rand() < 0.5,
      lastHeartbeatMs: maybe(int(30_000) - 1000),
      watchedMs: int(40_000),
      // Even when the two witnesses disagree, a dead probe must not come out alive.
      probeInAfterSnapshot: rand() < 0.5,
      kernel: [undefined, { unavailable: 'no tracefs' }, { kind: 'none' as const, hostPid: 9, lostEvents: 0 }, kernelSignal('SIGKILL', 'pkill', 0), { kind: 'exit' as const, code: 0, atMs: 0, hostPid: 9 }][int(5)],
    };
    const j = judge(o);
    seen.add(j.verdict);
    if (j.verdict === 'survived' || j.verdict === 'session-open') {
      t.fail(`a dead probe was judged ${j.verdict}`, { observation: o });
      break;
    }
    // A death its log does not explain is judged only with the kernel's account of it.
    const unexplained = needsKernelWitness(o) && !(o.kernel && 'kind' in o.kernel && o.kernel.kind !== 'none');
    if (o.probePid !== null && !o.probeInAfterSnapshot && !unexplained && !['killed', 'exited'].includes(j.verdict)) {
      t.fail(`a seen, dead probe was judged ${j.verdict}`, { observation: o });
      break;
    }
    if (unexplained && j.verdict !== 'inconclusive') {
      t.fail(`a seen, dead probe was judged ${j.verdict}`, { observation: o });
      break;
    }
  }
  t.same([...seen].sort(), ['exited', 'inconclusive', 'killed'], 'every reachable verdict for a dead probe was generated');
});

t.test('describeSender: a failed write of its own (sender is the probe itself)', async t => {
  t.equal(describeSender(sig('SIGPIPE', 10, 0, PROBE, 'probe'), PROBE), 'its own failed write (the reader is gone)');
});

t.test('describeSender: kill(2) from another process names its comm and pid', async t => {
  t.equal(describeSender(sig('SIGTERM', 10, 0, 77, 'python3'), PROBE), 'python3 (pid 77)');
  t.equal(describeSender(sig('SIGTERM', 10, 0, 77, null), PROBE), '? (pid 77)');
});

t.test('describeSender: the words come from observe/sender, the same as in the reports', async t => {
  const inUnit = { ...sig('SIGTERM', 10, 0, 1, 'systemd'), cgroup: '/system.slice/hl-probe-x.service' };
  for (const s of [sig('SIGTERM', 10, 0, 1, 'systemd'), inUnit, sig('SIGHUP', 10, 0, 181, 'bash'), sig('SIGHUP', 10, 0, 300, 'kill'), sig('SIGHUP', 10, 128, null, null)]) {
    t.equal(describeSender(s, PROBE), senderWords({ pid: s.senderPid, comm: s.senderComm, code: s.code, signal: s.signal, cgroup: s.cgroup }, PROBE));
  }
});

t.test('describeSender: any other si_code is reported as a number', async t => {
  t.equal(describeSender(sig('SIGHUP', 10, -6, null, null), PROBE), 'si_code -6');
  t.equal(describeSender(sig('SIGHUP', 10, null, null, null), PROBE), 'si_code ?');
});

t.test('watcher and final snapshot disagree: inconclusive, never survived', async t => {
  const missing = judge(obs({ sessionEndedMs: 300, probeInAfterSnapshot: false }));
  t.equal(missing.verdict, 'inconclusive');
  t.match(missing.reason, /final snapshot no longer lists the probe/);
  const lingering = judge(obs({ probeDeathMs: 500, signalsCaught: [sig('SIGHUP', 480, 0, 2, 'bash')], probeInAfterSnapshot: true }));
  t.equal(lingering.verdict, 'inconclusive');
  t.match(lingering.reason, /still lists it/);
});

// ---- severs that are not meant to end the session (a signal to the probe, an sshd restart) ----

t.test('sessionMustEnd false: a live probe survived, though the session is still open', async t => {
  const j = judge(obs({ sessionMustEnd: false, sessionEndedMs: null, lastHeartbeatMs: 2900, watchedMs: 3000 }));
  t.same(j, {
    verdict: 'survived',
    reason: 'alive 3.00 s after the sever; the session was still open',
    signal: null,
    signalEvidence: null,
    signalSender: null,
  });
});

t.test('sessionMustEnd false: a session that did end is named in the reason', async t => {
  const j = judge(obs({ sessionMustEnd: false, sessionEndedMs: 1500, lastHeartbeatMs: 2900, watchedMs: 3000 }));
  t.equal(j.verdict, 'survived');
  t.equal(j.reason, 'alive 3.00 s after the sever; the session had ended 1.50 s after it');
});

t.test('sessionMustEnd false: a stale heartbeat is still named', async t => {
  const j = judge(obs({ sessionMustEnd: false, lastHeartbeatMs: 200, watchedMs: 3000 }));
  t.equal(j.verdict, 'survived');
  t.match(j.reason, 'but its heartbeat stopped 0.20 s after the sever (blocked)');
});

t.test('sessionMustEnd false: a dead probe is judged as always', async t => {
  const hup = sig('SIGHUP', 20, 0, 300, 'kill');
  const caught = judge(obs({ sessionMustEnd: false, probeDeathMs: 30, signalsCaught: [hup] }));
  t.same(caught, {
    verdict: 'killed',
    reason: `SIGHUP from ${describeSender(hup, PROBE)}, dead 0.03 s after the sever`,
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: 300, comm: 'kill', code: 0 },
  });
  t.equal(judge(obs({ sessionMustEnd: false, probeDeathMs: 30, kernel: kernelSignal('SIGKILL', 'pkill', 0) })).signal, 'SIGKILL');
  t.equal(judge(obs({ sessionMustEnd: false, probeDeathMs: 30, exitLogged: true })).verdict, 'exited');
});

t.test('sessionMustEnd false: disagreeing witnesses and an unseen probe are still inconclusive', async t => {
  t.equal(judge(obs({ sessionMustEnd: false, probeInAfterSnapshot: false })).verdict, 'inconclusive');
  t.equal(judge(obs({ sessionMustEnd: false, probePid: null })).verdict, 'inconclusive');
});

t.test('sessionMustEnd true: the same live probe with the session open is session-open', async t => {
  t.equal(judge(obs({ sessionMustEnd: true, sessionEndedMs: null, lastHeartbeatMs: 2900, watchedMs: 3000 })).verdict, 'session-open');
});

t.test('sessionMustEnd false never yields session-open (random observations)', async t => {
  let bad = 0;
  for (let i = 0; i < 500; i++) {
    const alive = i % 2 === 0;
    const j = judge(
      obs({
        sessionMustEnd: false,
        probeDeathMs: alive ? null : (i * 37) % 20_000,
        sessionEndedMs: i % 3 === 0 ? null : (i * 13) % 10_000,
        lastHeartbeatMs: (i * 7) % 5000,
        watchedMs: 5000 + i,
      }),
    );
    if (j.verdict === 'session-open') bad++;
    if (alive && j.verdict !== 'survived') bad++;
    if (!alive && j.verdict === 'survived') bad++;
  }
  t.equal(bad, 0);
});

t.test('a job-control stop is not what the probe died of: the signal after it is', async t => {
  const j = judge(obs({ probeDeathMs: 20, sessionEndedMs: 40, signalsCaught: [sig('SIGTTIN', -600, 128, null, null), sig('SIGHUP', 9, 0, 181, 'bash')] }));
  t.equal(j.signal, 'SIGHUP');
  const stopsOnly = obs({ probeDeathMs: 20, signalsCaught: [sig('SIGTSTP', 5, 128, null, null), sig('SIGTTOU', 6, 128, null, null)] });
  t.ok(needsKernelWitness(stopsOnly), 'a death after only stops is unexplained by the log: the kernel is asked');
});

t.test('a probe stopped when the window closed: alive, and the reason says what stopped it', async t => {
  const stopped = { signal: 'SIGTTIN', atMs: -660, sender: 'the kernel (a background job read its terminal)' };
  const open = judge(obs({ stoppedAtEnd: stopped, lastHeartbeatMs: -700 }));
  t.equal(open.verdict, 'session-open');
  t.match(open.reason, /the probe was alive, but stopped \(state T\) by SIGTTIN from the kernel \(a background job read its terminal\) 0\.66 s before the sever$/);
  const survived = judge(obs({ sessionEndedMs: 50, stoppedAtEnd: { signal: 'SIGTSTP', atMs: 1200, sender: null } }));
  t.equal(survived.verdict, 'survived');
  t.match(survived.reason, /but stopped \(state T\) by SIGTSTP 1\.20 s after the sever$/);
  t.match(judge(obs({ sessionEndedMs: 50, stoppedAtEnd: { signal: null, atMs: null, sender: null } })).reason, /stopped \(state T\) without logging a stop signal$/);
  t.match(judge(obs({ sessionEndedMs: 50, stoppedAtEnd: null, lastHeartbeatMs: 100 })).reason, /heartbeat stopped 0\.10 s after the sever \(blocked\)$/, 'not stopped: the heartbeat says it');
});
