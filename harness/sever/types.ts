import type { LaunchMode } from '../launch/types.js';
import type { Cell, Check, ProcessInfo } from '../results.js';
import type { OpenSession, SessionKind } from '../session/types.js';
import type { Target } from '../target/types.js';
import type { Router } from '../target/router.js';
import type { OnOwnHost } from '../core/own-host.js';

export interface SeverContext {
  cell: Cell;
  target: Target;
  session: OpenSession;
  /** the per-session sshd process, as found before the sever (null: the session had already ended) */
  sshdSession: ProcessInfo | null;
  /** the probe process, as found before the sever */
  probe: ProcessInfo;
  /** the login user of the session under test ("root" or the cell's own user) */
  loginUser: string;
  /** the sever's parameter ("sleep:20" → 20), or its default; null for severs without one */
  param: number | null;
  /** the NAT router on this cell's path, when the sever asked for one (`path: 'nat'`) */
  router: Router | null;
  /** what apply() must remember for heal() (e.g. the exact iptables rules it added) */
  state: Record<string, unknown>;
  /** ms since the sever (monotonic), for checks and timeline events */
  sinceSever(): number;
  /** record a timeline event at the current moment (e.g. "client resumed") */
  mark(event: string): void;
  /** record the answer to a question the sever asks (e.g. was the session usable after the nap) */
  check(c: Omit<Check, 'atMs'>): void;
  /** name a process the sever used to send a signal (it may exit before the probe can name it) */
  sentBy(pid: number, comm: string): void;
  /**
   * Record that the network path broke, now or at `atMono` (monotonic ms, e.g. read in the target
   * right after the rules went in). Detection latencies are measured from here; the first call wins.
   */
  pathBroke(atMono?: number): void;
}

/** What a sever may use to arm itself before the sever's clock starts (see SeverMethod.prepare). */
export type SeverPrepareContext = Pick<SeverContext, 'cell' | 'target' | 'session' | 'router' | 'param' | 'state'>;

/** The capabilities a sever may ask for: the list is short on purpose (docs/your-machine.md, least privilege). */
export type TargetCapability = 'NET_ADMIN';

/** Where the sever acts: on processes, on the TCP connection, or in a middlebox on the path. */
export type Layer = 'process' | 'tcp' | 'middlebox';

/** Who can possibly notice a sever (the report lists them next to what actually did). */
export type Detector =
  /** the peer's socket closes at once (FIN or RST): both sides know immediately */
  | 'close'
  /** sshd's ClientAliveInterval/ClientAliveCountMax probes */
  | 'sshd-clientalive'
  /** the client's ServerAliveInterval/ServerAliveCountMax probes */
  | 'client-serveralive'
  /** kernel TCP keepalive (sshd TCPKeepAlive + tcp_keepalive_* sysctls) */
  | 'tcp-keepalive'
  /** the next write: unacknowledged data times out (tcp_retries2), a reset fails it at once, or a
   *  write to a closed terminal/pipe fails (EIO/SIGPIPE) */
  | 'write'
  /** nothing on the connection: the sever acts on processes directly */
  | 'signal';

export interface SeverParam {
  /** what the number means, for help and errors ("seconds asleep") */
  meaning: string;
  default: number;
  min: number;
  max: number;
}

export interface SeverMethod {
  name: string;
  summary: string;
  layer: Layer;
  detectors: Detector[];
  /** an optional number after a colon in the scenario ("sleep:20") */
  param?: SeverParam;
  /** whether the sever acts on a live connection (an exec session that already ended has none) */
  needsLiveSession: boolean;
  /**
   * Whether the sever is meant to end the session. If not (a signal sent to the probe, an sshd
   * restart), the verdict does not wait for sshd: it judges the probe after `settleMs`.
   */
  endsSession: boolean;
  /** for severs that do not end the session: how long after apply() to watch the probe */
  settleMs?: number;
  /** the cell needs a container of its own (the sever disturbs everything else in it) */
  exclusive?: boolean;
  /**
   * Capabilities the target container needs beyond the default set for this sever to act (iptables
   * rules need NET_ADMIN); a container gets them only when one of its cells uses such a sever.
   */
  capabilities?: readonly TargetCapability[];
  /**
   * The network path the session must take; 'nat': through a NAT router container of the cell's
   * own, whose idle timeout is the sever's parameter (run/plan.ts).
   */
  path?: 'direct' | 'nat';
  /**
   * The sever is the session's ordinary end, done by the session itself rather than to it: `exit`
   * typed in a shell or, in a session without a shell, its command returning, which may have come
   * before the sever or not at all (the run judges only a cell whose command had returned). Without
   * a terminal such an end may leave the session open: a background job still holds its pipes.
   */
  ordinaryEnd?: boolean;
  /**
   * The sever breaks the network path without telling either end: only a keepalive or a write can
   * notice, so the reports measure how long each side took (the latency table, the demo's keepalive
   * arithmetic). What else they need to read such a break is declared here.
   */
  silentBreak?: {
    /** the ssh client is frozen meanwhile: it notices nothing until it wakes, `param` seconds later */
    freezesClient?: boolean;
    /** traffic can keep the path from ever breaking (keepalives refreshing a NAT's idle timer) */
    keptAliveByTraffic?: boolean;
    /** a reset answers the next packet: whichever side sends next notices at once */
    resets?: boolean;
  };
  /** the signal the sever sends the probe from another session of its user, with kill(1) */
  sendsSignal?: 'SIGHUP' | 'SIGTERM';
  /** the sever restarts the server's sshd while the session is open (whether the session's processes outlive it is the question) */
  restartsSshd?: boolean;
  /** whether it runs on a server of the user's own (`run --host`: no root there), and what it needs */
  onOwnHost?: OnOwnHost;
  /** extra watch time this sever needs beyond the keepalive budget (e.g. the nap, the NAT timeout) */
  extraWindowMs?(param: number | null): number;
  /** true, or the reason the sever cannot apply to this combination (→ not-applicable) */
  supports(session: SessionKind, launch: LaunchMode): true | string;
  /**
   * Called after the "before" snapshot and before the sever's clock starts: start whatever must be
   * running for the fault to take effect at the instant apply() is called (a cutter agent waiting
   * for "go", containers/agent/cutter). Nothing here may change what the session sees: a fault
   * takes effect in apply(), never before. Whatever it starts goes in `state`, for apply and heal.
   */
  prepare?(ctx: SeverPrepareContext): Promise<void>;
  /** may take time (a nap): events that happen meanwhile are recorded by the watcher regardless */
  apply(ctx: SeverContext): Promise<void>;
  /** undo whatever apply() changed; always called, also after a failed apply */
  heal(ctx: SeverContext): Promise<void>;
}

export function defineSeverMethod(m: SeverMethod): SeverMethod {
  return m;
}

/** Split "sleep:20" into the method name and its parameter text. */
export function parseSeverValue(value: string): { name: string; param: string | null } {
  const i = value.indexOf(':');
  return i < 0 ? { name: value, param: null } : { name: value.slice(0, i), param: value.slice(i + 1) };
}
