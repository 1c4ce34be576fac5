import type { LaunchMode } from '../launch/types.js';
import type { Cell, ProcessInfo } from '../results.js';
import type { OpenSession, SessionKind } from '../session/types.js';
import type { StartedTarget } from '../target/container.js';

export interface SeverContext {
  cell: Cell;
  target: StartedTarget;
  session: OpenSession;
  /** the per-session sshd process (owned by the login user), as found before the sever */
  sshdSession: ProcessInfo | null;
  /** what apply() must remember for heal() (e.g. the exact iptables rules it added) */
  state: Record<string, unknown>;
}

export type Layer = 'process' | 'tcp';

export interface SeverMethod {
  name: string;
  summary: string;
  layer: Layer;
  /** whether the sever acts on a live connection (an exec session that already ended has none) */
  needsLiveSession: boolean;
  /** true, or the reason the sever cannot apply to this combination (→ not-applicable) */
  supports(session: SessionKind, launch: LaunchMode): true | string;
  apply(ctx: SeverContext): Promise<void>;
  /** undo whatever apply() changed; always called, also after a failed apply */
  heal(ctx: SeverContext): Promise<void>;
}

export function defineSeverMethod(m: SeverMethod): SeverMethod {
  return m;
}
