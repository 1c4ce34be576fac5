import { launches } from '../launch/registry.js';
import { parseProbeLine } from '../observe/probe-log.js';
import { commandReturned, findSshdMonitor, findSshdSession, parseSnapshot } from '../observe/snapshot.js';
import { Watcher, type WatchEvent } from '../observe/watcher.js';
import { probeCommand, probeLogPath } from '../probe/command.js';
import type { CaughtSignal, Cell, CellResult, ClientOutcome, ProcessInfo, TimelineEvent } from '../results.js';
import { sessions } from '../session/registry.js';
import { monoMs, type ClientEndpoint } from '../session/ssh-client.js';
import type { OpenSession } from '../session/types.js';
import { severs } from '../sever/registry.js';
import type { SeverContext } from '../sever/types.js';
import { AGENT, type StartedTarget } from '../target/container.js';
import { describeSender, judge } from './verdict.js';

export interface WatchWindow {
  /** how long after the sever to wait for sshd to end the session before calling it session-open */
  sessionTimeoutMs: number;
  /** how long to keep watching after the session ended, for delayed deaths (UserStopDelaySec + margin) */
  afterSessionMs: number;
}

export interface CellRunContext {
  target: StartedTarget;
  endpoint: Omit<ClientEndpoint, 'user'>;
  window: WatchWindow;
  networkPath: string;
}

/** One login user per cell (lowercase, starts with a letter: useradd's rules). */
export function cellUser(cell: Cell): string {
  return `hl${cell.id}`;
}

const PROBE_START_TIMEOUT_MS = 15_000;
/** Heartbeats run every 200 ms: after this settle the "before" picture shows a running probe. */
const SETTLE_MS = 600;

class CellAbort extends Error {}

/**
 * Run one cell: open a real session, start the probe, sever, and watch out of band until the
 * outcome is known or the window closes. Never throws: anything that prevents a judgement becomes
 * an inconclusive result with the reason.
 */
export async function runCell(cell: Cell, ctx: CellRunContext): Promise<CellResult> {
  const user = cellUser(cell);
  const session = sessions.get(cell.session);
  const launch = launches.get(cell.launch);
  const sever = severs.get(cell.sever);
  const base = emptyResult(cell, user, ctx.networkPath);

  const unsupported = sever.supports(session, launch);
  if (unsupported !== true) return { ...base, verdict: 'not-applicable', reason: unsupported };

  const watcher = new Watcher(ctx.target, probeLogPath(user), 600);
  let open: OpenSession | undefined;
  let severCtx: SeverContext | undefined;
  let t0 = NaN;
  const rel = (mono: number) => Math.round(mono - t0);
  try {
    const line = launch.line(probeCommand(user, cell.workload), `hl-probe-${cell.id}`);
    open = await session.start({ ...ctx.endpoint, user }, line, launch.holdsTerminal);
    const started = await watcher.until(
      (e): e is Extract<WatchEvent, { e: 'log' }> => e.e === 'log' && / start /.test(e.line),
      monoMs() + PROBE_START_TIMEOUT_MS,
      monoMs,
    );
    if (!started) throw new CellAbort(`the probe did not start within ${PROBE_START_TIMEOUT_MS} ms (client printed: ${open.client.lastLines(2).join(' / ')})`);
    await sleep(SETTLE_MS);

    const before = await snapshot(ctx.target, user);
    const probeStart = parseProbeLine(started.line);
    const probePid = probeStart?.kind === 'start' ? Number(probeStart.fields.pid) : NaN;
    const probeProc = before.find(p => p.pid === probePid);
    const sshd = findSshdSession(before, user);
    const monitor = findSshdMonitor(before, user);
    for (const p of [probeProc, sshd, monitor]) if (p) watcher.watch(p.pid, p.startTime);
    base.before = before;
    base.sshdSession = sshd ? { pid: sshd.pid, name: sshd.args } : null;
    base.probe.pid = Number.isNaN(probePid) ? null : probePid;
    base.probe.cgroup = probeProc?.cgroup ?? null;
    if (!probeProc) throw new CellAbort(`the probe (pid ${probePid}) was gone before the sever: ${logTail(watcher)}`);

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
    if (!session.remotePty && sever.name === 'logout' && sshd && !commandReturned(before, sshd)) {
      return { ...base, verdict: 'not-applicable', reason: 'the command had not returned, so there was no logout' };
    }

    severCtx = { cell, target: ctx.target, session: open, sshdSession: sshd, state: {} };
    const fromEvent = watcher.all.length;
    // When an exec session ended on its own (its command returned), that moment is the logout:
    // the client's exit marks it exactly, so later deaths are timed from there, not from now.
    const clientGone = sessionOver ? await Promise.race([open.client.exited, sleep(0).then(() => null)]) : null;
    t0 = clientGone?.atMono ?? monoMs();
    await sever.apply(severCtx);

    // Watch: first for the end of the session, then long enough for delayed deaths.
    const probeGone = (e: WatchEvent) => e.e === 'gone' && e.pid === probePid;
    const sshdGone = (e: WatchEvent) => e.e === 'gone' && e.pid === sshd?.pid;
    let endedBecause: string;
    let sessionEndMono: number | null = sessionOver ? t0 : null;
    if (sessionEndMono === null) {
      const ev = await watcher.until(e => sshdGone(e) || probeGone(e), t0 + ctx.window.sessionTimeoutMs, monoMs, fromEvent);
      if (ev && sshdGone(ev)) sessionEndMono = ev.t;
      else if (ev) {
        // The probe died first; still give sshd a moment to finish, so the record shows both.
        const end = await watcher.until(sshdGone, t0 + ctx.window.sessionTimeoutMs, monoMs, fromEvent);
        sessionEndMono = end?.t ?? null;
      }
    }
    if (watcher.all.slice(fromEvent).some(probeGone)) endedBecause = 'the probe died';
    else if (sessionEndMono === null) endedBecause = `sshd had not ended the session within ${ctx.window.sessionTimeoutMs} ms`;
    else {
      const ev = await watcher.until(probeGone, sessionEndMono + ctx.window.afterSessionMs, monoMs, fromEvent);
      endedBecause = ev ? 'the probe died' : `${ctx.window.afterSessionMs} ms passed after the session ended`;
    }
    if (watcher.isClosed) throw new CellAbort('the watcher inside the target stopped unexpectedly');
    const watchedMs = rel(monoMs());
    await sleep(150); // the log line of a caught signal may trail the death by a poll interval

    base.after = await snapshot(ctx.target, user);
    const events = watcher.all;
    const probeLog = events.flatMap(e => (e.e === 'log' ? [parseProbeLine(e.line)] : [])).filter(x => x !== null);
    // A sender that exited before the probe's handler ran (bash resending SIGHUP on its way out)
    // has no /proc entry left to name it; the "before" picture still does.
    const commBefore = new Map(before.map(p => [p.pid, p.comm]));
    const signalsCaught: CaughtSignal[] = probeLog.flatMap(l =>
      l.kind === 'sig' && l.t >= t0 - 1000
        ? [{
            signal: l.signal,
            atMs: rel(l.t),
            code: l.code,
            senderPid: l.senderPid,
            senderComm: l.senderComm ?? (l.senderPid ? commBefore.get(l.senderPid) ?? null : null),
          }]
        : [],
    );
    const deathEv = events.slice(fromEvent).find(probeGone);
    const heartbeats = probeLog.filter(l => l.kind === 'hb');
    const obs = {
      probePid,
      probeInAfterSnapshot: base.after.some(p => p.pid === probePid && p.startTime === probeProc.startTime && p.state !== 'Z'),
      probeDeathMs: deathEv ? rel(deathEv.t) : null,
      signalsCaught,
      exitLogged: probeLog.some(l => l.kind === 'exit'),
      sessionEndedMs: sessionEndMono === null ? null : rel(sessionEndMono),
      lastHeartbeatMs: heartbeats.length ? rel(heartbeats.at(-1)!.t) : null,
      watchedMs,
    };
    const client = await clientOutcome(open, t0);
    const timeline: TimelineEvent[] = [
      { atMs: rel(probeStart!.t), event: 'probe started' },
      { atMs: 0, event: `sever: ${sever.name}` },
      ...(obs.sessionEndedMs !== null ? [{ atMs: obs.sessionEndedMs, event: 'sshd ended the session' }] : []),
      ...(client.exitMs !== null ? [{ atMs: client.exitMs, event: `ssh client exited (${client.exitSignal ?? `code ${client.exitCode}`})` }] : []),
      ...signalsCaught.map(s => ({ atMs: s.atMs, event: `probe caught ${s.signal} from ${describeSender(s, probePid)}` })),
      ...probeLog.flatMap(l => (l.kind === 'out-err' && l.t >= t0 ? [{ atMs: rel(l.t), event: `probe's stdout write failed: ${l.error}` }] : [])),
      ...(obs.probeDeathMs !== null ? [{ atMs: obs.probeDeathMs, event: 'probe died' }] : []),
    ].sort((a, b) => a.atMs - b.atMs);
    return {
      ...base,
      ...judge(obs),
      deathMs: obs.probeDeathMs,
      sessionEndedMs: obs.sessionEndedMs,
      client,
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
    const msg = e instanceof CellAbort ? e.message : `harness error: ${(e as Error).message}`;
    return { ...base, verdict: 'inconclusive', reason: msg };
  } finally {
    if (severCtx) await sever.heal(severCtx).catch(() => {});
    open?.client.kill('SIGKILL');
    watcher.close();
    // Leave nothing of this cell running: its user's processes, session and user manager.
    await ctx.target.sh(`loginctl terminate-user ${user} 2>/dev/null; pkill -KILL -u ${user} 2>/dev/null; true`).catch(() => {});
  }
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

async function snapshot(target: StartedTarget, user: string): Promise<ProcessInfo[]> {
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

function logTail(w: Watcher): string {
  return w.all
    .filter(e => e.e === 'log')
    .slice(-3)
    .map(e => (e.e === 'log' ? e.line : ''))
    .join(' / ');
}

function emptyResult(cell: Cell, user: string, networkPath: string): CellResult {
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
    user,
    networkPath,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
