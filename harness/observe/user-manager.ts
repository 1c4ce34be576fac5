// What can still kill a probe after its session ended, so a cell waits for that and not for a
// fixed time. The user manager (systemd --user, in user@UID.service) kills long after: it stops
// UserStopDelaySec (10 s by default) after the user's last session, taking its units with it, and
// the cell waits for it to exit. With KillUserProcesses=yes the login manager stops the session's
// own scope once the session is released: normally within milliseconds of sshd's exit, but at the
// mercy of the scheduler (CI, stop 24: a probe in the scope died after the 3 s settle had closed
// the window, and the cell was inconclusive); the cell waits for that probe to die.
import type { ProcessInfo } from '../results.js';

/** The login user's manager in a snapshot: `systemd --user`, running in the user@UID.service cgroup. */
export function findUserManager(procs: readonly ProcessInfo[]): ProcessInfo | null {
  return procs.find(p => p.comm === 'systemd' && p.pid !== 1 && /\/user@\d+\.service\//.test(p.cgroup)) ?? null;
}

export type AfterSessionPlan =
  /** nothing can kill the probe later: wait a short settle */
  | { kind: 'settle'; why: string }
  /** the probe lives in the user manager: wait until it stops (or the window ends) */
  | { kind: 'manager' }
  /** KillUserProcesses=yes and the probe is in the session's own cgroup: wait until it dies (or the window ends) */
  | { kind: 'session-stop' };

export interface SessionFacts {
  /** the login manager's KillUserProcesses, as the cell configured it */
  killUserProcesses: 'yes' | 'no';
  /** the cgroup of the session's server process ("before" snapshot; '' unknown): the session's scope */
  sessionCgroup: string;
}

/**
 * What to wait for after the session ended. A probe in the session's own cgroup is stopped with it
 * when KillUserProcesses=yes (linger or not: linger keeps the user manager, not the session). A
 * probe outside user@UID.service (a session scope, a system unit) is not touched by the manager
 * stopping; with linger the manager does not stop at all. A scenario that set run.afterSessionMs
 * gets exactly that, as a fixed wait.
 */
export function afterSessionPlan(probe: ProcessInfo, linger: boolean, fixedByScenario: boolean, session: SessionFacts): AfterSessionPlan {
  if (fixedByScenario) return { kind: 'settle', why: 'run.afterSessionMs of the scenario' };
  if (session.killUserProcesses === 'yes' && session.sessionCgroup !== '' && probe.cgroup === session.sessionCgroup) return { kind: 'session-stop' };
  if (!/\/user@\d+\.service\//.test(probe.cgroup)) return { kind: 'settle', why: 'the probe is not in the user manager, which alone kills later' };
  if (linger) return { kind: 'settle', why: 'linger keeps the user manager running' };
  // (Without a manager in the snapshot there is no event to wait for: the window's deadline holds.)
  return { kind: 'manager' };
}
