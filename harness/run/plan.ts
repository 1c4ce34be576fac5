// What a cell needs from its axes and its plug-ins, resolved once and before anything runs: the
// cell run, the schedule and the server pool read the plan instead of each deriving it again, and
// nothing here switches on a plug-in's name: the plug-ins' declared traits decide. Pure, no I/O.
import { launches } from '../launch/registry.js';
import type { LaunchMode } from '../launch/types.js';
import { needsBirthTrace } from '../observe/birth-trace.js';
import type { Cell } from '../results.js';
import { parseAlive, parseKernel } from '../scenario/values.js';
import { resolveSession } from '../session/registry.js';
import type { SessionKind } from '../session/types.js';
import { resolveSever } from '../sever/registry.js';
import type { Detector, SeverMethod, TargetCapability } from '../sever/types.js';
import type { ClientImplementation } from '../client/types.js';
import type { ServerImplementation } from '../server/types.js';
import { implementationsDecline, implementationsOf } from '../target/implementations.js';
import { workloads } from '../workload/registry.js';
import type { WorkloadKind } from '../workload/types.js';

export interface WatchWindow {
  /** how long after the sever to wait for sshd to end the session before calling it session-open */
  sessionTimeoutMs: number;
  /**
   * The longest to keep watching after the session ended, for the one delayed death there is: the
   * user manager stopping UserStopDelaySec (10 s) later. The watch ends earlier when the manager
   * is seen to stop, and after AFTER_SESSION_SETTLE_MS (run/cell.ts) when the probe is not in the
   * manager.
   */
  afterSessionMs: number;
}

export interface CellPlan {
  cell: Cell;
  /** the cell's server and client implementations (its `server` and `client` axes) */
  server: ServerImplementation;
  client: ClientImplementation;
  session: SessionKind;
  launch: LaunchMode;
  workload: WorkloadKind;
  sever: SeverMethod;
  /** the sever's parameter ("sleep:20" → 20), its default when the cell gives none; null for severs without one */
  param: number | null;
  /** the session's parameter ("mosh:5" → 5); null when the value gives none */
  sessionParam: number | null;
  /** true, or why the sever cannot apply to this session and launch mode (→ not-applicable) */
  supported: true | string;
  /** the computed window (a scenario's run.sessionTimeoutMs/afterSessionMs override it in the run) */
  window: WatchWindow;
  /** who can possibly notice the sever (the result lists them next to what actually did) */
  detectors: Detector[];
  /** what the target container must be granted for this cell's sever (least privilege) */
  capabilities: TargetCapability[];
  /** the cell's own unprivileged user (its home holds the probe log, also for root cells) */
  cellUser: string;
  /** who logs in: root, or the cell's own user */
  loginUser: string;
  /** the cell needs a container of its own (see ownContainer below) */
  ownContainer: boolean;
  /** the NAT router the session must go through, for a sever that asks for one; null: the direct path */
  router: { idleTimeoutS: number } | null;
  /** how many of its container's login places the cell's login takes (run/gate.ts) */
  loginWeight: number;
  /** the probe may die before its first log line: the cell gets a kernel trace of its processes */
  birthTrace: boolean;
  /** for a sever that does not end the session: how long after apply() the probe is watched */
  settleMs: number;
  /**
   * The sever is the session's ordinary end and the session has no shell, so that end is its
   * command returning: a cell whose command had not returned by the sever had no logout.
   */
  endIsCommandReturn: boolean;
  /** the session may stay open for the whole window after the sever (a prediction, for the schedule) */
  mayStayOpen: boolean;
  /** the probe's fate waits for the user manager to stop, UserStopDelaySec after the session (a prediction) */
  waitsForUserManager: boolean;
}

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
 * - the server's keepalive (clientAlive) and the client's (serverAlive) each give up after what
 *   their implementation declares (harness/server/, harness/client/: measured per implementation);
 *   TCP keepalive and retransmission limits set in the kernel axis add their own deadlines. The
 *   session gets the longest of these plus a margin before it is called open, plus what the sever
 *   itself needs (the nap, the NAT's idle timeout).
 * - After the session ends, logind's user manager stops UserStopDelaySec (10 s) later: a probe in
 *   it gets that plus a margin as the deadline, and the watch ends when the manager is seen to go.
 */
export function watchWindow(
  cell: Cell,
  sever: SeverMethod,
  param: number | null,
  impl: Pick<CellPlan, 'server' | 'client'>,
  session: { kind: Pick<SessionKind, 'extraWindowMs'>; param: number | null } = { kind: {}, param: null },
): WatchWindow {
  const ca = parseAlive(cell.clientAlive);
  const sa = parseAlive(cell.serverAlive);
  const sysctl = parseKernel(cell.kernel);
  const budgets = [
    secondsToMs((ca && impl.server.keepaliveGivesUpS(ca)) ?? 0),
    sa && impl.client.keepaliveGivesUpS ? secondsToMs(impl.client.keepaliveGivesUpS(sa)) : 0,
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
    sessionTimeoutMs: Math.max(8000, Math.max(...budgets) + 5000) + (sever.extraWindowMs?.(param) ?? 0) + (session.kind.extraWindowMs?.(session.param) ?? 0),
    afterSessionMs: 10_000 + 5000,
  };
}

/**
 * How many of the gate's places a cell's login takes. A client with an aggressive ServerAlive gives
 * up on a server that is silent for (CountMax + 1) × Interval; sshd is silent while PAM and logind
 * start the user's session, which on a loaded machine with other logins in flight took longer than
 * that (measured: "Timeout, server not responding" at the prompt with ServerAlive 1/2, 2/2, 5/2
 * under a load average of 15–19). Such a login waits until it can have the container to itself.
 */
export function loginWeight(cell: Cell, client: ClientImplementation): number {
  const sa = parseAlive(cell.serverAlive);
  return sa && client.keepaliveGivesUpS && client.keepaliveGivesUpS(sa) <= 15 ? Number.POSITIVE_INFINITY : 1;
}

/** A sever that does not end the session and declares no settle time is watched this long. */
const DEFAULT_SETTLE_MS = 2000;

function natTimeoutS(sever: SeverMethod, param: number | null): number {
  if (param === null) throw new Error(`sever ${sever.name} asks for a NAT router but has no parameter for its idle timeout (a bug in its declaration)`);
  return param;
}

/** Everything the run needs to know about a cell before it starts, from its axes and plug-ins. */
export function planCell(cell: Cell): CellPlan {
  const { method: sever, param } = resolveSever(cell.sever);
  const { kind: session, param: sessionParam } = resolveSession(cell.session);
  const launch = launches.get(cell.launch);
  // A later login's logout is a typed exit, whatever started the probe (session/later.ts).
  const endIsCommandReturn = sever.ordinaryEnd === true && !session.shell && session.seversLaterLogin !== true;
  const impl = implementationsOf(cell);
  return {
    cell,
    ...impl,
    session,
    launch,
    workload: workloads.get(cell.workload),
    sever,
    param,
    sessionParam,
    // The session's own table first, then the sever's, then what the server and client implementations can do.
    supported: [session.supports?.(launch) ?? true, sever.supports(session, launch), implementationsDecline(cell, impl) ?? (true as const)].find(s => s !== true) ?? true,
    window: watchWindow(cell, sever, param, impl, { kind: session, param: sessionParam }),
    detectors: [...sever.detectors],
    capabilities: [...(sever.capabilities ?? [])],
    cellUser: cellUser(cell),
    loginUser: loginUser(cell),
    // Root's per-user state (user@0, tmux socket, linger) is one for all root logins, and an
    // exclusive sever (an sshd restart closes the listener) disturbs everyone in the container.
    ownContainer: cell.user === 'root' || sever.exclusive === true,
    // A 'nat' sever's parameter is the router's idle timeout (SeverMethod.path); each such cell
    // gets a router of its own, since the timeout it sets is namespace-wide (issue 12).
    router: sever.path === 'nat' ? { idleTimeoutS: natTimeoutS(sever, param) } : null,
    loginWeight: loginWeight(cell, impl.client),
    birthTrace: needsBirthTrace(session, launch, cell),
    settleMs: sever.settleMs ?? DEFAULT_SETTLE_MS,
    endIsCommandReturn,
    // A process-level sever ends the session at once; a network one may take the whole window, and
    // so may the ordinary end of a command without a terminal (the command returned, but a
    // background job still holds the pipes open: measured session-open for &, disown, nohup and
    // setsid under exec).
    mayStayOpen: sever.layer !== 'process' || (endIsCommandReturn && !session.remotePty),
    // The manager stops UserStopDelaySec after the last session, unless linger keeps it.
    waitsForUserManager: launch.inUserManager === true && cell.linger === 'off',
  };
}
