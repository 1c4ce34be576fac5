// The results contract: results.json is the single source of truth of a run, and every report
// (terminal, Markdown, …) is a pure function of it. Field names are public: users and CI read them.
// Bump schemaVersion on any incompatible change.

import type { ClaimSet } from './claims/judge.js';
import type { FlakyCase, SignalVariesCase } from './expect/flaky.js';
import type { Expectation, ExpectationOutcome } from './expect/judge.js';

export const SCHEMA_VERSION = 5;

export type Workload = 'chatty' | 'quiet';

export type UserKind = 'lab' | 'root';
export type OnOff = 'on' | 'off';
export type YesNo = 'yes' | 'no';

/**
 * A cell is plain JSON of axis values; its id is a hash of them (matrix/cell-id.ts). Every axis has
 * a value in every cell, also when the scenario left it at its default, so a cell is self-describing.
 */
export interface Cell {
  id: string;
  /** hash of the axis values without `rep`: the repetitions of one case share it */
  caseId: string;
  target: string;
  /** who logs in: an unprivileged user of the cell's own (`lab`), or root */
  user: UserKind;
  session: string;
  launch: string;
  workload: Workload;
  /** the sever method, with its parameter if it takes one ("sleep:20", "nat-expiry:10") */
  sever: string;
  /** sshd ClientAliveInterval/ClientAliveCountMax as "I/C", or "off" (interval 0) */
  clientAlive: string;
  /** the ssh client's ServerAliveInterval/ServerAliveCountMax as "I/C", or "off" */
  serverAlive: string;
  /** sshd TCPKeepAlive */
  tcpKeepAlive: YesNo;
  /** kernel TCP sysctls of the target's network namespace: "default" or "tcp_retries2=3,…" */
  kernel: string;
  /** logind KillUserProcesses */
  killUserProcesses: YesNo;
  /** `loginctl enable-linger` for the login user before the session */
  linger: OnOff;
  /** bash `shopt -s huponexit` in the login user's ~/.bashrc */
  huponexit: OnOff;
  /** repetition number (1…N): every case runs `--repeat` times, detection-latency cases at least run.latencyRepeats */
  rep: number;
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
  /** the probe's systemd cgroup when the signal arrived (the unit or scope it was in) */
  cgroup: string | null;
}

/**
 * A yes/no question a plug-in asks after (or during) the cell: can a new session reattach to tmux,
 * does the unit come back after its process is killed, was the session usable after the nap.
 * `ok: null` means the question could not be answered (detail says why).
 */
export interface Check {
  name: string;
  ok: boolean | null;
  detail: string;
  /** ms after the sever when it was answered */
  atMs: number | null;
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
  /**
   * how the signal is known: caught by the probe's handler, inferred (uncatchable SIGKILL), or read
   * from a kernel trace (a probe killed before it could log anything: observe/birth-trace.ts)
   */
  signalEvidence: 'caught' | 'inferred' | 'kernel trace' | null;
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
  /** the account the session logged in as: root, or the cell's own unprivileged user (per-user
   *  state such as user@.service, linger and the tmux socket must not be shared between cells) */
  loginUser: string;
  /** how the client reached sshd (direct to the container, or through a NAT router container) */
  networkPath: string;
  /**
   * ms after the sever when the network path actually broke: 0 for drop/reject/sleep, the moment the
   * NAT router forgot the flow for nat-expiry (observed in its conntrack table), null when the path
   * never broke. Detection latencies are measured from here.
   */
  pathBrokeMs: number | null;
  /** the sever's layer and the detectors that could possibly notice it */
  severLayer: string;
  detectors: string[];
  checks: Check[];
  /** which TargetFingerprint (by key) describes the server this cell ran on */
  server: string;
  /**
   * The setup before the probe logged its start (login, launch line): how many tries it took and
   * why each failed try failed. Setup may be retried (a bounded few times, run/setup.ts); nothing
   * after the probe's start ever is, so a retry never touches a verdict. attempts 1 = no retry;
   * 0 = the cell ended before any setup (not applicable to its combination).
   */
  setup: { attempts: number; failures: string[] };
  /** the scenario's expectations that apply to this cell, judged (expect/judge.ts) */
  expectations: ExpectationOutcome[];
  /**
   * The local client's terminal as the user saw it (output, and what the harness typed), in the
   * event form of asciicast v2 (seconds since the session started, "o" or "i", text); only when the
   * run asked for recordings (`demo`, `run --record`).
   */
  recording?: { width: number; height: number; events: [number, 'o' | 'i', string][] };
  /** where the cell's time went, ms since the run started (for `npm run bench`) */
  timing: {
    startedMs: number;
    /** from waiting for its server to the end of its cleanup */
    durationMs: number;
    /** of durationMs: waiting for a server (container boot or a free slot) */
    serverWaitMs: number;
    /** of durationMs: from the sever to the verdict (the physics: detection, settle windows) */
    watchedMs: number;
  };
}

/** What running one cell yields; the matrix runner adds its timing and expectation outcomes. */
export type CellOutcome = Omit<CellResult, 'expectations' | 'timing'>;

/** A container the run started, and how long it took to be ready (for `npm run bench`). */
export interface ContainerTiming {
  /** the fingerprint key of the server, or "router:<timeout>" */
  server: string;
  /** shared by cells of one server config, own (root, exclusive severs), or the NAT router */
  role: 'shared' | 'own' | 'router';
  /** ms since the run started */
  startedMs: number;
  /** from asking the engine to sshd answering with its banner, configured */
  bootMs: number;
}

export interface TargetFingerprint {
  /** target name plus the server-side axis values: one fingerprint per distinct server */
  key: string;
  name: string;
  config: { clientAlive: string; tcpKeepAlive: YesNo; kernel: string; killUserProcesses: YesNo };
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
  /** every axis with the values the scenario gave it (one value: the axis was fixed), in order */
  axes: Record<AxisName, string[]>;
  /** a user's own sshd_config every target ran with (--sshd-config / sshd.config), else null */
  sshdConfig: { file: string; sha256: string; lines: number; matchBlocks: number } | null;
  /** the source-article claims this run tests (a file of scenarios/claims/), judged by the reports */
  claims?: ClaimSet;
  /** the scenario's expectations; each cell carries their outcomes */
  expectations: Expectation[];
  /** an inconclusive cell fails an expectation (the user asked for strictness) */
  strict: boolean;
  /**
   * How often every case ran at least (`--repeat N`, or the scenario's run.repeat; 1 = once).
   * Detection-latency cases run run.latencyRepeats times when that is more.
   */
  repeat: number;
  /**
   * Derived from `cells` (expect/flaky.ts), recomputed by `merge`: the cases whose repetitions
   * disagree on the verdict. Any of them fails the run (exit 1).
   */
  flaky: FlakyCase[];
  /** derived like `flaky`: cases killed in every repetition, but not by the same signal; not a failure */
  signalVaries: SignalVariesCase[];
  /**
   * The ids of every cell of the whole matrix in run order, also when this result is one shard of
   * it: `merge` orders cells by it and knows when a shard is missing.
   */
  plan: string[];
  /** which part of the plan this result ran (null: all of it); a merged result has null */
  shard: { index: number; count: number } | null;
  containers: ContainerTiming[];
  cells: CellResult[];
}

/** The axes, in the order cells are expanded and rendered. */
export const AXIS_NAMES = [
  'target',
  'user',
  'session',
  'launch',
  'workload',
  'sever',
  'clientAlive',
  'serverAlive',
  'tcpKeepAlive',
  'kernel',
  'killUserProcesses',
  'linger',
  'huponexit',
] as const;
export type AxisName = (typeof AXIS_NAMES)[number];

/** The axes that configure the server (one container per distinct combination). */
export const SERVER_AXES = ['target', 'clientAlive', 'tcpKeepAlive', 'kernel', 'killUserProcesses'] as const satisfies readonly AxisName[];
