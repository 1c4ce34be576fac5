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
  /**
   * Whether the sever is meant to end the session. If not (a signal to the probe, an sshd restart),
   * a live probe has survived it whether or not the session is still open.
   */
  sessionMustEnd: boolean;
  /** the last heartbeat, to tell "alive" from "alive but stuck" */
  lastHeartbeatMs: number | null;
  watchedMs: number;
}

export interface Judgement {
  verdict: Verdict;
  reason: string;
  signal: string | null;
  signalEvidence: 'caught' | 'inferred' | null;
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
    const fatal = o.signalsCaught.filter(s => s.signal !== 'SIGCONT' && s.atMs <= o.probeDeathMs! + 50).at(-1);
    if (fatal) {
      return {
        verdict: 'killed',
        reason: `${fatal.signal} from ${describeSender(fatal, o.probePid)}, dead ${secs(o.probeDeathMs)} after the sever`,
        signal: fatal.signal,
        signalEvidence: 'caught',
        signalSender: { pid: fatal.senderPid, comm: fatal.senderComm, code: fatal.code },
      };
    }
    return {
      verdict: 'killed',
      reason: `vanished ${secs(o.probeDeathMs)} after the sever without logging a signal: an uncatchable one (SIGKILL)`,
      signal: 'SIGKILL',
      signalEvidence: 'inferred',
      signalSender: null,
    };
  }
  const stuck =
    o.lastHeartbeatMs !== null && o.watchedMs - o.lastHeartbeatMs > 2000
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
      reason: `sshd had not ended the session ${secs(o.watchedMs)} after the sever; the probe was alive${stuck}`,
      ...none,
    };
  }
  return {
    verdict: 'survived',
    reason: `alive ${secs(o.watchedMs - o.sessionEndedMs)} after sshd ended the session${stuck}`,
    ...none,
  };
}
