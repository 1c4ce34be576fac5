import type { Cell, Check, UserKind } from '../results.js';
import type { OpenSession } from '../session/types.js';
import type { StartedTarget } from '../target/container.js';

export interface LaunchContext {
  cell: Cell;
  target: StartedTarget;
  /** the login user ("root" or the cell's own unprivileged user) */
  loginUser: string;
  /** the cell's own unprivileged user (its home holds the probe log, also for root cells) */
  cellUser: string;
  /** unit/session name for modes that need one (tmux session, systemd unit) */
  unitName: string;
  /** the probe command line (launch modes wrap exactly this) */
  probe: string;
}

export interface AfterWindowContext extends LaunchContext {
  /** open a new real session as the login user (for reattach checks) */
  openSession(): Promise<OpenSession>;
  /** the probe's pid as seen before the sever */
  probePid: number;
  /** wait until the probe log shows a line matching re after this call; null on timeout */
  waitForLog(re: RegExp, timeoutMs: number): Promise<string | null>;
}

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
   * The line returns as soon as the probe is forked, before the probe has started (`cmd &`, or a
   * program that forks it and exits, like setsid): without an interactive shell to wait in, the
   * command's end (the session leader exiting, which hangs up its terminal) races the probe's start.
   * Such cells get a kernel trace to tell what happened when the probe never starts.
   */
  startsInBackground?: boolean;
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
