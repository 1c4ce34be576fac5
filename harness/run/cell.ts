import { loadStretch, patientMs } from '../core/patience.js';
import { NOT_FATAL_SIGNALS, parseProbeLine, readText, treeChildren, workloadObservations, type ProbeLogEntry } from '../observe/probe-log.js';
import { commandReturned, findSshdMonitor, findSshdSession, parseSnapshot } from '../observe/snapshot.js';
import { afterSessionPlan, findUserManager } from '../observe/user-manager.js';
import { Watcher, type WatchEvent } from '../observe/watcher.js';
import { probeCommand } from '../probe/command.js';
import type { CaughtSignal, Cell, CellOutcome, Check, ClientOutcome, ProcessInfo, TimelineEvent, TreeProcess } from '../results.js';
import { interactiveLoginKind } from '../session/registry.js';
import { monoMs, stripAnsi, TerminalRecording, type ClientEndpoint } from '../session/ssh-client.js';
import { SessionDeclined, type OpenSession } from '../session/types.js';
import type { SeverContext, SeverMethod } from '../sever/types.js';
import type { LaunchContext } from '../launch/types.js';
import { failedOnItsOwn } from '../client/types.js';
import { AGENT } from '../target/container.js';
import type { CellTarget } from '../target/types.js';
import type { Router } from '../target/router.js';
import { DeadlineError } from '../core/deadline.js';
import { startBirthTrace, type StartedBirthTrace } from '../observe/birth-trace.js';
import type { DeathWitness } from '../observe/death-witness.js';
import { explainUnbornProbe, type UnbornVerdict } from '../observe/birth-story.js';
import type { Gate } from './gate.js';
import { planCell, type CellPlan, type WatchWindow } from './plan.js';
import { LoginHealth, NotSetup, SetupFailure, SetupGaveUp, knownCause, normalizeCause, setUp, type SetupSteps } from './setup.js';
import { ClientWaitError } from '../session/ssh-client.js';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { StepRunner, StepStopped, type Step, type StepContext } from './steps.js';
import { describeSender, judge, needsKernelWitness, type Judgement, type Observation } from './verdict.js';
import { caughtSignal, judgeWatch, mattersToWatch, observeWatch, recordWatch, type WatchSetup } from './watch.js';

/**
 * After the session ended, deaths outside the user manager came within 0.6 s in every cell of the
 * default and faults matrices (bash resending SIGHUP, SIGPIPE on the next write, logind stopping the
 * scope under KillUserProcesses); five times that is the settle for them.
 */
export const AFTER_SESSION_SETTLE_MS = 3000;

export interface CellRunContext {
  target: CellTarget;
  /** where the client connects (the target, or the NAT router in front of it) and how */
  endpoint: Omit<ClientEndpoint, 'user' | 'serverAlive'>;
  router: Router | null;
  networkPath: string;
  /** key of the fingerprint of the server this cell runs on */
  server: string;
  /** scenario overrides of the computed window */
  windowOverride?: Partial<WatchWindow>;
  /** keep the local client's terminal session in the result (`recording`) */
  record?: boolean;
  /** told what happens as it happens (`demo`); it only listens: the cell runs the same without it */
  narrate?: (event: NarrationEvent) => void;
  /** the longest the cell may take before it is given up as inconclusive (default: cellBudgetMs) */
  cellTimeoutMs?: number;
  /** logins to this cell's container, a few at a time; held from the login to the probe's start */
  loginGate?: Gate;
  /** whether logins to this cell's server work at all; a systematic fault stops the run (setup.ts) */
  loginHealth?: LoginHealth;
  /** the run stopping (a systematic fault, an interrupt): the cell stops at its next step */
  signal?: AbortSignal;
  /**
   * The kernel's trace of the probes' signals, asked when a probe dies without logging why
   * (observe/death-witness.ts). Without it such a cell is inconclusive.
   */
  witness?: DeathWitness;
  /**
   * A run on a server of the user's own adapts each cell's plan before anything runs: its login
   * user is the user's own, and a cell that needs root or a change there is not-applicable
   * (run/host.ts). Absent: the plan as planCell makes it.
   */
  adaptPlan?: (plan: CellPlan) => CellPlan;
}

/**
 * What a cell run reports while it runs, for a live narration. Times are ms after the sever, as in
 * the result; the events carry what the narration needs so it never has to wait for the verdict.
 */
export type NarrationEvent =
  | { kind: 'session-opened'; session: string; loginUser: string; line: string }
  | { kind: 'probe-started'; probePid: number; before: ProcessInfo[]; sshdSession: { pid: number; name: string } | null }
  | { kind: 'severed'; sever: string; summary: string; layer: string }
  | { kind: 'server-noticed'; atMs: number; pid: number }
  | { kind: 'client-exited'; atMs: number; exitCode: number | null; signal: string | null; lastLine: string | null }
  | { kind: 'signal-caught'; caught: CaughtSignal; sender: string }
  | { kind: 'write-failed'; atMs: number; error: string }
  | { kind: 'user-manager-stopped'; atMs: number; pid: number }
  | { kind: 'probe-died'; atMs: number }
  | { kind: 'window-closed'; watchedMs: number; endedBecause: string; after: ProcessInfo[] };

const PROBE_START_TIMEOUT_MS = 15_000;
/**
 * A session without a shell (exec, exec-tty) has no prompt to wait for: its probe-start wait also
 * covers the login, which a pty session waits for separately (20 s for the prompt).
 */
const LOGIN_TIMEOUT_MS = 20_000;

/**
 * What a cell may take beyond its watch window: the login (≤ 20 s for the prompt), the probe's
 * start (≤ 15 s), two snapshots (≤ 20 s each), the questions after the window (reattach: two
 * logins and a wait, restart: its unit's own bound; ≤ 90 s together) and the cleanup (≤ 20 s),
 * each bounded on its own; this is their sum with room to spare. (Setup retries, setup.ts, come
 * out of the same room: a cell whose every try timed out is past help anyway.)
 */
const CELL_OVERHEAD_MS = 210_000;

/**
 * The backstop over the bounded steps of a cell: nothing a cell waits for is unbounded, but a
 * chain of slow steps must still not hold the run. Past this the cell is inconclusive and the run
 * goes on.
 */
export function cellBudgetMs(window: WatchWindow, stretch = loadStretch()): number {
  // The setup bounds inside the overhead stretch with the load (core/patience.ts), so it does too.
  return window.sessionTimeoutMs + window.afterSessionMs + patientMs(CELL_OVERHEAD_MS, stretch);
}
/** Heartbeats run every 200 ms: after this settle the "before" picture shows a running probe. */
const SETTLE_MS = 600;

class CellAbort extends Error {}

/**
 * Run one cell: open a real session, start the probe, sever, and watch out of band until the
 * outcome is known or the window closes. Never throws: anything that prevents a judgement becomes
 * an inconclusive result with the reason, and a cell that overruns its budget is given up as
 * inconclusive with the step it was stuck at (it winds down on its own; the run goes on).
 */
export async function runCell(cell: Cell, ctx: CellRunContext): Promise<CellOutcome> {
  const plan = ctx.adaptPlan ? ctx.adaptPlan(planCell(cell)) : planCell(cell);
  const window = { ...plan.window, ...ctx.windowOverride };
  const budgetMs = ctx.cellTimeoutMs ?? cellBudgetMs(window);
  const step = { what: 'starting', sinceMono: monoMs() };
  // The cell's own stop: its budget running out, or the run stopping. Every step and every wait of
  // the cell ends at it, so a cell given up does not go on acting on a container after the run
  // has moved on (and, on the run's last cell, removed it).
  const stop = new AbortController();
  const runStopped = () => stop.abort(ctx.signal!.reason);
  ctx.signal?.addEventListener('abort', runStopped, { once: true });
  const work = observeCell(cell, ctx, { plan, window }, what => Object.assign(step, { what, sinceMono: monoMs() }), stop.signal);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>(resolve => (timer = setTimeout(() => resolve(null), budgetMs)));
  try {
    const outcome = await Promise.race([work, expired]);
    if (outcome) return outcome;
    const reason = `the cell did not finish within ${budgetMs / 1000} s: it was stuck for ${((monoMs() - step.sinceMono) / 1000).toFixed(1)} s at "${step.what}"; the run went on without it`;
    stop.abort(new CellAbort(reason));
    // Its own cleanup runs now (bounded steps); wait for it, a bounded while, so that its lease is
    // given back only when it no longer acts on the container.
    const wound = await Promise.race([work, sleepFor(WIND_DOWN_MS).then(() => null)]);
    return { ...(wound ?? emptyResult(cell, plan.loginUser, ctx, plan.sever)), verdict: 'inconclusive', reason };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', runStopped);
  }
}

/** How long a cell given up by its budget may take to clean up before its lease goes back anyway. */
const WIND_DOWN_MS = 30_000;

/** What every step of a cell reads: fixed before the first one begins. */
interface CellScope {
  cell: Cell;
  ctx: CellRunContext;
  plan: CellPlan;
  window: WatchWindow;
  signal: AbortSignal;
  launchCtx: LaunchContext;
  /** what the sever tells while it acts, through its SeverContext; in the result, also when it failed */
  story: SeverStory;
}

interface SeverStory {
  marks: TimelineEvent[];
  checks: Check[];
  /** processes the sever used to send a signal (they may exit before the probe can name them) */
  senders: Map<number, string>;
  pathBrokeMono: number | null;
}

/**
 * The cell's run proper, as named steps (steps.ts): the title of the step in progress is what a
 * cell given up by its budget names, and the teardown of every step that completed runs on every
 * path out, last first: the narration stops, the sever heals, the client is killed, the launch
 * cleans up, the birth trace stops, and the watcher removes what is left of the cell's user.
 */
async function observeCell(
  cell: Cell,
  ctx: CellRunContext,
  { plan, window }: { plan: CellPlan; window: WatchWindow },
  setStep: (step: string) => void,
  signal: AbortSignal,
): Promise<CellOutcome> {
  const base = emptyResult(cell, plan.loginUser, ctx, plan.sever);
  if (plan.supported !== true) return { ...base, verdict: 'not-applicable', reason: plan.supported };
  const story: SeverStory = { marks: [], checks: [], senders: new Map(), pathBrokeMono: null };
  const s: CellScope = { cell, ctx, plan, window, signal, launchCtx: launchContext(cell, ctx, plan), story };
  const recording = ctx.record ? new TerminalRecording() : undefined;
  if (recording) base.recording = recording;
  const steps = new StepRunner({ signal, onTitle: setStep });
  try {
    const watcher = await steps.run(startWatcher(s));
    const birth = await steps.run(startBirthTraceOf(s));
    // Called on every path, as the launch's own undo of whatever it started as root.
    steps.defer(`cleaning up the launch (${cell.launch})`, () => plan.launch.cleanup?.(s.launchCtx));
    const setup = await steps.run(setUpProbe(s, watcher, birth, recording));
    base.setup = { attempts: setup.attempts, failures: setup.failures };
    ctx.narrate?.({ kind: 'session-opened', session: cell.session, loginUser: plan.loginUser, line: setup.line });
    const before = await steps.run(snapshotBefore(s, watcher, setup.startLine));
    Object.assign(base, { before: before.procs, sshdSession: before.sshd ? { pid: before.sshd.pid, name: before.sshd.args } : null });
    Object.assign(base.probe, { pid: Number.isNaN(before.probePid) ? null : before.probePid, cgroup: before.probe?.cgroup ?? null });
    const gone = await goneBeforeSever(s, steps, watcher, setup.open, before, base.probe);
    if (gone) return { ...base, ...gone };
    const probe = before.probe!; // goneBeforeSever answered for a missing one
    ctx.narrate?.({ kind: 'probe-started', probePid: before.probePid, before: before.procs, sshdSession: base.sshdSession });
    const notApplicable = notApplicableAfterStart(plan, before);
    if (notApplicable) return { ...base, verdict: 'not-applicable', reason: notApplicable };

    const armed = await steps.run(armSever(s, watcher, setup.open, before, probe));
    const following = ctx.narrate ? await steps.run(startNarration(s, watcher, setup.open, before, armed, ctx.narrate)) : undefined;
    const appliedMono = await steps.run(applySever(s, armed));
    const watchSetup = watchSetupOf(s, before, armed, appliedMono, probe);
    const watched = await steps.run(watchTheWindow(watcher, watchSetup, armed.fromEvent));
    const watchedMs = Math.round(watched.watchEndMono - armed.t0Mono);
    const afterFromMono = monoMs();
    base.after = await steps.run(snapshotAfter(s, watcher));
    if (following) {
      await following.stop();
      ctx.narrate?.({ kind: 'window-closed', watchedMs, endedBecause: watched.endedBecause, after: base.after });
    }
    const { obs, probeLog, judgement } = await judgeWindow(s, watcher, { probe, armed, watchSetup, watched, after: base.after });
    const client = await clientOutcome(setup.open, armed.t0Mono);
    // Whether a new client of the session's kind still reaches the terminal (mosh): asked while
    // the process holding the session lives, after the verdict is fixed; it never changes it.
    if (setup.open.reachAgain && obs.sessionEndedMs === null && judgement.verdict !== 'inconclusive') {
      const answer = await steps.run(askReachAgain(s, setup.open, armed));
      if (answer) story.checks.push(answer);
    }
    // A keeper on the client side (autossh) says what it did about the sever; never the verdict.
    if (setup.open.keeper && judgement.verdict !== 'inconclusive') story.checks.push(await steps.run(askKeeper(setup.open.keeper, armed)));
    // Questions asked after the verdict is fixed (reattach, restart): they never change it.
    if (plan.launch.afterWindow && obs.probeDeathMs === null && judgement.verdict !== 'inconclusive') {
      const answer = await steps.run(askAfterWindow(s, watcher, before.probePid, armed.t0Mono));
      if (answer) story.checks.push(answer);
    }
    return judgedOutcome(base, s, { probe, startLine: setup.startLine, armed, watched, afterFromMono, obs, judgement, client, probeLog });
  } catch (e) {
    // A step stopped by the cell's stop carries what it threw (the setup's tries travel with it).
    const thrown = e instanceof StepStopped ? e.cause : e;
    base.setup = setupRecord(thrown) ?? base.setup;
    // The session's start showed the question cannot be asked (session/later.ts): observed, not retried.
    if (thrown instanceof SessionDeclined && !signal.aborted) return { ...base, checks: story.checks, verdict: 'not-applicable', reason: thrown.message };
    // A later login's probe that died as the session that started it ended: no later sever to ask about.
    if (thrown instanceof UnbornProbe && plan.session.seversLaterLogin && !signal.aborted) {
      return { ...base, checks: story.checks, verdict: 'not-applicable', reason: `the probe did not outlive the session that started it, so there was nothing for a later login's end to act on: ${thrown.unborn.reason}` };
    }
    // Judged from the kernel's trace: the probe was killed before it could say so itself.
    if (thrown instanceof UnbornProbe && !signal.aborted) {
      const u = thrown.unborn;
      return { ...base, checks: story.checks, verdict: u.verdict, reason: u.reason, signal: u.signal, signalEvidence: u.signalEvidence, signalSender: u.signalSender, deathMs: u.deathMs, timeline: u.timeline };
    }
    return { ...base, checks: story.checks, verdict: 'inconclusive', reason: inconclusiveReason(thrown, signal) };
  } finally {
    await steps.unwind();
  }
}

function launchContext(cell: Cell, ctx: CellRunContext, plan: CellPlan): LaunchContext {
  const probeLog = ctx.target.probeLogPath(plan.cellUser);
  const bin = ctx.target.agentDir ? { bin: `${ctx.target.agentDir}/probe` } : {};
  return {
    cell,
    target: ctx.target,
    loginUser: plan.loginUser,
    cellUser: plan.cellUser,
    unitName: `hl-probe-${cell.id}`,
    probe: probeCommand(plan.cellUser, cell.workload, { ...bin, log: probeLog }),
    probeLog,
  };
}

/** The harness's eyes in the target; its teardown leaves nothing of the cell's user running. */
function startWatcher({ ctx, plan }: CellScope): Step<Watcher> {
  const user = plan.cellUser;
  return {
    title: 'starting the watcher',
    run: () => new Watcher(ctx.target, ctx.target.probeLogPath(user), 900),
    async teardown(watcher) {
      // Leave nothing of this cell running (its target knows what of the user is the cell's).
      try {
        await ctx.target.cleanupUser(user, () => watcher.cleanup(user, monoMs));
      } finally {
        watcher.close();
      }
    },
  };
}

/**
 * A process that may die before its first log line (a backgrounded job of `ssh -tt host 'cmd &'`)
 * has only one witness: the kernel's trace of the cell's own processes (the plug-ins' declared
 * traits decide; observe/birth-trace.ts). It costs nothing for any other cell.
 */
function startBirthTraceOf({ ctx, plan }: CellScope): Step<StartedBirthTrace | null> {
  return {
    title: "starting the kernel trace of the cell's processes",
    run: () => (plan.birthTrace ? startBirthTrace({ target: ctx.target, user: plan.loginUser }) : null),
    teardown: async birth => void (await birth?.stop()),
  };
}

/** The probe's start line, as the watcher read it. */
type LogEvent = Extract<WatchEvent, { e: 'log' }>;

interface ProbeSetUp {
  open: OpenSession;
  /** the launch line typed or sent */
  line: string;
  startLine: LogEvent;
  attempts: number;
  failures: string[];
}

/** The probe's birth was seen only by the kernel's trace, which tells how it died (birth-story.ts). */
class UnbornProbe extends NotSetup {
  constructor(readonly unborn: UnbornVerdict) {
    super(unborn.reason);
  }
}

/**
 * The setup, up to the probe's start: tried again (bounded, recorded) when a try fails on the way
 * there; never once the probe has started (setup.ts). Each part of a try names itself.
 */
function setUpProbe(s: CellScope, watcher: Watcher, birth: StartedBirthTrace | null, recording: TerminalRecording | undefined): Step<ProbeSetUp> {
  const { cell, ctx, plan, signal, launchCtx } = s;
  return {
    title: 'setting up',
    async run({ part }) {
      const line = plan.launch.line({ ...launchCtx, user: cell.user });
      // Set by the try that saw it (an object, so the compiler sees it can change in the closure).
      const seen: { start: LogEvent | null } = { start: null };
      const tries = setupTries(s, watcher, { birth, recording, line, part, started: l => (seen.start = l) });
      const gate = ctx.loginGate ? { gate: ctx.loginGate } : {};
      const done = await setUp<OpenSession>(tries, { ...gate, weight: plan.loginWeight, ...(ctx.loginHealth ? { health: ctx.loginHealth } : {}), signal });
      if (!seen.start) {
        done.session.client.kill('SIGKILL');
        throw new CellAbort("the setup ended without the probe's start (a bug: setUp returned without it)");
      }
      return { open: done.session, line, startLine: seen.start, attempts: done.attempts, failures: done.failures };
    },
    teardown: ({ open }) => void open.client.kill('SIGKILL'),
  };
}

interface TryTools {
  birth: StartedBirthTrace | null;
  recording: TerminalRecording | undefined;
  line: string;
  part: StepContext['part'];
  started(startLine: LogEvent): void;
}

/** One try of the setup, in the parts setup.ts retries; each part names itself for the budget. */
function setupTries(s: CellScope, watcher: Watcher, t: TryTools): SetupSteps<OpenSession> {
  const { cell, ctx, plan, launchCtx } = s;
  let prefix = '';
  // The probe's start is looked for from this try's login on: a session that starts the probe
  // before its own start resolves (a later login: session/later.ts) logged it by then.
  let loginFrom = 0;
  return {
    async prepare(attempt) {
      prefix = attempt > 1 ? `setup try ${attempt}: ` : '';
      try {
        t.part(`${prefix}preparing the login user`);
        await ctx.target.prepareUser(plan.loginUser, { linger: cell.linger === 'on', huponexit: cell.huponexit === 'on' });
        t.part(`${prefix}preparing the launch (${cell.launch})`);
        await plan.launch.prepare?.(launchCtx);
      } catch (e) {
        // A docker exec that did not return in time is the engine being slow, not the cell.
        if (e instanceof DeadlineError) throw new SetupFailure(e.message, 'a docker exec did not return in time');
        throw e;
      }
      t.part(`${prefix}waiting for a login slot on the target`);
    },
    async login() {
      t.part(`${prefix}opening the ${cell.session} session`);
      loginFrom = watcher.all.length;
      try {
        const endpoint = { ...ctx.endpoint, client: cell.client, user: plan.loginUser, serverAlive: cell.serverAlive, ...(t.recording ? { recorder: t.recording } : {}) };
        return await plan.session.start(endpoint, t.line, plan.launch.holdsTerminal, plan.sessionParam);
      } catch (e) {
        if (e instanceof ClientWaitError) throw new SetupFailure(e.message, normalizeCause(e.causeText));
        throw e;
      }
    },
    async probeStarted(open) {
      t.part(`${prefix}waiting for the probe to log its start`);
      t.started(await probeStart(s, watcher, t.birth, open, loginFrom));
    },
    async explain(failure) {
      // A refused login is the one setup failure the client cannot explain; the server's log and
      // the account's state can (seen under load: 3 of 640 cells refused three tries in a row).
      if (!knownCause(failure.causeText)?.refused) return null;
      const u = plan.loginUser;
      const home = u === 'root' ? '/root' : `/home/${u}`;
      const r = await ctx.target.sh(
        `{ id ${u} 2>&1; stat -c '%n %a %U' ${home} ${home}/.ssh ${home}/.ssh/authorized_keys 2>&1; ` +
          `echo "keys: $(grep -c . ${home}/.ssh/authorized_keys 2>&1)"; ${ctx.target.server.loginLog(u, ctx.target.manager.serviceLog)}; } | tr '\\n' '|'`,
        { timeoutMs: 10_000 },
      ).catch(() => null); // a server of the user's own gives no root to read them with
      return r?.stdout.trim() || null;
    },
    async undo(open) {
      // The next try starts from nothing of this one: no client, no session, no process of the
      // user (the watcher's cleanup also ends linger; prepare() sets it again).
      open?.client.kill('SIGKILL');
      await plan.launch.cleanup?.(launchCtx).catch(() => {});
      await ctx.target.cleanupUser(plan.cellUser, () => watcher.cleanup(plan.cellUser, monoMs)).catch(() => {});
    },
  };
}

/**
 * The probe's start line, or why there is none: a setup failure (tried again), or a session that
 * ran and ended before its probe could log anything (an outcome: never tried again).
 */
async function probeStart({ plan, signal }: CellScope, watcher: Watcher, birth: StartedBirthTrace | null, open: OpenSession, from: number): Promise<LogEvent> {
  // A remote command's login is part of its wait, unless an earlier client's command already returned.
  const probeStartMs = patientMs(PROBE_START_TIMEOUT_MS + (plan.session.shell || open.launcher ? 0 : LOGIN_TIMEOUT_MS));
  const isStart = (e: WatchEvent): e is LogEvent => e.e === 'log' && / start /.test(e.line);
  const start = await watcher.until(isStart, monoMs() + probeStartMs, monoMs, from, signal);
  if (start) return start;
  // The client whose command started the probe: the session's own, or an earlier one (later.ts).
  const launcher = open.launcher ?? open.client;
  const gone = await Promise.race([launcher.exited, sleep(0).then(() => null)]);
  const said = launcher.lastLines(2).join(' / ');
  // ssh exits 255 for its own errors (the login failed); any other status is the remote
  // command's: the session ran, and what it started was gone before it could log anything
  // (seen with `ssh -tt host 'cmd &'`). That is the cell's outcome, not a setup failure. Clients
  // whose own failures share a status with remote commands (dbclient, plink: 1) tell by their words.
  const ownFailure = (code: number) => failedOnItsOwn(plan.client, code, stripAnsi(launcher.text));
  if (gone && gone.exitCode !== null && !ownFailure(gone.exitCode)) {
    // A later login is not the launching one: the launcher's login began before it exited.
    const story = birth ? await birth.stop(open.launcher ? { loginBeforeMs: gone.atMono } : {}) : { unavailable: 'no kernel trace was taken for this cell' };
    const unborn = explainUnbornProbe(story, { t0Mono: gone.atMono });
    if (unborn.verdict !== 'inconclusive') throw new UnbornProbe(unborn);
    throw new NotSetup(
      `the probe never logged its start, and the session was already over (client exited ${gone.exitCode}: ${said}): whatever the launch line started did not live long enough to be observed, and the kernel trace cannot tell (${unborn.reason})`,
    );
  }
  if (gone) throw new SetupFailure(`the ssh client exited (${gone.exitCode ?? gone.signal}) before the probe logged its start: ${said}`, normalizeCause(launcher.lastLines(1)[0] ?? ''));
  throw new SetupFailure(`the probe did not start within ${probeStartMs} ms (client printed: ${said})`, `the probe did not start within N ms`);
}

/** The "before" picture and what the watch keeps an eye on in it. */
interface BeforeSever {
  procs: ProcessInfo[];
  probePid: number;
  probe: ProcessInfo | undefined;
  sshd: ProcessInfo | null;
  manager: ProcessInfo | null;
}

function snapshotBefore({ ctx, plan, signal }: CellScope, watcher: Watcher, startLine: LogEvent): Step<BeforeSever> {
  return {
    title: 'taking the snapshot before the sever',
    async run() {
      await sleepFor(SETTLE_MS, undefined, { signal });
      const procs = await snapshot(ctx.target, plan.loginUser, watcher);
      const started = parseProbeLine(startLine.line);
      const probePid = started?.kind === 'start' ? Number(started.fields.pid) : NaN;
      const probe = procs.find(p => p.pid === probePid);
      // The process that holds the session: sshd's per-session one, or the session kind's own
      // (mosh-server, after the bootstrap login ended). Its end is the session's end for the watch.
      const holder = plan.session.heldBy;
      const sshd = holder ? (procs.find(p => p.comm === holder.comm) ?? null) : findSshdSession(procs, plan.loginUser, ctx.target.server);
      const monitor = findSshdMonitor(procs, plan.loginUser, ctx.target.server);
      const manager = findUserManager(procs);
      for (const p of [probe, sshd, monitor, manager]) if (p) watcher.watch(p.pid, p.startTime);
      return { procs, probePid, probe, sshd, manager };
    },
  };
}

/**
 * An exec session whose command returned may already be over: a sever of its connection has
 * nothing to act on. That is a property of the combination, observed, not assumed.
 */
function notApplicableAfterStart(plan: CellPlan, b: BeforeSever): string | null {
  if (!b.sshd && plan.sever.needsLiveSession) {
    return 'the command returned and sshd ended the session before the sever: there was no connection left to sever';
  }
  if (plan.endIsCommandReturn && b.sshd && !commandReturned(b.procs, b.sshd)) return 'the command had not returned, so there was no logout';
  return null;
}

interface ArmedSever {
  severCtx: SeverContext;
  /** the sever's instant: every time in the result is ms after it */
  t0Mono: number;
  /** the watcher's first event after the sever */
  fromEvent: number;
  sessionOver: boolean;
  /** who a signal's sender was when the probe could not read it (it had exited) */
  senderName(pid: number): string | null;
  /** the probe's host pid, for the kernel's witness (found while it runs: after a death it cannot be) */
  probeHostPid: number | { unavailable: string };
}

/**
 * A sever that acts through an agent started ahead (containers/agent/cutter) arms it here, before
 * the sever's clock starts: the agent's start-up (a docker exec) is not the sever's delay. Its
 * teardown heals the sever, also after a failed apply.
 */
function armSever({ cell, ctx, plan, story }: CellScope, watcher: Watcher, open: OpenSession, b: BeforeSever, probe: ProcessInfo): Step<ArmedSever> {
  const { sever, param } = plan;
  return {
    title: `preparing the sever (${cell.sever})`,
    async run() {
      // Before the sever's clock: a /proc scan on this machine, a few ms (a docker inspect once per container).
      const probeHostPid = ctx.witness ? await ctx.witness.locate(ctx.target.id, probe.pid, probe.startTime) : { unavailable: 'this run has no kernel witness' };
      const state: Record<string, unknown> = {};
      await sever.prepare?.({ cell, target: ctx.target, session: open, router: ctx.router, param, state });
      const fromEvent = watcher.all.length;
      // When an exec session ended on its own (its command returned), that moment is the logout:
      // the client's exit marks it exactly, so later deaths are timed from there, not from now.
      const sessionOver = !b.sshd;
      const clientGone = sessionOver ? await Promise.race([open.client.exited, sleep(0).then(() => null)]) : null;
      const t0Mono = clientGone?.atMono ?? monoMs();
      const rel = (mono: number) => Math.round(mono - t0Mono);
      const severCtx: SeverContext = {
        ...{ cell, target: ctx.target, session: open, sshdSession: b.sshd, probe, loginUser: plan.loginUser, param, router: ctx.router, state },
        sinceSever: () => rel(monoMs()),
        mark: event => story.marks.push({ atMs: rel(monoMs()), event }),
        check: c => story.checks.push({ ...c, atMs: rel(monoMs()) }),
        sentBy: (pid, comm) => story.senders.set(pid, comm),
        pathBroke: atMono => {
          story.pathBrokeMono ??= atMono ?? monoMs();
        },
      };
      // A sender that exited before the probe's handler ran (bash resending SIGHUP on its way out,
      // a kill run by the sever) has no /proc entry left to name it; the "before" picture or the
      // sever still does.
      const commBefore = new Map(b.procs.map(p => [p.pid, p.comm]));
      const senderName = (pid: number) => commBefore.get(pid) ?? story.senders.get(pid) ?? null;
      return { severCtx, t0Mono, fromEvent, sessionOver, senderName, probeHostPid };
    },
    teardown: ({ severCtx }) => sever.heal(severCtx),
  };
}

/** Tell the narration what happens as it happens; it only listens (the verdict never reads it). */
function startNarration({ cell, plan }: CellScope, watcher: Watcher, open: OpenSession, b: BeforeSever, a: ArmedSever, say: (e: NarrationEvent) => void): Step<Follower> {
  const rel = (mono: number) => Math.round(mono - a.t0Mono);
  return {
    title: 'starting the narration',
    run() {
      say({ kind: 'severed', sever: cell.sever, summary: plan.sever.summary, layer: plan.sever.layer });
      const following = follow(watcher, a.fromEvent, e => {
        if (e.e === 'gone' && e.pid === b.sshd?.pid) say({ kind: 'server-noticed', atMs: rel(e.t), pid: e.pid });
        else if (e.e === 'gone' && e.pid === b.probePid) say({ kind: 'probe-died', atMs: rel(e.t) });
        else if (e.e === 'gone' && e.pid === b.manager?.pid) say({ kind: 'user-manager-stopped', atMs: rel(e.t), pid: e.pid });
        else if (e.e === 'log') {
          const l = parseProbeLine(e.line);
          const c = l ? caughtSignal(l, a.t0Mono, a.senderName) : null;
          if (c) say({ kind: 'signal-caught', caught: c, sender: describeSender(c, b.probePid) });
          else if (l?.kind === 'out-err' && l.t >= a.t0Mono) say({ kind: 'write-failed', atMs: rel(l.t), error: l.error });
        }
      });
      void open.client.exited.then(x => {
        if (following.live) {
          say({ kind: 'client-exited', atMs: rel(x.atMono), exitCode: x.exitCode, signal: x.signal, lastLine: open.client.lastLines(1)[0] ?? null });
        }
      });
      return following;
    },
    teardown: following => following.stop(),
  };
}

/**
 * A long apply (a nap) must not outlast a stop: the cell goes on to its heal, and the apply's own
 * late steps find the connection already restored (its rejection is nobody's business then).
 */
function applySever({ cell, plan }: CellScope, a: ArmedSever): Step<number> {
  return {
    title: `applying the sever (${cell.sever})`,
    abandonOnStop: true,
    async run() {
      await plan.sever.apply(a.severCtx);
      return monoMs();
    },
  };
}

function watchSetupOf({ plan, ctx, window }: CellScope, b: BeforeSever, a: ArmedSever, appliedMono: number, probe: ProcessInfo): WatchSetup {
  return {
    probePid: b.probePid,
    sshdPid: b.sshd?.pid ?? null,
    managerPid: b.manager?.pid ?? null,
    t0Mono: a.t0Mono,
    appliedMono,
    sessionOver: a.sessionOver,
    sever: { name: plan.sever.name, endsSession: plan.sever.endsSession, settleMs: plan.settleMs },
    ...(plan.session.heldBy ? { holder: plan.session.heldBy.comm } : {}),
    sessionTimeoutMs: window.sessionTimeoutMs,
    afterSessionMs: window.afterSessionMs,
    // The user manager's stop (and KillUserProcesses' stop of the session) is a system event the
    // cell waits for, not what it measures: under load it came after the 15 s allowed and turned
    // killed cells into survivors (load 60). Its bound stretches with the load; the session's own
    // deadline does not.
    managerWaitMs: patientMs(window.afterSessionMs),
    afterSessionSettleMs: ctx.windowOverride?.afterSessionMs ?? AFTER_SESSION_SETTLE_MS,
    // Wait for what could still kill the probe, not for a fixed time (observe/user-manager.ts).
    plan: afterSessionPlan(probe, plan.cell.linger === 'on', ctx.windowOverride?.afterSessionMs !== undefined, {
      killUserProcesses: plan.cell.killUserProcesses,
      sessionCgroup: b.sshd?.cgroup ?? '',
    }),
  };
}

interface WatchEnd {
  endedBecause: string;
  sessionEndMono: number | null;
  watchEndMono: number;
}

/** The live watch: judgeWatch (watch.ts) decides from the events; this only feeds them and waits. */
function watchTheWindow(watcher: Watcher, w: WatchSetup, fromEvent: number): Step<WatchEnd> {
  return {
    title: 'watching for the session and the probe to end',
    async run({ signal }) {
      for (;;) {
        const seen = watcher.all.length;
        const d = judgeWatch(watcher.all.slice(fromEvent, seen), w, monoMs());
        // A watcher that stopped cannot see the deadlines out: nothing after it could be judged.
        if (watcher.isClosed) throw new CellAbort('the watcher inside the target stopped unexpectedly');
        if (d.done) {
          const watchEndMono = monoMs();
          await sleepFor(150, undefined, { signal }); // the log line of a caught signal may trail the death by a poll interval
          return { endedBecause: d.endedBecause, sessionEndMono: d.sessionEndMono, watchEndMono };
        }
        await watcher.until(mattersToWatch, d.untilMono, monoMs, seen, signal);
      }
    },
  };
}

/**
 * The verdict, from the watcher's events and the "after" snapshot, the two witnesses that must
 * agree (verdict.ts); with HANGUP_LAB_RECORD_WATCH set, the watch is recorded for the tests.
 */
async function judgeWindow(
  { cell, plan, ctx }: CellScope,
  watcher: Watcher,
  w: { probe: ProcessInfo; armed: ArmedSever; watchSetup: WatchSetup; watched: WatchEnd; after: ProcessInfo[] },
): Promise<{ obs: Observation; probeLog: ProbeLogEntry[]; judgement: Judgement }> {
  const { obs, probeLog } = observeWatch({
    events: watcher.all,
    fromEvent: w.armed.fromEvent,
    probePid: w.probe.pid,
    t0Mono: w.armed.t0Mono,
    sessionEndMono: w.watched.sessionEndMono,
    watchEndMono: w.watched.watchEndMono,
    probeInAfterSnapshot: w.after.some(p => p.pid === w.probe.pid && p.startTime === w.probe.startTime && p.state !== 'Z'),
    ...probeAfter(w.after, w.probe),
    sessionMustEnd: plan.sever.endsSession,
    ...(plan.session.heldBy ? { sessionHolder: plan.session.heldBy.comm } : {}),
    senderName: w.armed.senderName,
  });
  // A death the probe's log does not explain is judged from the kernel's trace, or not at all.
  if (needsKernelWitness(obs)) {
    const host = w.armed.probeHostPid;
    const deathMono = w.armed.t0Mono + obs.probeDeathMs!;
    // A host pid was found only through the run's witness (armSever), so it is there to ask.
    obs.kernel = typeof host === 'number' ? await ctx.witness!.explain(host, w.armed.t0Mono - 1000, deathMono + 1000) : host;
  }
  const judgement = judge(obs);
  const outcome = { endedBecause: w.watched.endedBecause, sessionEndMono: w.watched.sessionEndMono, obs, verdict: judgement.verdict };
  recordWatch(cell.id, { cell, setup: w.watchSetup, fromEvent: w.armed.fromEvent, probeInAfterSnapshot: obs.probeInAfterSnapshot, watchEndMono: w.watched.watchEndMono, outcome, events: watcher.all });
  return { obs, probeLog, judgement };
}

/** The probe in the "after" snapshot: the same process (pid and start time), not a zombie. */
function probeAfter(after: readonly ProcessInfo[], probe: ProcessInfo): { probeAfter?: ProcessInfo } {
  const p = after.find(a => a.pid === probe.pid && a.startTime === probe.startTime && a.state !== 'Z');
  return p ? { probeAfter: p } : {};
}

function snapshotAfter({ ctx, plan }: CellScope, watcher: Watcher): Step<ProcessInfo[]> {
  return { title: 'taking the snapshot after the window', run: () => snapshot(ctx.target, plan.loginUser, watcher) };
}

/** A question the launch mode asks of a probe that lived (reattach, restart); never the verdict. */
function askAfterWindow(s: CellScope, watcher: Watcher, probePid: number, t0Mono: number): Step<Check | null> {
  const { cell, ctx, plan, signal, launchCtx } = s;
  const launch = plan.launch;
  const atMs = () => Math.round(monoMs() - t0Mono);
  return {
    title: `asking after the window (${launch.name})`,
    async run() {
      const endpoint = { ...ctx.endpoint, client: cell.client, user: plan.loginUser, serverAlive: cell.serverAlive };
      const extra: OpenSession[] = [];
      try {
        const answer = await launch.afterWindow!({
          ...launchCtx,
          probePid,
          openSession: async () => {
            // A login like the cell's own, so through the container's login gate: beside other
            // cells' logins, a reattach login timed out at its prompt under a load average of 48.
            const leave = ctx.loginGate ? await ctx.loginGate.enter(plan.loginWeight, signal) : () => {};
            try {
              const opened = await interactiveLoginKind().start(endpoint, 'true', false);
              extra.push(opened);
              return opened;
            } finally {
              leave();
            }
          },
          waitForLog: async (re, timeoutMs) => {
            const ev = await watcher.until(e => e.e === 'log' && re.test(e.line), monoMs() + timeoutMs, monoMs, watcher.all.length, signal);
            return ev?.e === 'log' ? ev.line : null;
          },
        });
        return answer ? { ...answer, atMs: atMs() } : null;
      } catch (e) {
        return { name: launch.name, ok: null, detail: `could not ask: ${(e as Error).message}`, atMs: atMs() };
      } finally {
        for (const opened of extra) opened.client.kill('SIGKILL');
      }
    },
  };
}

/** How long a second client may take to show the server's echo. */
const REACH_AGAIN_TIMEOUT_MS = 10_000;

/**
 * The question is about the process holding the session, not about the cut: a cut of its flow
 * (drop) is lifted first, or it alone would answer "no". Healing is safe twice; the step's own
 * teardown heals again at the end.
 */
function askReachAgain({ cell, plan }: CellScope, open: OpenSession, a: ArmedSever): Step<Check | null> {
  return {
    title: `asking whether a new ${cell.session} client reaches the terminal`,
    async run() {
      const cut = plan.sever.layer !== 'process';
      if (cut) await plan.sever.heal(a.severCtx);
      const r = await open.reachAgain!(patientMs(REACH_AGAIN_TIMEOUT_MS)).catch((e: Error) => ({ ok: null, detail: `could not ask: ${e.message}` }));
      return { name: 'reach-again', ok: r.ok, detail: cut ? `${r.detail} (asked after the ${cell.sever} was undone)` : r.detail, atMs: Math.round(monoMs() - a.t0Mono) };
    },
  };
}

function askKeeper(keeper: NonNullable<OpenSession['keeper']>, a: ArmedSever): Step<Check> {
  return {
    title: `asking ${keeper.who} what it did after the sever`,
    async run() {
      const r = await keeper.report(a.t0Mono).catch((e: Error) => ({ ok: null, detail: `could not tell: ${e.message}`, atMs: undefined }));
      return { name: keeper.name, ok: r.ok, detail: r.detail, atMs: r.atMs ?? Math.round(monoMs() - a.t0Mono) };
    },
  };
}

interface Judged {
  probe: ProcessInfo;
  startLine: LogEvent;
  armed: ArmedSever;
  watched: WatchEnd;
  /** When the "after" snapshot began (the tree's children forked later are past the window). */
  afterFromMono: number;
  obs: Observation;
  judgement: Judgement;
  client: ClientOutcome;
  probeLog: ProbeLogEntry[];
}

/** The result of a judged cell, with its timeline: every time in ms after the sever. */
function judgedOutcome(base: CellOutcome, { cell, plan, story }: CellScope, j: Judged): CellOutcome {
  const { obs, client, probeLog } = j;
  const t0 = j.armed.t0Mono;
  const rel = (mono: number) => Math.round(mono - t0);
  const pathBrokeMs = story.pathBrokeMono === null ? null : rel(story.pathBrokeMono);
  const writeFailures = probeLog.flatMap(l => (l.kind === 'out-err' && l.t >= t0 ? [{ atMs: rel(l.t), error: l.error }] : []));
  const met = workloadObservations(probeLog, t0, probeAfter(base.after, j.probe).probeAfter);
  const tree = plan.workload.startsChildren ? [treeParent(j, rel(j.startLine.t)), ...treeChildren(probeLog, t0, base.after, j.afterFromMono, j.armed.senderName)] : null;
  const timeline: TimelineEvent[] = [
    { atMs: rel(j.startLine.t), event: 'probe started' },
    { atMs: 0, event: `sever: ${cell.sever}` },
    ...(pathBrokeMs !== null ? [{ atMs: pathBrokeMs, event: 'the network path broke' }] : []),
    ...story.marks,
    ...(obs.sessionEndedMs !== null ? [{ atMs: obs.sessionEndedMs, event: `${obs.sessionHolder ?? 'sshd'} ended the session` }] : []),
    ...(client.exitMs !== null ? [{ atMs: client.exitMs, event: `ssh client exited (${client.exitSignal ?? `code ${client.exitCode}`})` }] : []),
    ...obs.signalsCaught.map(s => ({ atMs: s.atMs, event: `probe caught ${s.signal} from ${describeSender(s, obs.probePid)}` })),
    ...writeFailures.map(w => ({ atMs: w.atMs, event: `probe's stdout write failed: ${w.error}` })),
    ...met.reads.map(r => ({ atMs: r.atMs, event: `probe's read of stdin returned ${readText(r)}` })),
    // A stop before the sever is in the timeline too: a job stopped from its start is the story.
    ...met.stops.filter(s => s.atMs < -1000).map(s => ({ atMs: s.atMs, event: `probe stopped by ${s.signal}` })),
    ...met.stops.flatMap(s => (s.resumedMs === null ? [] : [{ atMs: s.resumedMs, event: `probe continued after ${s.signal}` }])),
    ...(tree ?? []).flatMap(p => (p.role === 'child' && p.endedMs !== null ? [{ atMs: p.endedMs, event: `probe's child ${p.pid} ${p.fate}${p.signal ? ` (${p.signal})` : ''}` }] : [])),
    ...(obs.probeDeathMs !== null ? [{ atMs: obs.probeDeathMs, event: 'probe died' }] : []),
    ...story.checks.map(c => ({ atMs: c.atMs ?? obs.watchedMs, event: `check ${c.name}: ${c.ok === null ? 'unknown' : c.ok ? 'yes' : 'no'} (${c.detail})` })),
  ].sort((a, b) => a.atMs - b.atMs);
  return {
    ...base,
    ...j.judgement,
    deathMs: obs.probeDeathMs,
    sessionEndedMs: obs.sessionEndedMs,
    pathBrokeMs,
    clientEnd: client,
    checks: story.checks,
    probe: {
      ...base.probe,
      stdoutErrors: [...new Set(writeFailures.map(w => w.error))],
      lastHeartbeatMs: obs.lastHeartbeatMs,
      signalsCaught: obs.signalsCaught,
      log: probeLog.filter(l => l.kind !== 'hb').map(l => `${rel(l.t)} ms: ${'text' in l ? `${l.kind} ${l.text}` : describeEntry(l)}`),
      ...met,
      ...(tree ? { tree } : {}),
    },
    timeline,
    window: { watchedMs: obs.watchedMs, endedBecause: j.watched.endedBecause },
  };
}

/** The tree's parent is the probe: its fate is the cell's verdict, said the way a child's is. */
function treeParent({ probe, obs, judgement }: Judged, startedMs: number): TreeProcess {
  const fate = judgement.verdict === 'killed' ? 'killed' : judgement.verdict === 'exited' ? 'exited' : obs.probeDeathMs === null && obs.probeInAfterSnapshot ? 'alive' : 'unknown';
  const sender = judgement.signalSender;
  return {
    pid: probe.pid,
    role: 'parent',
    startedMs,
    endedMs: obs.probeDeathMs,
    fate,
    signal: judgement.signal,
    senderPid: sender?.pid ?? null,
    senderComm: sender?.comm ?? null,
    code: sender?.code ?? null,
    evidence: `the cell's verdict (${judgement.verdict}${judgement.signalEvidence ? `, ${judgement.signalEvidence}` : ''})`,
  };
}

/** The setup's tries as an error carries them (setup.ts), if it came from the setup. */
function setupRecord(e: unknown): CellOutcome['setup'] | null {
  if (e instanceof SetupGaveUp) return { attempts: e.attempts, failures: e.failures };
  const tried = e as { setupAttempts?: number; setupFailures?: string[] };
  return typeof tried?.setupAttempts === 'number' ? { attempts: tried.setupAttempts, failures: tried.setupFailures ?? [] } : null;
}

/**
 * Why a cell that threw could not be judged. A stop says what stopped it (its budget, the run);
 * the cell's own aborts and the setup say what they saw; anything else is the harness's fault and
 * says so, never dressed up as an observation.
 */
function inconclusiveReason(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const why = signal.reason;
    if (why instanceof CellAbort) return why.message;
    return `the run stopped before this cell could be judged: ${why instanceof Error ? why.message : String(why)}`;
  }
  if (e instanceof CellAbort || e instanceof NotSetup || e instanceof SetupGaveUp) return e.message;
  return `harness error: ${(e as Error).message}`;
}

function describeEntry(l: ReturnType<typeof parseProbeLine>): string {
  if (!l) return '';
  switch (l.kind) {
    case 'start':
      return `start ${Object.entries(l.fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    case 'sig':
      return `caught ${l.signal} code=${l.code} sender=${l.senderPid ?? '-'} (${l.senderComm ?? '-'})`;
    case 'out-err':
      return `stdout write failed: ${l.error}`;
    case 'read':
      return `read of stdin returned ${readText(l)}`;
    case 'resumed':
      return `continued after ${l.signal}`;
    case 'spawned':
      return `started child ${l.pid}`;
    case 'reaped':
      return `reaped child ${l.pid}: ${l.signal ? `killed by ${l.signal}` : `exit ${l.exitCode}`}`;
    case 'child':
      return `child ${l.pid}: ${'text' in l.entry ? `${l.entry.kind} ${l.entry.text}` : describeEntry(l.entry)}`;
    case 'hb':
      return `heartbeat ${l.n}`;
    default:
      return `${l.kind} ${l.text}`;
  }
}

/** The user's processes, read by the cell's watcher (no docker exec), else by a docker exec. */
async function snapshot(target: CellTarget, user: string, watcher: Watcher): Promise<ProcessInfo[]> {
  const comm = target.server.rootSessionComm;
  const viaWatcher = await watcher.snapshot(user, monoMs, undefined, comm);
  if (viaWatcher) return viaWatcher;
  const r = await target.exec([`${target.agentDir ?? AGENT}/snapshot`, user, ...(comm ? [comm] : [])]);
  if (r.exitCode !== 0) throw new CellAbort(`snapshot of ${user}'s processes failed: ${r.stderr.trim()}`);
  return parseSnapshot(r.stdout);
}

async function clientOutcome(open: OpenSession, t0: number): Promise<ClientOutcome> {
  const exit = await Promise.race([open.client.exited, sleep(0).then(() => null)]);
  return {
    exitMs: exit ? Math.round(exit.atMono - t0) : null,
    exitCode: exit?.exitCode ?? null,
    exitSignal: exit?.signal ?? null,
    lastLines: open.client.lastLines(3),
  };
}

interface Follower {
  /** false once stopped: later events (the cleanup's kills) are not part of the story */
  readonly live: boolean;
  /** hand over what arrived so far, then stop */
  stop(): Promise<void>;
}

/**
 * Hand each watcher event from index `from` to `on` as it arrives, for a live narration only: the
 * verdict reads the watcher's events itself, after the window, and never depends on this.
 */
function follow(watcher: Watcher, from: number, on: (e: WatchEvent) => void): Follower {
  let next = from;
  let live = true;
  const drain = () => {
    while (live && next < watcher.all.length) on(watcher.all[next++]!);
  };
  // A short deadline so a stop is noticed promptly even when no event comes.
  const loop = (async () => {
    while (live && !watcher.isClosed) {
      await watcher.until(() => true, monoMs() + 200, monoMs, next);
      drain();
    }
  })();
  return {
    get live() {
      return live;
    },
    async stop() {
      if (!live) return;
      drain();
      live = false;
      await loop;
    },
  };
}

/**
 * A probe gone before the sever (or going: a later login's first session ending) is an outcome
 * where it can be judged (a later login not asked; an exec probe killed after its command
 * returned), else the cell cannot be judged (throws). Null: it is there, go on.
 */
async function goneBeforeSever(
  s: CellScope,
  steps: StepRunner,
  watcher: Watcher,
  open: OpenSession,
  b: BeforeSever,
  probeRecord: CellOutcome['probe'],
): Promise<Partial<CellOutcome> | null> {
  if (s.plan.session.seversLaterLogin && (!b.probe || !(await steps.run(firstSessionPlayedOut(s, watcher, b))))) {
    return { verdict: 'not-applicable', reason: goneBeforeLaterLogin(watcher, b.probePid) };
  }
  if (b.probe) return null;
  const early = await steps.run(diedAfterReturn(s, watcher, open, b, probeRecord));
  if (early) return early;
  throw new CellAbort(`the probe (pid ${b.probePid}) was gone before the sever: ${logTail(watcher)}`);
}

/**
 * An exec session's command returned, its session is over, and that return is the cell's t0: the
 * probe may be killed (KillUserProcesses=yes stops the session's scope) before the first snapshot
 * puts a watcher on it. At a load of 10-20 that happened in 2 of 5 runs of a cell the other 3 judged
 * killed, and it was inconclusive ("gone before the sever"). Then the probe's own log, which names
 * the signal it caught after t0 and who sent it, and the snapshot that no longer lists it are the
 * two witnesses; the death time is the signal's (it re-raises at once). Without such a line (a
 * SIGKILL, a line never written) it stays unjudged.
 */
function diedAfterReturn({ plan }: CellScope, watcher: Watcher, open: OpenSession, b: BeforeSever, probeRecord: CellOutcome['probe']): Step<Partial<CellOutcome> | null> {
  return {
    title: 'reading why the probe was gone after its command returned',
    async run({ signal }) {
      const returned = plan.session.shell || b.sshd ? null : await Promise.race([open.client.exited, sleep(0).then(() => null)]);
      if (!returned) return null;
      await sleepFor(150, undefined, { signal }); // a caught signal's line may trail the death by a poll
      const rel = (mono: number) => Math.round(mono - returned.atMono);
      // From a second before t0 on (caughtSignal's own bound): the harness sees the client's exit a
      // little after sshd ended the session, and logind's stop may come in between.
      const c = lastFatalCaught(watcher, returned.atMono);
      if (!c) return null;
      const snapMs = rel(monoMs());
      return {
        verdict: 'killed',
        reason: `${c.signal} from ${describeSender(c, b.probePid)}, caught at ${c.atMs >= 0 ? '+' : ''}${(c.atMs / 1000).toFixed(2)} s (0: its command returned); gone before the first snapshot (its log and that snapshot are the witnesses: no watcher was on it yet)`,
        signal: c.signal,
        signalEvidence: 'caught',
        signalSender: { pid: c.senderPid, comm: c.senderComm, code: c.code },
        deathMs: c.atMs,
        sessionEndedMs: 0,
        probe: { ...probeRecord, signalsCaught: [c] },
        timeline: [
          { atMs: 0, event: 'the command returned: the client exited' },
          { atMs: c.atMs, event: `probe caught ${c.signal} from ${describeSender(c, b.probePid)}` },
          { atMs: snapMs, event: 'the first snapshot no longer lists the probe' },
        ],
      };
    },
  };
}

/**
 * Before a later login is severed, the session that started the probe must have ended in full:
 * with KillUserProcesses=yes, logind stops that session's scope once it is released, and on a
 * loaded machine that came seconds after sshd's exit (CI, stop 24). A death then, inside the
 * window, would read as the later sever's doing. So a probe outside the later login's cgroup is
 * given that stop's time (the settle, stretched by the load) to die first. False: it died.
 */
function firstSessionPlayedOut({ plan }: CellScope, watcher: Watcher, b: BeforeSever): Step<boolean> {
  return {
    title: "waiting for the end of the session that started the probe (KillUserProcesses=yes)",
    async run({ signal }) {
      if (plan.cell.killUserProcesses !== 'yes' || !b.probe || b.probe.cgroup === (b.sshd?.cgroup ?? '')) return true;
      const died = await watcher.until(e => e.e === 'gone' && e.pid === b.probePid, monoMs() + patientMs(AFTER_SESSION_SETTLE_MS), monoMs, 0, signal);
      if (died === null) return true;
      await sleepFor(150, undefined, { signal }); // the watcher reports a death before the log line that said why
      return false;
    },
  };
}

/**
 * A later login's question needs the probe alive when that login is severed; gone before, it did
 * not outlive the session that started it (KillUserProcesses=yes stops that session's scope). Said
 * with the signal it caught there, as the probe's log has it.
 */
function goneBeforeLaterLogin(watcher: Watcher, probePid: number): string {
  const fatal = lastFatalCaught(watcher, 0);
  const how = fatal ? `it caught ${fatal.signal} from ${describeSender(fatal, probePid)}` : `its log ends: ${logTail(watcher)}`;
  return `the probe was gone before the later login was severed: it did not outlive the session that started it (${how})`;
}

/** The last fatal signal the probe's log says it caught (times from t0Mono), or null. */
function lastFatalCaught(watcher: Watcher, t0Mono: number): CaughtSignal | null {
  const caught = watcher.all.flatMap(e => {
    const l = e.e === 'log' ? parseProbeLine(e.line) : null;
    const c = l ? caughtSignal(l, t0Mono, () => null) : null;
    return c && !NOT_FATAL_SIGNALS.includes(c.signal) ? [c] : [];
  });
  return caught.at(-1) ?? null;
}

function logTail(w: Watcher): string {
  return w.all
    .filter(e => e.e === 'log')
    .slice(-3)
    .map(e => (e.e === 'log' ? e.line : ''))
    .join(' / ');
}

function emptyResult(cell: Cell, user: string, ctx: CellRunContext, sever: SeverMethod): CellOutcome {
  return {
    ...cell,
    verdict: 'inconclusive',
    reason: '',
    signal: null,
    signalEvidence: null,
    signalSender: null,
    deathMs: null,
    sessionEndedMs: null,
    clientEnd: null,
    probe: { pid: null, stdoutErrors: [], lastHeartbeatMs: null, signalsCaught: [], cgroup: null, log: [] },
    sshdSession: null,
    before: [],
    after: [],
    timeline: [],
    window: { watchedMs: 0, endedBecause: 'not run' },
    loginUser: user,
    networkPath: ctx.networkPath,
    pathBrokeMs: null,
    severLayer: sever.layer,
    detectors: [...sever.detectors],
    checks: [],
    serverKey: ctx.server,
    setup: { attempts: 0, failures: [] },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
