import { launches } from '../launch/registry.js';
import { parseProbeLine } from '../observe/probe-log.js';
import { commandReturned, findSshdMonitor, findSshdSession, parseSnapshot } from '../observe/snapshot.js';
import { afterSessionPlan, findUserManager } from '../observe/user-manager.js';
import { Watcher, type WatchEvent } from '../observe/watcher.js';
import { probeCommand, probeLogPath } from '../probe/command.js';
import type { CaughtSignal, Cell, CellOutcome, Check, ClientOutcome, ProcessInfo, TimelineEvent } from '../results.js';
import { parseAlive, parseKernel } from '../scenario/values.js';
import { sessions } from '../session/registry.js';
import { monoMs, TerminalRecording, type ClientEndpoint } from '../session/ssh-client.js';
import type { OpenSession } from '../session/types.js';
import { severs } from '../sever/registry.js';
import { parseSeverValue, type SeverContext, type SeverMethod } from '../sever/types.js';
import type { LaunchContext } from '../launch/types.js';
import { AGENT, type StartedTarget } from '../target/container.js';
import type { Router } from '../target/router.js';
import { DeadlineError } from '../core/deadline.js';
import { needsBirthTrace, startBirthTrace, type StartedBirthTrace } from '../observe/birth-trace.js';
import { explainUnbornProbe, type UnbornVerdict } from '../observe/birth-story.js';
import type { Gate } from './gate.js';
import { LoginHealth, NotSetup, SetupFailure, SetupGaveUp, normalizeCause, setUp } from './setup.js';
import { ClientWaitError } from '../session/ssh-client.js';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { describeSender, judge } from './verdict.js';

export interface WatchWindow {
  /** how long after the sever to wait for sshd to end the session before calling it session-open */
  sessionTimeoutMs: number;
  /**
   * The longest to keep watching after the session ended, for the one delayed death there is: the
   * user manager stopping UserStopDelaySec (10 s) later. The watch ends earlier when the manager
   * is seen to stop, and after AFTER_SESSION_SETTLE_MS when the probe is not in the manager.
   */
  afterSessionMs: number;
}

/**
 * After the session ended, deaths outside the user manager came within 0.6 s in every cell of the
 * default and faults matrices (bash resending SIGHUP, SIGPIPE on the next write, logind stopping the
 * scope under KillUserProcesses); five times that is the settle for them.
 */
export const AFTER_SESSION_SETTLE_MS = 3000;
/** Once the user manager has exited, what it killed is dead within a poll or two. */
const AFTER_MANAGER_SETTLE_MS = 1000;

export interface CellRunContext {
  target: StartedTarget;
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

/** One unprivileged user per cell (lowercase, starts with a letter: useradd's rules). */
export function cellUser(cell: Cell): string {
  return `hl${cell.id}`;
}

/** Who logs in: root, or the cell's own user (per-user state must not be shared between cells). */
export function loginUser(cell: Cell): string {
  return cell.user === 'root' ? 'root' : cellUser(cell);
}

const secondsToMs = (s: number) => s * 1000;

/**
 * How long to watch, from the cell's own configuration rather than a guess:
 * - sshd's ClientAlive was measured to take about 2 × (CountMax + 1) × Interval on OpenSSH 9.2
 *   (its loop only probes after a whole idle interval, counted in whole seconds with ">"), and
 *   about (CountMax + 1) × Interval on 8.4 and 10.0; the window takes the longest, 9.2's. The
 *   client's ServerAlive takes about
 *   (CountMax + 1) × Interval; TCP keepalive and retransmission limits set in the kernel axis add
 *   their own deadlines. The session gets the longest of these plus a margin before it is called
 *   open, plus what the sever itself needs (the nap, the NAT's idle timeout).
 * - After the session ends, logind's user manager stops UserStopDelaySec (10 s) later: a probe in
 *   it gets that plus a margin as the deadline, and the watch ends when the manager is seen to go.
 */
export function watchWindow(cell: Cell, sever: SeverMethod, param: number | null): WatchWindow {
  const ca = parseAlive(cell.clientAlive);
  const sa = parseAlive(cell.serverAlive);
  const sysctl = parseKernel(cell.kernel);
  const budgets = [
    ca && ca.countMax > 0 ? secondsToMs(2 * (ca.countMax + 1) * ca.intervalS) : 0,
    sa ? secondsToMs((sa.countMax + 1) * sa.intervalS) : 0,
  ];
  const kaTime = Number(sysctl['net.ipv4.tcp_keepalive_time'] ?? 7200);
  const kaIntvl = Number(sysctl['net.ipv4.tcp_keepalive_intvl'] ?? 75);
  const kaProbes = Number(sysctl['net.ipv4.tcp_keepalive_probes'] ?? 9);
  const kaMs = secondsToMs(kaTime + kaIntvl * kaProbes);
  // Only deadlines a run can afford to wait for count; a 2-hour default is reported as "open".
  if (cell.tcpKeepAlive === 'yes' && kaMs <= 120_000) budgets.push(kaMs);
  const retries2 = sysctl['net.ipv4.tcp_retries2'];
  // Retransmissions back off from a 200 ms minimum RTO, doubling: their sum is the give-up time.
  if (retries2 !== undefined && Number(retries2) <= 9) budgets.push(200 * (2 ** (Number(retries2) + 1) - 1));
  return {
    sessionTimeoutMs: Math.max(8000, Math.max(...budgets) + 5000) + (sever.extraWindowMs?.(param) ?? 0),
    afterSessionMs: 10_000 + 5000,
  };
}

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
export function cellBudgetMs(window: WatchWindow): number {
  return window.sessionTimeoutMs + window.afterSessionMs + CELL_OVERHEAD_MS;
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
  const { name: severName, param: paramText } = parseSeverValue(cell.sever);
  const sever = severs.get(severName);
  const param = sever.param ? (paramText === null ? sever.param.default : Number(paramText)) : null;
  const window = { ...watchWindow(cell, sever, param), ...ctx.windowOverride };
  const budgetMs = ctx.cellTimeoutMs ?? cellBudgetMs(window);
  const step = { what: 'starting', sinceMono: monoMs() };
  // The cell's own stop: its budget running out, or the run stopping. Every step and every wait of
  // the cell ends at it, so a cell given up does not go on acting on a container after the run
  // has moved on (and, on the run's last cell, removed it).
  const stop = new AbortController();
  const runStopped = () => stop.abort(ctx.signal!.reason);
  ctx.signal?.addEventListener('abort', runStopped, { once: true });
  const work = observeCell(cell, ctx, { sever, param, window }, what => Object.assign(step, { what, sinceMono: monoMs() }), stop.signal);
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
    return { ...(wound ?? emptyResult(cell, loginUser(cell), ctx, sever)), verdict: 'inconclusive', reason };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', runStopped);
  }
}

/** How long a cell given up by its budget may take to clean up before its lease goes back anyway. */
const WIND_DOWN_MS = 30_000;

/**
 * How many of the gate's places a cell's login takes. A client with an aggressive ServerAlive gives
 * up on a server that is silent for (CountMax + 1) × Interval; sshd is silent while PAM and logind
 * start the user's session, which on a loaded machine with other logins in flight took longer than
 * that (measured: "Timeout, server not responding" at the prompt with ServerAlive 1/2, 2/2, 5/2
 * under a load average of 15–19). Such a login waits until it can have the container to itself.
 */
export function loginWeight(cell: Cell): number {
  const sa = parseAlive(cell.serverAlive);
  return sa && (sa.countMax + 1) * sa.intervalS <= 15 ? Number.POSITIVE_INFINITY : 1;
}

/** The cell's run proper; `at` names each step as it begins, for the budget's message. */
async function observeCell(
  cell: Cell,
  ctx: CellRunContext,
  { sever, param, window }: { sever: SeverMethod; param: number | null; window: WatchWindow },
  setStep: (step: string) => void,
  signal: AbortSignal,
): Promise<CellOutcome> {
  const user = cellUser(cell);
  const login = loginUser(cell);
  const session = sessions.get(cell.session);
  const launch = launches.get(cell.launch);
  const base = emptyResult(cell, login, ctx, sever);

  const unsupported = sever.supports(session, launch);
  if (unsupported !== true) return { ...base, verdict: 'not-applicable', reason: unsupported };

  // Every step begins here: a cell that was stopped goes no further than the step it was in.
  const at = (what: string) => {
    signal.throwIfAborted();
    setStep(what);
  };
  const until = ((pred: (e: WatchEvent) => boolean, deadlineMono: number, from?: number) =>
    watcher.until(pred, deadlineMono, monoMs, from, signal)) as {
    <T extends WatchEvent>(pred: (e: WatchEvent) => e is T, deadlineMono: number, from?: number): Promise<T | null>;
    (pred: (e: WatchEvent) => boolean, deadlineMono: number, from?: number): Promise<WatchEvent | null>;
  };
  const pause = (ms: number) => sleepFor(ms, undefined, { signal });

  const launchCtx: LaunchContext = {
    cell,
    target: ctx.target,
    loginUser: login,
    cellUser: user,
    unitName: `hl-probe-${cell.id}`,
    probe: probeCommand(user, cell.workload),
  };
  const watcher = new Watcher(ctx.target, probeLogPath(user), 900);
  let open: OpenSession | undefined;
  let severCtx: SeverContext | undefined;
  let t0 = NaN;
  let pathBrokeMono: number | null = null;
  const marks: TimelineEvent[] = [];
  const senders = new Map<number, string>();
  const checks: Check[] = [];
  const rel = (mono: number) => Math.round(mono - t0);
  const recording = ctx.record ? new TerminalRecording() : undefined;
  if (recording) base.recording = recording;
  let following: Follower | undefined;
  let applying: Promise<void> | undefined;
  let birth: StartedBirthTrace | null = null;
  // Set in the setup's closure (an object, so the compiler sees it can change there).
  const witness: { unborn: UnbornVerdict | null } = { unborn: null };
  try {
    // The setup, up to the probe's start: tried again (bounded, recorded) when a try fails on the
    // way there; never once the probe has started (setup.ts).
    const line = launch.line({ ...launchCtx, user: cell.user });
    const isStart = (e: WatchEvent): e is Extract<WatchEvent, { e: 'log' }> => e.e === 'log' && / start /.test(e.line);
    // Set by the probeStarted step (an object, so the compiler sees it can change in the closure).
    const seen: { start: Extract<WatchEvent, { e: 'log' }> | null } = { start: null };
    // A process that may die before its first log line (a backgrounded job of `ssh -tt host
    // 'cmd &'`) has only one witness: the kernel's trace of the cell's own processes (the plug-ins'
    // declared traits decide; observe/birth-trace.ts). It costs nothing for any other cell.
    birth = needsBirthTrace(session, launch) ? await startBirthTrace({ target: ctx.target, user: login }) : null;
    let step = '';
    const done = await setUp<OpenSession>(
      {
        async prepare(attempt) {
          step = attempt > 1 ? `setup try ${attempt}: ` : '';
          try {
            at(`${step}preparing the login user`);
            await ctx.target.prepareUser(login, { linger: cell.linger === 'on', huponexit: cell.huponexit === 'on' });
            at(`${step}preparing the launch (${cell.launch})`);
            await launch.prepare?.(launchCtx);
          } catch (e) {
            // A docker exec that did not return in time is the engine being slow, not the cell.
            if (e instanceof DeadlineError) throw new SetupFailure(e.message, 'a docker exec did not return in time');
            throw e;
          }
          at(`${step}waiting for a login slot on the target`);
        },
        async login() {
          at(`${step}opening the ${cell.session} session`);
          try {
            return await session.start({ ...ctx.endpoint, user: login, serverAlive: cell.serverAlive, ...(recording ? { recorder: recording } : {}) }, line, launch.holdsTerminal);
          } catch (e) {
            if (e instanceof ClientWaitError) throw new SetupFailure(e.message, normalizeCause(e.causeText));
            throw e;
          }
        },
        async probeStarted(s) {
          open = s;
          at(`${step}waiting for the probe to log its start`);
          const from = watcher.all.length;
          const probeStartMs = PROBE_START_TIMEOUT_MS + (session.shell ? 0 : LOGIN_TIMEOUT_MS);
          seen.start = await until(isStart, monoMs() + probeStartMs, from);
          if (seen.start) return;
          const gone = await Promise.race([s.client.exited, sleep(0).then(() => null)]);
          const said = s.client.lastLines(2).join(' / ');
          // ssh exits 255 for its own errors (the login failed); any other status is the remote
          // command's: the session ran, and what it started was gone before it could log anything
          // (seen with `ssh -tt host 'cmd &'`). That is the cell's outcome, not a setup failure.
          if (gone && gone.exitCode !== null && gone.exitCode !== 255) {
            const unborn = explainUnbornProbe(birth ? await birth.stop() : { unavailable: 'no kernel trace was taken for this cell' }, { t0Mono: gone.atMono });
            witness.unborn = unborn;
            if (unborn.verdict !== 'inconclusive') throw new NotSetup(unborn.reason);
            throw new NotSetup(
              `the probe never logged its start, and the session was already over (client exited ${gone.exitCode}: ${said}): whatever the launch line started did not live long enough to be observed, and the kernel trace cannot tell (${unborn.reason})`,
            );
          }
          if (gone) throw new SetupFailure(`the ssh client exited (${gone.exitCode ?? gone.signal}) before the probe logged its start: ${said}`, normalizeCause(s.client.lastLines(1)[0] ?? ''));
          throw new SetupFailure(`the probe did not start within ${probeStartMs} ms (client printed: ${said})`, `the probe did not start within N ms`);
        },
        async undo(s) {
          // The next try starts from nothing of this one: no client, no session, no process of
          // the user (the watcher's cleanup also ends linger; prepare() sets it again).
          s?.client.kill('SIGKILL');
          open = undefined;
          await launch.cleanup?.(launchCtx).catch(() => {});
          await watcher.cleanup(user, monoMs).catch(() => false);
        },
      },
      {
        ...(ctx.loginGate ? { gate: ctx.loginGate } : {}),
        weight: loginWeight(cell),
        ...(ctx.loginHealth ? { health: ctx.loginHealth } : {}),
        signal,
      },
    );
    open = done.session;
    base.setup = { attempts: done.attempts, failures: done.failures };
    ctx.narrate?.({ kind: 'session-opened', session: cell.session, loginUser: login, line });
    const startLine = seen.start;
    if (!startLine) throw new CellAbort("the setup ended without the probe's start (a bug: setUp returned without it)");
    await pause(SETTLE_MS);

    at('taking the snapshot before the sever');
    const before = await snapshot(ctx.target, login, watcher);
    const probeStart = parseProbeLine(startLine.line);
    const probePid = probeStart?.kind === 'start' ? Number(probeStart.fields.pid) : NaN;
    const probeProc = before.find(p => p.pid === probePid);
    const sshd = findSshdSession(before, login);
    const monitor = findSshdMonitor(before, login);
    const manager = findUserManager(before);
    for (const p of [probeProc, sshd, monitor, manager]) if (p) watcher.watch(p.pid, p.startTime);
    base.before = before;
    base.sshdSession = sshd ? { pid: sshd.pid, name: sshd.args } : null;
    base.probe.pid = Number.isNaN(probePid) ? null : probePid;
    base.probe.cgroup = probeProc?.cgroup ?? null;
    if (!probeProc) throw new CellAbort(`the probe (pid ${probePid}) was gone before the sever: ${logTail(watcher)}`);
    ctx.narrate?.({ kind: 'probe-started', probePid, before, sshdSession: base.sshdSession });

    // An exec session whose command returned may already be over: a sever of its connection has
    // nothing to act on. That is a property of the combination, observed, not assumed.
    const sessionOver = !sshd;
    if (sessionOver && sever.needsLiveSession) {
      return {
        ...base,
        verdict: 'not-applicable',
        reason: 'the command returned and sshd ended the session before the sever: there was no connection left to sever',
      };
    }
    if (!session.shell && sever.name === 'logout' && sshd && !commandReturned(before, sshd)) {
      return { ...base, verdict: 'not-applicable', reason: 'the command had not returned, so there was no logout' };
    }

    // A sever that acts through an agent started ahead (containers/agent/cutter) arms it here,
    // before the sever's clock starts: the agent's start-up (a docker exec) is not the sever's delay.
    const severState: Record<string, unknown> = {};
    await sever.prepare?.({ cell, target: ctx.target, session: open, router: ctx.router, param, state: severState });
    const fromEvent = watcher.all.length;
    // A sender that exited before the probe's handler ran (bash resending SIGHUP on its way out, a
    // kill run by the sever) has no /proc entry left to name it; the "before" picture or the sever
    // still does.
    const commBefore = new Map(before.map(p => [p.pid, p.comm]));
    const caught = (l: Extract<NonNullable<ReturnType<typeof parseProbeLine>>, { kind: 'sig' }>): CaughtSignal => ({
      signal: l.signal,
      atMs: rel(l.t),
      code: l.code,
      senderPid: l.senderPid,
      senderComm: l.senderComm ?? (l.senderPid ? commBefore.get(l.senderPid) ?? senders.get(l.senderPid) ?? null : null),
      cgroup: l.cgroup ?? null,
    });
    // When an exec session ended on its own (its command returned), that moment is the logout:
    // the client's exit marks it exactly, so later deaths are timed from there, not from now.
    const clientGone = sessionOver ? await Promise.race([open.client.exited, sleep(0).then(() => null)]) : null;
    t0 = clientGone?.atMono ?? monoMs();
    severCtx = {
      cell,
      target: ctx.target,
      session: open,
      sshdSession: sshd,
      probe: probeProc,
      loginUser: login,
      param,
      router: ctx.router,
      state: severState,
      sinceSever: () => rel(monoMs()),
      mark: event => marks.push({ atMs: rel(monoMs()), event }),
      check: c => checks.push({ ...c, atMs: rel(monoMs()) }),
      sentBy: (pid, comm) => senders.set(pid, comm),
      pathBroke: atMono => {
        pathBrokeMono ??= atMono ?? monoMs();
      },
    };
    if (ctx.narrate) {
      const say = ctx.narrate;
      say({ kind: 'severed', sever: cell.sever, summary: sever.summary, layer: sever.layer });
      following = follow(watcher, fromEvent, e => {
        if (e.e === 'gone' && e.pid === sshd?.pid) say({ kind: 'server-noticed', atMs: rel(e.t), pid: e.pid });
        else if (e.e === 'gone' && e.pid === probePid) say({ kind: 'probe-died', atMs: rel(e.t) });
        else if (e.e === 'gone' && e.pid === manager?.pid) say({ kind: 'user-manager-stopped', atMs: rel(e.t), pid: e.pid });
        else if (e.e === 'log') {
          const l = parseProbeLine(e.line);
          if (l?.kind === 'sig' && l.t >= t0 - 1000) {
            const c = caught(l);
            say({ kind: 'signal-caught', caught: c, sender: describeSender(c, probePid) });
          } else if (l?.kind === 'out-err' && l.t >= t0) say({ kind: 'write-failed', atMs: rel(l.t), error: l.error });
        }
      });
      const client = open.client;
      void client.exited.then(x => {
        if (following?.live) {
          say({ kind: 'client-exited', atMs: rel(x.atMono), exitCode: x.exitCode, signal: x.signal, lastLine: client.lastLines(1)[0] ?? null });
        }
      });
    }
    at(`applying the sever (${cell.sever})`);
    // A long apply (a nap) must not outlast a stop: the cell goes on to its heal, and the apply's
    // own late steps find the connection already restored (its rejection is nobody's business then).
    applying = sever.apply(severCtx);
    applying.catch(() => {});
    await Promise.race([applying, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
    at('watching for the session and the probe to end');

    // Watch: first for the end of the session, then long enough for delayed deaths. A sever that
    // is not meant to end the session (a signal to the probe, an sshd restart) is judged on the
    // probe alone, settleMs after it acted.
    const probeGone = (e: WatchEvent) => e.e === 'gone' && e.pid === probePid;
    const sshdGone = (e: WatchEvent) => e.e === 'gone' && e.pid === sshd?.pid;
    let endedBecause: string;
    let sessionEndMono: number | null = sessionOver ? t0 : null;
    if (!sever.endsSession) {
      const settleMs = sever.settleMs ?? 2000;
      const ev = await until(probeGone, monoMs() + settleMs, fromEvent);
      sessionEndMono ??= watcher.all.slice(fromEvent).find(sshdGone)?.t ?? null;
      endedBecause = ev ? 'the probe died' : `${settleMs} ms passed after the ${sever.name}`;
    } else {
      if (sessionEndMono === null) {
        const ev = await until(e => sshdGone(e) || probeGone(e), t0 + window.sessionTimeoutMs, fromEvent);
        if (ev && sshdGone(ev)) sessionEndMono = ev.t;
        else if (ev) {
          // The probe died first; still give sshd a moment to finish, so the record shows both.
          const end = await until(sshdGone, t0 + window.sessionTimeoutMs, fromEvent);
          sessionEndMono = end?.t ?? null;
        }
      }
      if (watcher.all.slice(fromEvent).some(probeGone)) endedBecause = 'the probe died';
      else if (sessionEndMono === null) endedBecause = `sshd had not ended the session within ${window.sessionTimeoutMs} ms`;
      else {
        // Wait for what could still kill the probe, not for a fixed time (observe/user-manager.ts).
        const plan = afterSessionPlan(probeProc, cell.linger === 'on', ctx.windowOverride?.afterSessionMs !== undefined);
        const managerGone = (e: WatchEvent) => e.e === 'gone' && e.pid === manager?.pid;
        if (plan.kind === 'settle') {
          const wait = ctx.windowOverride?.afterSessionMs ?? AFTER_SESSION_SETTLE_MS;
          const ev = await until(probeGone, sessionEndMono + wait, fromEvent);
          endedBecause = ev ? 'the probe died' : `${wait} ms passed after the session ended (${plan.why})`;
        } else {
          const ev = await until(e => probeGone(e) || managerGone(e), sessionEndMono + window.afterSessionMs, fromEvent);
          if (ev && managerGone(ev)) {
            const died = await until(probeGone, monoMs() + AFTER_MANAGER_SETTLE_MS, fromEvent);
            endedBecause = died ? 'the probe died' : `the user manager (pid ${manager!.pid}) stopped ${rel(ev.t)} ms after the sever and the probe lived on`;
          } else {
            endedBecause = ev ? 'the probe died' : `${window.afterSessionMs} ms passed after the session ended and the user manager had not stopped`;
          }
        }
      }
    }
    if (watcher.isClosed) throw new CellAbort('the watcher inside the target stopped unexpectedly');
    const watchedMs = rel(monoMs());
    await pause(150); // the log line of a caught signal may trail the death by a poll interval

    at('taking the snapshot after the window');
    base.after = await snapshot(ctx.target, login, watcher);
    if (following) {
      await following.stop();
      ctx.narrate?.({ kind: 'window-closed', watchedMs, endedBecause, after: base.after });
    }
    const events = watcher.all;
    const probeLog = events.flatMap(e => (e.e === 'log' ? [parseProbeLine(e.line)] : [])).filter(x => x !== null);
    const signalsCaught: CaughtSignal[] = probeLog.flatMap(l => (l.kind === 'sig' && l.t >= t0 - 1000 ? [caught(l)] : []));
    const deathEv = events.slice(fromEvent).find(probeGone);
    const heartbeats = probeLog.filter(l => l.kind === 'hb');
    const obs = {
      probePid,
      probeInAfterSnapshot: base.after.some(p => p.pid === probePid && p.startTime === probeProc.startTime && p.state !== 'Z'),
      probeDeathMs: deathEv ? rel(deathEv.t) : null,
      signalsCaught,
      exitLogged: probeLog.some(l => l.kind === 'exit'),
      sessionEndedMs: sessionEndMono === null ? null : rel(sessionEndMono),
      sessionMustEnd: sever.endsSession,
      lastHeartbeatMs: heartbeats.length ? rel(heartbeats.at(-1)!.t) : null,
      watchedMs,
    };
    const judgement = judge(obs);
    const client = await clientOutcome(open, t0);

    // Questions asked after the verdict is fixed (reattach, restart): they never change it.
    if (launch.afterWindow && obs.probeDeathMs === null && judgement.verdict !== 'inconclusive') {
      const endpoint = { ...ctx.endpoint, user: login, serverAlive: cell.serverAlive };
      const extra: OpenSession[] = [];
      at(`asking after the window (${launch.name})`);
      try {
        const answer = await launch.afterWindow({
          ...launchCtx,
          probePid,
          openSession: async () => {
            // A login like the cell's own, so through the container's login gate: beside other
            // cells' logins, a reattach login timed out at its prompt under a load average of 48.
            const leave = ctx.loginGate ? await ctx.loginGate.enter(loginWeight(cell), signal) : () => {};
            try {
              const s = await sessions.get('pty').start(endpoint, 'true', false);
              extra.push(s);
              return s;
            } finally {
              leave();
            }
          },
          waitForLog: async (re, timeoutMs) => {
            const from = watcher.all.length;
            const ev = await until(e => e.e === 'log' && re.test(e.line), monoMs() + timeoutMs, from);
            return ev?.e === 'log' ? ev.line : null;
          },
        });
        if (answer) checks.push({ ...answer, atMs: rel(monoMs()) });
      } catch (e) {
        checks.push({ name: launch.name, ok: null, detail: `could not ask: ${(e as Error).message}`, atMs: rel(monoMs()) });
      } finally {
        for (const s of extra) s.client.kill('SIGKILL');
      }
    }

    const pathBrokeMs = pathBrokeMono === null ? null : rel(pathBrokeMono);
    const timeline: TimelineEvent[] = [
      { atMs: rel(probeStart!.t), event: 'probe started' },
      { atMs: 0, event: `sever: ${cell.sever}` },
      ...(pathBrokeMs !== null ? [{ atMs: pathBrokeMs, event: 'the network path broke' }] : []),
      ...marks,
      ...(obs.sessionEndedMs !== null ? [{ atMs: obs.sessionEndedMs, event: 'sshd ended the session' }] : []),
      ...(client.exitMs !== null ? [{ atMs: client.exitMs, event: `ssh client exited (${client.exitSignal ?? `code ${client.exitCode}`})` }] : []),
      ...signalsCaught.map(s => ({ atMs: s.atMs, event: `probe caught ${s.signal} from ${describeSender(s, probePid)}` })),
      ...probeLog.flatMap(l => (l.kind === 'out-err' && l.t >= t0 ? [{ atMs: rel(l.t), event: `probe's stdout write failed: ${l.error}` }] : [])),
      ...(obs.probeDeathMs !== null ? [{ atMs: obs.probeDeathMs, event: 'probe died' }] : []),
      ...checks.map(c => ({ atMs: c.atMs ?? watchedMs, event: `check ${c.name}: ${c.ok === null ? 'unknown' : c.ok ? 'yes' : 'no'} (${c.detail})` })),
    ].sort((a, b) => a.atMs - b.atMs);
    return {
      ...base,
      ...judgement,
      deathMs: obs.probeDeathMs,
      sessionEndedMs: obs.sessionEndedMs,
      pathBrokeMs,
      client,
      checks,
      probe: {
        ...base.probe,
        stdoutErrors: [...new Set(probeLog.flatMap(l => (l.kind === 'out-err' && l.t >= t0 ? [l.error] : [])))],
        lastHeartbeatMs: obs.lastHeartbeatMs,
        signalsCaught,
        log: probeLog.filter(l => l.kind !== 'hb').map(l => `${rel(l.t)} ms: ${'text' in l ? `${l.kind} ${l.text}` : describeEntry(l)}`),
      },
      timeline,
      window: { watchedMs, endedBecause },
    };
  } catch (e) {
    base.setup = setupRecord(e) ?? base.setup;
    // Judged from the kernel's trace: the probe was killed before it could say so itself.
    const u = witness.unborn;
    if (e instanceof NotSetup && u && u.verdict !== 'inconclusive' && !signal.aborted) {
      return { ...base, checks, verdict: u.verdict, reason: u.reason, signal: u.signal, signalEvidence: u.signalEvidence, signalSender: u.signalSender, deathMs: u.deathMs, timeline: u.timeline };
    }
    return { ...base, checks, verdict: 'inconclusive', reason: inconclusiveReason(e, signal) };
  } finally {
    // Not at(): the cleanup runs also, and above all, when the cell was stopped.
    setStep('cleaning up');
    await birth?.stop().catch(() => null);
    await following?.stop();
    if (severCtx) await sever.heal(severCtx).catch(() => {});
    open?.client.kill('SIGKILL');
    await launch.cleanup?.(launchCtx).catch(() => {});
    // Leave nothing of this cell running: its user's processes, session, linger and user manager.
    // Root cells run in a container of their own, removed after them: root is never pkilled.
    // The watcher does it (one docker exec less per cell); if it cannot, a docker exec does.
    const cleaned = await watcher.cleanup(user, monoMs).catch(() => false);
    watcher.close();
    if (!cleaned) {
      await ctx.target
        .sh(`loginctl disable-linger ${user} 2>/dev/null; loginctl terminate-user ${user} 2>/dev/null; pkill -KILL -u ${user} 2>/dev/null; true`)
        .catch(() => {});
    }
  }
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
    case 'hb':
      return `heartbeat ${l.n}`;
    default:
      return `${l.kind} ${l.text}`;
  }
}

/** The user's processes, read by the cell's watcher (no docker exec), else by a docker exec. */
async function snapshot(target: StartedTarget, user: string, watcher: Watcher): Promise<ProcessInfo[]> {
  const viaWatcher = await watcher.snapshot(user, monoMs);
  if (viaWatcher) return viaWatcher;
  const r = await target.exec([`${AGENT}/snapshot`, user]);
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
    client: null,
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
    server: ctx.server,
    setup: { attempts: 0, failures: [] },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
