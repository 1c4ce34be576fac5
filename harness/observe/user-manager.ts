// The user manager (systemd --user, in user@UID.service) is the one thing that kills processes
// long after a session ends: it stops UserStopDelaySec (10 s by default) after the user's last
// session, taking its units with it. Watching it exit lets a cell end its watch at that event
// instead of sitting out a fixed window.
import type { ProcessInfo } from '../results.js';

/** The login user's manager in a snapshot: `systemd --user`, running in the user@UID.service cgroup. */
export function findUserManager(procs: readonly ProcessInfo[]): ProcessInfo | null {
  return procs.find(p => p.comm === 'systemd' && p.pid !== 1 && /\/user@\d+\.service\//.test(p.cgroup)) ?? null;
}

export type AfterSessionPlan =
  /** nothing can kill the probe later: wait a short settle */
  | { kind: 'settle'; why: string }
  /** the probe lives in the user manager: wait until it stops (or the window ends) */
  | { kind: 'manager' };

/**
 * What to wait for after the session ended. A probe outside user@UID.service (a session scope, a
 * system unit) is not touched by the manager stopping; with linger the manager does not stop at
 * all. A scenario that set run.afterSessionMs gets exactly that, as a fixed wait.
 */
export function afterSessionPlan(probe: ProcessInfo, linger: boolean, fixedByScenario: boolean): AfterSessionPlan {
  if (fixedByScenario) return { kind: 'settle', why: 'run.afterSessionMs of the scenario' };
  if (!/\/user@\d+\.service\//.test(probe.cgroup)) return { kind: 'settle', why: 'the probe is not in the user manager, which alone kills later' };
  if (linger) return { kind: 'settle', why: 'linger keeps the user manager running' };
  // (Without a manager in the snapshot there is no event to wait for: the window's deadline holds.)
  return { kind: 'manager' };
}
