// The results contract: results.json is the single source of truth of a run, and every report
// (terminal, Markdown, …) is a pure function of it. Field names are public: users and CI read them.
// Bump schemaVersion on any incompatible change.

export const SCHEMA_VERSION = 1;

export type Workload = 'chatty' | 'quiet';

/** A cell is plain JSON of axis values; its id is a hash of them (matrix/cell-id.ts). */
export interface Cell {
  id: string;
  target: string;
  session: string;
  launch: string;
  workload: Workload;
  sever: string;
}

export type Verdict =
  /** the probe was alive when the window closed, and the server had ended the session */
  | 'survived'
  /** the probe died of a signal */
  | 'killed'
  /** the probe exited by itself (it only does so at its safety lifetime: a finding, not a pass) */
  | 'exited'
  /** the server had not ended the session when the window closed: nothing was survived yet */
  | 'session-open'
  /** the sever cannot apply to this cell (reason says why) */
  | 'not-applicable'
  /** the cell could not be judged (reason says why); never a guessed pass */
  | 'inconclusive';

export const VERDICTS: readonly Verdict[] = [
  'survived',
  'killed',
  'exited',
  'session-open',
  'not-applicable',
  'inconclusive',
];

/** One process as read from /proc inside the target (observe/snapshot). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  ttyNr: number;
  state: string;
  startTime: string;
  uid: number;
  comm: string;
  args: string;
  /** systemd cgroup path, relative to the container (e.g. /user.slice/user-1001.slice/session-3.scope) */
  cgroup: string;
  sigIgn: string;
  sigCgt: string;
}

/** A signal the probe caught, as the kernel described it (SA_SIGINFO). */
export interface CaughtSignal {
  signal: string;
  /** ms after the sever */
  atMs: number;
  /** siginfo si_code: 0 = SI_USER (kill(2)), 128 = SI_KERNEL (e.g. tty hangup) */
  code: number | null;
  senderPid: number | null;
  senderComm: string | null;
}

export interface TimelineEvent {
  /** ms relative to the sever (negative: before it) */
  atMs: number;
  event: string;
}

export interface ClientOutcome {
  /** ms after the sever when the local ssh client exited; null if it was still running */
  exitMs: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** the client's last non-empty output lines (e.g. "Connection to … closed.") */
  lastLines: string[];
}

export interface CellResult extends Cell {
  verdict: Verdict;
  /** why: always set for not-applicable / inconclusive / session-open, a short gloss otherwise */
  reason: string;
  /** "SIGHUP" when killed by a signal */
  signal: string | null;
  /** how the signal is known: caught by the probe's handler, or inferred (uncatchable SIGKILL) */
  signalEvidence: 'caught' | 'inferred' | null;
  signalSender: { pid: number | null; comm: string | null; code: number | null } | null;
  /** ms from the sever to the probe's death; null if it did not die in the window */
  deathMs: number | null;
  /** ms from the sever to the end of the per-session sshd process; null if still running */
  sessionEndedMs: number | null;
  client: ClientOutcome | null;
  probe: {
    pid: number | null;
    /** write errors on stdout after the sever (EIO: the terminal was hung up; EPIPE: reader gone) */
    stdoutErrors: string[];
    /** ms after the sever of the last heartbeat seen; shows "alive but stuck" */
    lastHeartbeatMs: number | null;
    /** signals the probe caught (the first fatal one killed it; HUP under nohup is ignored) */
    signalsCaught: CaughtSignal[];
    cgroup: string | null;
    /** the probe's log without heartbeat lines, times relative to the sever */
    log: string[];
  };
  /** the per-session sshd process this cell's session ran under */
  sshdSession: { pid: number; name: string } | null;
  /** the user's processes before the sever and when the window closed */
  before: ProcessInfo[];
  after: ProcessInfo[];
  timeline: TimelineEvent[];
  /** how long the harness watched after the sever, and why it stopped */
  window: { watchedMs: number; endedBecause: string };
  /** the unprivileged login user this cell ran as (one per cell: per-user state is shared) */
  user: string;
  /** how the client reached sshd (e.g. "direct": host → container bridge address, no proxy) */
  networkPath: string;
}

export interface TargetFingerprint {
  name: string;
  image: string;
  /** `ssh -V` inside the target (the server's OpenSSH version) */
  openssh: string;
  /** selected lines of the effective `sshd -T` */
  sshdEffective: Record<string, string>;
  /** the ssh unit's KillMode (Debian: process, so restarting sshd keeps sessions) */
  sshKillMode: string;
  logind: Record<string, string>;
  versions: Record<string, string>;
  /** kernel TCP sysctls as seen inside the container's network namespace */
  sysctls: Record<string, string>;
  networkPath: string;
  /** the local client used for every session */
  client: string;
}

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'hangup-lab'; version: string };
  scenario: { file: string; name: string; description: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: TargetFingerprint[];
  /** the axes in scenario order, for rendering the matrix */
  axes: Record<'session' | 'launch' | 'workload' | 'sever', string[]>;
  cells: CellResult[];
}
