import { describeKernelSender, type WitnessAnswer } from '../observe/death-witness.js';
import { NOT_FATAL_SIGNALS } from '../observe/probe-log.js';
import { describeSender as describe } from '../observe/sender.js';
import type { CaughtSignal, Verdict } from '../results.js';

/** Who sent a caught signal, in words (see observe/sender.ts). */
export function describeSender(s: CaughtSignal, probePid: number | null): string {
  return describe({ pid: s.senderPid, comm: s.senderComm, code: s.code, signal: s.signal, cgroup: s.cgroup }, probePid);
}

/** What was observed of one cell, all times in ms relative to the sever. */
export interface Observation {
  probePid: number | null;
  /** when the watcher saw the probe's pid vanish; null if it was alive when the window closed */
  probeDeathMs: number | null;
  signalsCaught: CaughtSignal[];
  /** the probe logged a normal exit */
  exitLogged: boolean;
  /**
   * Whether the independent "after" snapshot (read from /proc when the window closed) still lists
   * the probe. It must agree with the watcher; if not, the cell is not judged.
   */
  probeInAfterSnapshot: boolean;
  /** when the per-session sshd process ended; null if it was still running */
  sessionEndedMs: number | null;
  /** the process that holds the session, when not sshd (mosh-server): the reasons name it. Absent: sshd */
  sessionHolder?: string;
  /**
   * Whether the sever is meant to end the session. If not (a signal to the probe, an sshd restart),
   * a live probe has survived it whether or not the session is still open.
   */
  sessionMustEnd: boolean;
  /** the last heartbeat, to tell "alive" from "alive but stuck" */
  lastHeartbeatMs: number | null;
  /**
   * The probe was stopped (state T) when the window closed, by the stop it logged last (signal
   * null: it logged none, e.g. an uncatchable SIGSTOP). Absent or null: it was not stopped.
   */
  stoppedAtEnd?: { signal: string | null; atMs: number | null; sender: string | null } | null;
  watchedMs: number;
  /**
   * The kernel's account of a death the probe did not log (observe/death-witness.ts): asked only
   * then. Absent: nobody asked (a recorded watch, a probe that logged its end).
   */
  kernel?: WitnessAnswer;
}

export interface Judgement {
  verdict: Verdict;
  reason: string;
  signal: string | null;
  signalEvidence: 'caught' | 'kernel trace' | null;
  signalSender: { pid: number | null; comm: string | null; code: number | null } | null;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The verdict of a cell from what was observed, never from what was expected. A probe that is gone
 * is never "survived"; a probe that is alive while the server still holds the session has survived
 * nothing yet.
 */
export function judge(o: Observation): Judgement {
  const none = { signal: null, signalEvidence: null, signalSender: null } as const;
  if (o.probePid === null) {
    return { verdict: 'inconclusive', reason: 'the probe was never seen running', ...none };
  }
  // Two witnesses, the watcher's event stream and the final /proc snapshot, must agree on whether
  // the probe is alive: a false "survived" is the worst defect this tool could have.
  if ((o.probeDeathMs === null) !== o.probeInAfterSnapshot) {
    return {
      verdict: 'inconclusive',
      reason:
        o.probeDeathMs === null
          ? 'the watcher saw no death, but the final snapshot no longer lists the probe'
          : `the watcher saw the probe die ${secs(o.probeDeathMs)} after the sever, but the final snapshot still lists it`,
      ...none,
    };
  }
  if (o.probeDeathMs !== null) {
    if (o.exitLogged) {
      return { verdict: 'exited', reason: `the probe exited by itself ${secs(o.probeDeathMs)} after the sever`, ...none };
    }
    // The handler logs, restores the default action and re-raises: the last fatal signal logged
    // before the death is the one it died of (CONT is only logged, never fatal).
    const fatal = fatalLogged(o).at(-1);
    if (fatal) {
      return {
        verdict: 'killed',
        reason: `${fatal.signal} from ${describeSender(fatal, o.probePid)}, dead ${secs(o.probeDeathMs)} after the sever`,
        signal: fatal.signal,
        signalEvidence: 'caught',
        signalSender: { pid: fatal.senderPid, comm: fatal.senderComm, code: fatal.code },
      };
    }
    return vanished(o.probeDeathMs, o.kernel);
  }
  const stuck = o.stoppedAtEnd
    ? `, but stopped (state T)${stoppedBy(o.stoppedAtEnd)}`
    : o.lastHeartbeatMs !== null && o.watchedMs - o.lastHeartbeatMs > 2000
      ? `, but its heartbeat stopped ${secs(o.lastHeartbeatMs)} after the sever (blocked)`
      : '';
  if (!o.sessionMustEnd) {
    return {
      verdict: 'survived',
      reason: `alive ${secs(o.watchedMs)} after the sever; the session ${o.sessionEndedMs === null ? 'was still open' : `had ended ${secs(o.sessionEndedMs)} after it`}${stuck}`,
      ...none,
    };
  }
  if (o.sessionEndedMs === null) {
    return {
      verdict: 'session-open',
      reason: `${o.sessionHolder ?? 'sshd'} had not ended the session ${secs(o.watchedMs)} after the sever; the probe was alive${stuck}`,
      ...none,
    };
  }
  return {
    verdict: 'survived',
    reason: `alive ${secs(o.watchedMs - o.sessionEndedMs)} after ${o.sessionHolder ?? 'sshd'} ended the session${stuck}`,
    ...none,
  };
}

/** Whether a death can be judged from the probe's log alone; if not, the kernel is asked (cell.ts). */
export function needsKernelWitness(o: Observation): boolean {
  return o.probePid !== null && o.probeDeathMs !== null && !o.probeInAfterSnapshot && !o.exitLogged && !fatalLogged(o).length;
}

/** " by SIGTTIN from the kernel (…) 1.20 s before the sever": what stopped it, when it is known. */
function stoppedBy(s: NonNullable<Observation['stoppedAtEnd']>): string {
  if (s.signal === null) return ' without logging a stop signal';
  const when = s.atMs === null ? '' : s.atMs < 0 ? ` ${secs(-s.atMs)} before the sever` : ` ${secs(s.atMs)} after the sever`;
  return ` by ${s.signal}${s.sender ? ` from ${s.sender}` : ''}${when}`;
}

/**
 * The signals logged up to the death that can end it: CONT and the job-control stops are only
 * logged (a stop stops the probe, it does not end it).
 */
function fatalLogged(o: Observation): CaughtSignal[] {
  return o.signalsCaught.filter(s => !NOT_FATAL_SIGNALS.includes(s.signal) && s.atMs <= (o.probeDeathMs ?? Infinity) + 50);
}

/**
 * A probe that died without logging a signal or an exit. Its handler logs every catchable signal,
 * so "uncatchable, hence SIGKILL" is tempting, but it once came out where the probe had in fact
 * caught SIGHUP: only the kernel's trace may name what ended it, else the cell is not judged.
 */
function vanished(deathMs: number, kernel: WitnessAnswer | undefined): Judgement {
  const none = { signal: null, signalEvidence: null, signalSender: null } as const;
  const what = `the probe vanished ${secs(deathMs)} after the sever without logging a signal or an exit`;
  if (!kernel) return { verdict: 'inconclusive', reason: `${what}, and the kernel was not asked what ended it`, ...none };
  if ('unavailable' in kernel) return { verdict: 'inconclusive', reason: `${what}, and no kernel trace can say what ended it: ${kernel.unavailable}`, ...none };
  if (kernel.kind === 'none') {
    const lost = kernel.lostEvents ? `; the trace buffer had overwritten ${kernel.lostEvents} events` : '';
    return { verdict: 'inconclusive', reason: `${what}, and the kernel trace holds no fatal signal for it nor an exit (host pid ${kernel.hostPid})${lost}`, ...none };
  }
  if (kernel.kind === 'exit') {
    return { verdict: 'exited', reason: `the probe exited with status ${kernel.code ?? '?'} ${secs(deathMs)} after the sever without logging why (kernel trace, host pid ${kernel.hostPid})`, ...none };
  }
  const s = kernel.signal;
  const caught = kernel.reraised ? `; its handler ran and re-raised it, but the log line it writes first is missing` : ': it could not log it';
  return {
    verdict: 'killed',
    reason: `${s.signal} from ${describeKernelSender(s)} (si_code ${s.code}; kernel trace, the probe is host pid ${kernel.hostPid}), dead ${secs(deathMs)} after the sever${caught}`,
    signal: s.signal,
    signalEvidence: 'kernel trace',
    // The trace knows host pids, the results the container's: the reason names the host pid.
    signalSender: { pid: null, comm: s.senderComm, code: s.code },
  };
}
