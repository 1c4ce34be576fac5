// The shape of results.json, declared once: the reader validates against these schemas
// (results-file.ts), results.ts derives the TypeScript types from them, and schemas/results.schema.json
// is generated from them (npm run schemas). Field names are public: users and CI read them.
// Bump SCHEMA_VERSION on any incompatible change, and add the upgrade step in results-file.ts.
//
// Objects are not strict: a reader ignores a key it does not know, as it always has; the reader
// returns the file as written, so nothing is dropped on the way through `merge`.

import { z } from 'zod';

export const SCHEMA_VERSION = 7;

/** The axes, in the order cells are expanded and rendered. */
export const AXIS_NAMES = [
  'target',
  'server',
  'client',
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

export const VERDICTS: readonly Verdict[] = ['survived', 'killed', 'exited', 'session-open', 'not-applicable', 'inconclusive'];

const verdict = z.enum(VERDICTS);
const yesNo = z.enum(['yes', 'no']);
const onOff = z.enum(['on', 'off']);
const axisName = z.enum(AXIS_NAMES);

/**
 * A cell is plain JSON of axis values; its id is a hash of them (matrix/cell-id.ts). Every axis has
 * a value in every cell, also when the scenario left it at its default, so a cell is self-describing.
 */
export const cellSchema = z.object({
  id: z.string(),
  /** hash of the axis values without `rep`: the repetitions of one case share it */
  caseId: z.string(),
  target: z.string(),
  /** the SSH server implementation the target runs for this cell (harness/server/) */
  server: z.string(),
  /** the SSH client implementation that opens the session on this machine (harness/client/) */
  client: z.string(),
  /** who logs in: an unprivileged user of the cell's own (`lab`), or root */
  user: z.enum(['lab', 'root']),
  session: z.string(),
  launch: z.string(),
  /** what the probe does while it waits: writes to the session, reads stdin, … (harness/workload/) */
  workload: z.string(),
  /** the sever method, with its parameter if it takes one ("sleep:20", "nat-expiry:10") */
  sever: z.string(),
  /** sshd ClientAliveInterval/ClientAliveCountMax as "I/C", or "off" (interval 0) */
  clientAlive: z.string(),
  /** the ssh client's ServerAliveInterval/ServerAliveCountMax as "I/C", or "off" */
  serverAlive: z.string(),
  /** sshd TCPKeepAlive */
  tcpKeepAlive: yesNo,
  /** kernel TCP sysctls of the target's network namespace: "default" or "tcp_retries2=3,…" */
  kernel: z.string(),
  /** logind KillUserProcesses */
  killUserProcesses: yesNo,
  /** `loginctl enable-linger` for the login user before the session */
  linger: onOff,
  /** bash `shopt -s huponexit` in the login user's ~/.bashrc */
  huponexit: onOff,
  /** repetition number (1…N): every case runs `--repeat` times, detection-latency cases at least run.latencyRepeats */
  rep: z.number(),
});

/** One process as read from /proc inside the target (observe/snapshot). */
export const processInfoSchema = z.object({
  pid: z.number(),
  ppid: z.number(),
  pgid: z.number(),
  sid: z.number(),
  ttyNr: z.number(),
  /** the foreground process group of its terminal (-1 without one; absent in results before it was recorded) */
  tpgid: z.number().optional(),
  state: z.string(),
  startTime: z.string(),
  uid: z.number(),
  comm: z.string(),
  args: z.string(),
  /** systemd cgroup path, relative to the container (e.g. /user.slice/user-1001.slice/session-3.scope) */
  cgroup: z.string(),
  sigIgn: z.string(),
  sigCgt: z.string(),
});

/** A signal the probe caught, as the kernel described it (SA_SIGINFO). */
export const caughtSignalSchema = z.object({
  signal: z.string(),
  /** ms after the sever */
  atMs: z.number(),
  /** siginfo si_code: 0 = SI_USER (kill(2)), 128 = SI_KERNEL (e.g. tty hangup) */
  code: z.number().nullable(),
  senderPid: z.number().nullable(),
  senderComm: z.string().nullable(),
  /** the probe's systemd cgroup when the signal arrived (the unit or scope it was in) */
  cgroup: z.string().nullable(),
});

/** What one read of the probe's stdin returned (workloads that read it). */
export const stdinReadSchema = z.object({
  /** ms after the sever (negative: before it) */
  atMs: z.number(),
  /** bytes read: 0 is end of file; null when the read failed */
  bytes: z.number().nullable(),
  /** the errno's name when the read failed ("EIO": a background job of an orphaned group, or a hung-up terminal) */
  error: z.string().nullable(),
  /** what was read, its first 64 bytes, as text */
  data: z.string().nullable(),
});

/** A job-control stop the probe caught (SIGTSTP, SIGTTIN, SIGTTOU): it then stopped, as by default. */
export const probeStopSchema = z.object({
  signal: z.string(),
  /** ms after the sever (negative: before it) */
  atMs: z.number(),
  code: z.number().nullable(),
  senderPid: z.number().nullable(),
  senderComm: z.string().nullable(),
  /** ms after the sever when it was continued; null: still stopped (or it died stopped) */
  resumedMs: z.number().nullable(),
});

/**
 * One process of the probe's tree (workload tree): the parent (the probe, whose fate is the cell's
 * verdict) or a child it started, each with its own fate as it was observed.
 */
export const treeProcessSchema = z.object({
  pid: z.number(),
  role: z.enum(['parent', 'child']),
  /** ms after the sever when it logged its start (negative: before it); null: it logged none */
  startedMs: z.number().nullable(),
  /** ms after the sever when it ended; null: alive when the window closed, or not known */
  endedMs: z.number().nullable(),
  /** unknown: gone without a line of its own and without a parent to reap it */
  fate: z.enum(['alive', 'exited', 'killed', 'unknown']),
  signal: z.string().nullable(),
  senderPid: z.number().nullable(),
  senderComm: z.string().nullable(),
  code: z.number().nullable(),
  /** how its fate is known: its own log, its parent's wait status, the "after" snapshot, the cell's verdict */
  evidence: z.string(),
});

/**
 * A yes/no question a plug-in asks after (or during) the cell: can a new session reattach to tmux,
 * does the unit come back after its process is killed, was the session usable after the nap.
 * `ok: null` means the question could not be answered (detail says why).
 */
export const checkSchema = z.object({
  name: z.string(),
  ok: z.boolean().nullable(),
  detail: z.string(),
  /** ms after the sever when it was answered */
  atMs: z.number().nullable(),
});

export const timelineEventSchema = z.object({
  /** ms relative to the sever (negative: before it) */
  atMs: z.number(),
  event: z.string(),
});

export const clientOutcomeSchema = z.object({
  /** ms after the sever when the local ssh client exited; null if it was still running */
  exitMs: z.number().nullable(),
  exitCode: z.number().nullable(),
  exitSignal: z.string().nullable(),
  /** the client's last non-empty output lines (e.g. "Connection to … closed.") */
  lastLines: z.array(z.string()),
});

/** Axis name → the values a cell may have to match (any of them). */
export const cellPatternSchema = z.partialRecord(axisName, z.array(z.string()));

/**
 * - met: the verdict (and signal) is one the expectation allows;
 * - failed: the cell was judged and it is not;
 * - unjudged: the cell is inconclusive, so it says nothing either way; fails only under `strict`;
 * - not-applicable: the sever cannot apply to the cell (a broad pattern touched it); never fails.
 */
export const expectationStatusSchema = z.enum(['met', 'failed', 'unjudged', 'not-applicable']);

/** What the scenario's author says a cell's verdict must be (judged by expect/judge.ts). */
export const expectationSchema = z.object({
  /** position in the scenario's `expect:` list, for messages ("expect[2]") */
  index: z.number(),
  where: cellPatternSchema,
  /** any of these verdicts meets the expectation */
  verdict: z.array(verdict),
  /** when set, a killed probe must have been killed by this signal (e.g. "SIGHUP") */
  signal: z.string().nullable(),
  /** the author's reason, shown next to a failure */
  why: z.string(),
});

export const expectationOutcomeSchema = z.object({
  expectation: z.number(),
  status: expectationStatusSchema,
  /** what was expected and what was seen, in words */
  detail: z.string(),
});

export const cellResultSchema = cellSchema.extend({
  verdict,
  /** why: always set for not-applicable / inconclusive / session-open, a short gloss otherwise */
  reason: z.string(),
  /** "SIGHUP" when killed by a signal */
  signal: z.string().nullable(),
  /**
   * how the signal is known: caught by the probe's handler, inferred (uncatchable SIGKILL), or read
   * from a kernel trace (a probe killed before it could log anything: observe/birth-trace.ts)
   */
  signalEvidence: z.enum(['caught', 'inferred', 'kernel trace']).nullable(),
  signalSender: z.object({ pid: z.number().nullable(), comm: z.string().nullable(), code: z.number().nullable() }).nullable(),
  /** ms from the sever to the probe's death; null if it did not die in the window */
  deathMs: z.number().nullable(),
  /** ms from the sever to the end of the per-session sshd process; null if still running */
  sessionEndedMs: z.number().nullable(),
  /** what the local client did after the sever (null: the cell never got that far) */
  clientEnd: clientOutcomeSchema.nullable(),
  probe: z.object({
    pid: z.number().nullable(),
    /** write errors on stdout after the sever (EIO: the terminal was hung up; EPIPE: reader gone) */
    stdoutErrors: z.array(z.string()),
    /** ms after the sever of the last heartbeat seen; shows "alive but stuck" */
    lastHeartbeatMs: z.number().nullable(),
    /** signals the probe caught (the first fatal one killed it; HUP under nohup is ignored) */
    signalsCaught: z.array(caughtSignalSchema),
    cgroup: z.string().nullable(),
    /** the probe's log without heartbeat lines, times relative to the sever */
    log: z.array(z.string()),
    // What the workload met (harness/workload/); absent in results written before they were recorded.
    /** its stdin and stdout as it found them at its start (/dev/pts/N, pipe:[…], /dev/null, a file) */
    stdin: z.string().nullable().optional(),
    stdout: z.string().nullable().optional(),
    /** the file it moved its own stdout and stderr to (workload redirected); null: it did not */
    redirectedTo: z.string().nullable().optional(),
    /** what each read of its stdin returned, over its whole life (workload reads-stdin); a repeated EOF or error once */
    reads: z.array(stdinReadSchema).optional(),
    /** the job-control stops it caught over its whole life (before the sever too) */
    stops: z.array(probeStopSchema).optional(),
    /** its state as ps shows it (STAT) when the window closed: "T" stopped, "S+" …; null when it was gone */
    stateAtEnd: z.string().nullable().optional(),
    /** workload tree: the parent, then every child alive at the sever or started after it, by start */
    tree: z.array(treeProcessSchema).optional(),
  }),
  /** the per-session sshd process this cell's session ran under */
  sshdSession: z.object({ pid: z.number(), name: z.string() }).nullable(),
  /** the user's processes before the sever and when the window closed */
  before: z.array(processInfoSchema),
  after: z.array(processInfoSchema),
  timeline: z.array(timelineEventSchema),
  /** how long the harness watched after the sever, and why it stopped */
  window: z.object({ watchedMs: z.number(), endedBecause: z.string() }),
  /** the account the session logged in as: root, or the cell's own unprivileged user (per-user
   *  state such as user@.service, linger and the tmux socket must not be shared between cells) */
  loginUser: z.string(),
  /** how the client reached sshd (direct to the container, or through a NAT router container) */
  networkPath: z.string(),
  /**
   * ms after the sever when the network path actually broke: 0 for drop/reject/sleep, the moment the
   * NAT router forgot the flow for nat-expiry (observed in its conntrack table), null when the path
   * never broke. Detection latencies are measured from here.
   */
  pathBrokeMs: z.number().nullable(),
  /** the sever's layer and the detectors that could possibly notice it */
  severLayer: z.string(),
  detectors: z.array(z.string()),
  checks: z.array(checkSchema),
  /** which TargetFingerprint (by key) describes the server this cell ran on */
  serverKey: z.string(),
  /**
   * The setup before the probe logged its start (login, launch line): how many tries it took and
   * why each failed try failed. Setup may be retried (a bounded few times, run/setup.ts); nothing
   * after the probe's start ever is, so a retry never touches a verdict. attempts 1 = no retry;
   * 0 = the cell ended before any setup (not applicable to its combination).
   */
  setup: z.object({ attempts: z.number(), failures: z.array(z.string()) }),
  /** the scenario's expectations that apply to this cell, judged (expect/judge.ts) */
  expectations: z.array(expectationOutcomeSchema),
  /**
   * The local client's terminal as the user saw it (output, and what the harness typed), in the
   * event form of asciicast v2 (seconds since the session started, "o" or "i", text); only when the
   * run asked for recordings (`demo`, `run --record`).
   */
  recording: z
    .object({ width: z.number(), height: z.number(), events: z.array(z.tuple([z.number(), z.enum(['o', 'i']), z.string()])) })
    .optional(),
  /** where the cell's time went, ms since the run started (for `npm run bench`) */
  timing: z.object({
    startedMs: z.number(),
    /** from waiting for its server to the end of its cleanup */
    durationMs: z.number(),
    /** of durationMs: waiting for a server (container boot or a free slot) */
    serverWaitMs: z.number(),
    /** of durationMs: from the sever to the verdict (the physics: detection, settle windows) */
    watchedMs: z.number(),
  }),
});

/** A container the run started, and how long it took to be ready (for `npm run bench`). */
export const containerTimingSchema = z.object({
  /** the fingerprint key of the server, or "router:<timeout>" */
  server: z.string(),
  /** shared by cells of one server config, own (root, exclusive severs), or the NAT router */
  role: z.enum(['shared', 'own', 'router']),
  /** ms since the run started */
  startedMs: z.number(),
  /** from asking the engine to sshd answering with its banner, configured */
  bootMs: z.number(),
});

const stringMap = z.record(z.string(), z.string());

export const targetFingerprintSchema = z.object({
  /** target name plus the server-side axis values: one fingerprint per distinct server */
  key: z.string(),
  name: z.string(),
  config: z.object({ clientAlive: z.string(), tcpKeepAlive: yesNo, kernel: z.string(), killUserProcesses: yesNo }),
  image: z.string(),
  /** the server implementation (harness/server/) */
  server: z.string(),
  /** the session manager (harness/target/managers/): systemd, systemd-no-pam, elogind; absent in results from before it was recorded */
  manager: z.string().optional(),
  /** its version as it reports it (OpenSSH: `ssh -V` inside the target) */
  serverVersion: z.string(),
  /** selected lines of the effective `sshd -T` */
  sshdEffective: stringMap,
  /** the ssh unit's KillMode (Debian: process, so restarting sshd keeps sessions), or what the init script stops */
  sshKillMode: z.string(),
  logind: stringMap,
  versions: stringMap,
  /** kernel TCP sysctls as seen inside the container's network namespace */
  sysctls: stringMap,
  networkPath: z.string(),
  /** the local client used for every session */
  client: z.string(),
});

/** What must hold in one cell for it to count as confirming a claim; unset fields are not checked. */
export const confirmsSchema = z.object({
  verdict: z.array(verdict).optional(),
  signal: z.string().optional(),
  /** a regular expression the signal sender's command name must match */
  sender: z.string().optional(),
  /** sshd ended the session (true) or had not when the window closed (false) */
  sessionEnded: z.boolean().optional(),
  /** the local ssh client exited (true) or was still running (false) */
  clientExited: z.boolean().optional(),
  /** the network path broke (true) or never did (false) */
  pathBroke: z.boolean().optional(),
  /** seconds from the path breaking to the client exiting, [min, max] */
  clientNoticedS: z.tuple([z.number(), z.number()]).optional(),
  /** named checks and the answer they must give (reattach, restart, …) */
  checks: z.record(z.string(), z.boolean()).optional(),
  /**
   * A regular expression the probe's STAT, as `ps` shows it when the window closed, must match
   * whole (results.ts, psStat: the state letter, `s` for a session leader, `+` in its terminal's
   * foreground group), e.g. "[SR]\\+". The letter is a sample of one instant: a sleeping program
   * is R while it waits for a CPU, often so on a loaded machine. A probe gone by then does not confirm.
   */
  probeState: z.string().optional(),
  /**
   * A tree's children (workload tree): whether any child alive at the sever or started after it
   * was killed (true) or none was (false, each exited by itself or lived on). A cell whose probe
   * started no children does not confirm either way.
   */
  childrenKilled: z.boolean().optional(),
  /**
   * A regular expression the probe's stdout, as it found it at its start, must match: a terminal
   * (/dev/pts/N), a pipe (pipe:[N]) or a file's path (nohup's ~/nohup.out).
   */
  stdout: z.string().optional(),
  /** whether any write of the probe's stdout failed after the sever (EIO, EPIPE, …) */
  outputFailed: z.boolean().optional(),
});

/** A claim of a source article as an executable check (judged by claims/judge.ts). */
export const claimSchema = z.object({
  id: z.string(),
  /** the article's file name (as the project's sources name it) or its URL */
  article: z.string(),
  /** the claim in our own words */
  claim: z.string(),
  where: cellPatternSchema,
  confirms: confirmsSchema,
  /** what the measurement shows, in our words, shown next to the verdict */
  explain: z.string(),
});

/** A claim the harness cannot test, with the reason: listed, never silently dropped. */
export const untestableClaimSchema = z.object({ article: z.string(), claim: z.string(), why: z.string() });

export const claimSetSchema = z.object({
  article: z.string(),
  title: z.string(),
  claims: z.array(claimSchema),
  untestable: z.array(untestableClaimSchema),
});

/**
 * A case whose repetitions disagree on the verdict. Every verdict counts as itself, inconclusive
 * and not-applicable too: an inconclusive repetition next to a killed one means the harness could
 * not see what it saw the other time (a determinism failure of the harness, or a race in the
 * system), and a not-applicable one is decided either from the axes (then every repetition has it)
 * or from what happened, e.g. the session already over before the sever (then it is a race).
 * A case the scenario declares a race (`races`) is not flaky when every repetition was judged
 * (survived, killed, exited): there the disagreement is the finding, and `rates` says how often.
 */
export const flakyCaseSchema = z.object({
  caseId: z.string(),
  target: z.string(),
  /** how many repetitions had each verdict, the most frequent first; two keys at least */
  verdicts: z.partialRecord(verdict, z.number()),
  /** every repetition of the case, in rep order */
  cellIds: z.array(z.string()),
});

/**
 * A case whose repetitions were all killed, but not all by the same signal (SIGTERM from systemd
 * in one, SIGHUP from the hangup in another): the verdict holds, so the run does not fail, but a
 * reader asking "what kills it" has more than one answer. A killed repetition whose signal is not
 * known counts as "unknown".
 */
export const signalVariesCaseSchema = z.object({
  caseId: z.string(),
  target: z.string(),
  /** how many repetitions died of each signal, the most frequent first; two keys at least */
  signals: z.record(z.string(), z.number()),
  cellIds: z.array(z.string()),
});

/**
 * A case the scenario's author declares to race in the system under test (its `races:`), e.g.
 * logind's linger against the end of the last session: its repetitions may disagree, and that is
 * the finding, read as a rate (`rates`), not as the harness failing to be deterministic.
 */
export const raceSchema = z.object({
  where: cellPatternSchema,
  /** what races, in the author's words; shown next to the case's rate */
  why: z.string(),
});

/**
 * How often a case that ran more than once survived, with its 95 % Wilson score interval. Judged
 * repetitions are the ones that answer "did the probe outlive the connection": survived, killed,
 * exited. Session-open (the connection had not ended), not-applicable and inconclusive ones do not,
 * so they count in `runs` but not in `judged`.
 */
export const rateSchema = z.object({
  caseId: z.string(),
  target: z.string(),
  /** every repetition of the case in the result */
  runs: z.number(),
  /** the repetitions whose verdict is survived, killed or exited */
  judged: z.number(),
  /** of the judged repetitions, the ones that survived */
  survived: z.number(),
  /** the 95 % Wilson score interval of survived / judged, fractions rounded to 3 decimals; null when nothing was judged */
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** the case matches a declaration of the scenario's `races` */
  race: z.boolean(),
  /** every repetition of the case, in rep order */
  cellIds: z.array(z.string()),
});

/**
 * One row of bench's "core-seconds by component": a part of the machine's CPU during the run, summed
 * over every target container (or every engine process) it names.
 */
export const usagePartSchema = z.object({
  /** the row's place in the table, outermost first: ["target containers", "system.slice", "ssh.service"] */
  path: z.array(z.string()),
  coreSeconds: z.number(),
  /** the largest peak of any one cgroup or process summed in this row, bytes; null: not measured */
  peakBytes: z.number().nullable(),
  /**
   * exact: complete counters; sampled: the last value read before the cgroup or process went (a
   * lower bound); remainder: a parent's exact counter minus its listed parts; estimate: arithmetic
   * that assumes something (the row's notes say what)
   */
  how: z.enum(['exact', 'sampled', 'remainder', 'estimate']),
  /** how many cgroups or processes were summed */
  count: z.number(),
});

/** Where the CPU went during a run (bench only: `hangup-lab bench` measures it around the run). */
export const usageSchema = z.object({
  cores: z.number(),
  /** the whole machine's busy CPU during the run (/proc/stat), core-seconds */
  busySeconds: z.number(),
  /** /proc/loadavg when the run ended: 1, 5 and 15 minutes */
  loadAverage: z.array(z.number()),
  /** the rows, in table order; an "other" row holds the rest of the machine's busy time */
  parts: z.array(usagePartSchema),
  /** each target container's own total, as its cgroup accounted it */
  containers: z.array(z.object({ id: z.string(), server: z.string(), role: z.enum(['shared', 'own']), coreSeconds: z.number(), peakBytes: z.number().nullable() })),
  /** where the numbers came from, and what they cannot see */
  notes: z.array(z.string()),
});

/** A whole results.json. */
export const runResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('hangup-lab'), version: z.string() }),
  scenario: z.object({ file: z.string(), name: z.string(), description: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  targets: z.array(targetFingerprintSchema),
  /** the local client implementations the cells used, each with this machine's version line */
  clients: z.record(z.string(), z.string()),
  /** every axis with the values the scenario gave it (one value: the axis was fixed), in order */
  axes: z.record(axisName, z.array(z.string())),
  /** a user's own sshd_config every target ran with (--sshd-config / sshd.config), else null */
  sshdConfig: z.object({ file: z.string(), sha256: z.string(), lines: z.number(), matchBlocks: z.number() }).nullable(),
  /** the source-article claims this run tests (a file of scenarios/claims/), judged by the reports */
  claims: claimSetSchema.optional(),
  /** the scenario's expectations; each cell carries their outcomes */
  expectations: z.array(expectationSchema),
  /** an inconclusive cell fails an expectation (the user asked for strictness) */
  strict: z.boolean(),
  /**
   * How often every case ran at least (`--repeat N`, or the scenario's run.repeat; 1 = once).
   * Detection-latency cases run run.latencyRepeats times when that is more.
   */
  repeat: z.number(),
  /** the scenario's race declarations (`races:`): cases whose repetitions may disagree by nature */
  races: z.array(raceSchema),
  /**
   * Derived from `cells` (results.ts: the determinism check), recomputed by `merge`: the cases
   * whose repetitions disagree on the verdict, except a declared race whose every repetition was
   * judged. Any of them fails the run (exit 1).
   */
  flaky: z.array(flakyCaseSchema),
  /** derived like `flaky`: cases killed in every repetition, but not by the same signal; not a failure */
  signalVaries: z.array(signalVariesCaseSchema),
  /** derived like `flaky`: every case that ran more than once, with how often it survived */
  rates: z.array(rateSchema),
  /**
   * The ids of every cell of the whole matrix in run order, also when this result is one shard of
   * it: `merge` orders cells by it and knows when a shard is missing.
   */
  plan: z.array(z.string()),
  /** which part of the plan this result ran (null: all of it); a merged result has null */
  shard: z.object({ index: z.number(), count: z.number() }).nullable(),
  containers: z.array(containerTimingSchema),
  cells: z.array(cellResultSchema),
  /** written by `bench` only: where the CPU of the run went, by component; absent from a `run` and from older files */
  usage: usageSchema.optional(),
});
