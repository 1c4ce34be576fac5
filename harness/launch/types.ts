import type { Cell, Check, UserKind } from '../results.js';
import type { OpenSession } from '../session/types.js';
import type { ManagerNeed } from '../target/managers/types.js';
import type { Target } from '../target/types.js';
import type { OnOwnHost } from '../core/own-host.js';

export interface LaunchContext {
  cell: Cell;
  target: Target;
  /** the login user ("root" or the cell's own unprivileged user) */
  loginUser: string;
  /** the cell's own unprivileged user (its home holds the probe log, also for root cells) */
  cellUser: string;
  /** unit/session name for modes that need one (tmux session, systemd unit) */
  unitName: string;
  /** the probe command line (launch modes wrap exactly this) */
  probe: string;
  /** the probe's log file (a file next to it is in a place the cell's user can write) */
  probeLog: string;
}

export interface AfterWindowContext extends LaunchContext {
  /** open a new real session as the login user (for reattach checks) */
  openSession(): Promise<OpenSession>;
  /** the probe's pid as seen before the sever */
  probePid: number;
  /** wait until the probe log shows a line matching re after this call; null on timeout */
  waitForLog(re: RegExp, timeoutMs: number): Promise<string | null>;
}

/**
 * What is meant to keep a probe from the session's end, by design:
 * - 'job-of-shell': nothing; a job of the login shell, in the foreground or with &
 * - 'ignores-hup': SIGHUP set to "ignore" before the program starts, kept across exec
 * - 'own-session': a new session without a controlling terminal
 * - 'out-of-job-table': removed from the shell's job table, so the shell resends it no SIGHUP
 * - 'terminal-multiplexer': a detached server that gives the probe a pseudo-terminal of its own
 * - 'user-manager': a unit of the user's own service manager (user@UID.service), out of the session's scope
 * - 'system-service': a system service started by PID 1, outside every session and user manager
 */
export type Protection = 'job-of-shell' | 'ignores-hup' | 'own-session' | 'out-of-job-table' | 'terminal-multiplexer' | 'user-manager' | 'system-service';

export interface LaunchMode {
  name: string;
  summary: string;
  /** the probe keeps the terminal (a shell prompt does not come back until it ends) */
  holdsTerminal: boolean;
  /**
   * The probe runs under the user's service manager (user@UID.service), which stops 10 s after the
   * last session: such cells take that long to judge. A scheduling hint only; the watch itself goes
   * by the cgroup the probe is actually in.
   */
  inUserManager?: boolean;
  /**
   * What the line needs of the target's session manager (target/managers/types.ts): the user's
   * manager, reached through what pam_systemd gives a login (the logind session, XDG_RUNTIME_DIR,
   * the manager's bus), or systemd as PID 1 for system units. A target whose manager lacks one, or
   * a server whose logins get no logind session, cannot run it, linger or not
   * (target/implementations.ts: not-applicable, with why).
   */
  needs?: readonly Exclude<ManagerNeed, 'linger'>[];
  /**
   * The line returns as soon as the probe is forked, before the probe has started (`cmd &`, or a
   * program that forks it and exits, like setsid): without an interactive shell to wait in, the
   * command's end (the session leader exiting, which hangs up its terminal) races the probe's start.
   * Such cells get a kernel trace to tell what happened when the probe never starts.
   */
  startsInBackground?: boolean;
  /**
   * What the mode relies on to keep the probe alive, for explanations (the demo's "why"), which
   * read the observation first (the probe's SigIgn mask, its cgroup, who sent what); never read by
   * a verdict. The modes with `inUserManager` are the 'user-manager' ones.
   */
  protection?: Protection;
  /** whether it runs on a server of the user's own (`run --host`: no root there), and what it needs */
  onOwnHost?: OnOwnHost;
  /** the line typed in the shell (pty) or passed as the remote command (exec) */
  line(ctx: LaunchContext & { user: UserKind }): string;
  /** done as root, out of band, before the session opens (install a unit file) */
  prepare?(ctx: LaunchContext): Promise<void>;
  /**
   * A question asked after the window closed, when the probe survived (can a new session
   * reattach; does the unit restart its killed process). Never changes the verdict.
   */
  afterWindow?(ctx: AfterWindowContext): Promise<Omit<Check, 'atMs'> | null>;
  /** done as root after the cell (stop and remove units); errors are ignored */
  cleanup?(ctx: LaunchContext): Promise<void>;
}

export function defineLaunchMode(m: LaunchMode): LaunchMode {
  return m;
}
