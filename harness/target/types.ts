import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { YesNo } from '../results.js';
import type { ServerImplementation } from '../server/types.js';
import type { SessionManager } from './managers/types.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** run as this user instead of root */
  user?: string;
  /** bounded by EXEC_TIMEOUT_MS when absent */
  timeoutMs?: number;
}

/**
 * What plug-ins (launch modes, severs, sessions, observers) may ask of a running server. Small on
 * purpose: a test fakes it with a plain object, and the concrete container (container.ts) is free
 * to change how it does each.
 */
export interface Target {
  /** the engine's id of the container (host-side tools find its processes by it) */
  readonly id: string;
  /** the address clients reach the server at: the container's own, no userland proxy between */
  readonly ip: string;
  /** the SSH server implementation it runs (finds the per-session server process, names its knobs) */
  readonly server: ServerImplementation;
  /** the session manager it runs (restarts a service, reads a service's log, says what it lacks) */
  readonly manager: SessionManager;
  /** a command run inside, bounded: rejects with what it ran when it takes too long */
  exec(cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** a shell script run inside as root, bounded like exec */
  sh(script: string, opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** a long-running command inside whose output the caller streams (the watcher, the cutter agent) */
  spawnExec(cmd: string[]): ChildProcessWithoutNullStreams;
  /** where the agent (containers/agent) is on it; absent: AGENT, where the target images install it */
  readonly agentDir?: string;
  /** the user exec and spawnExec run as, when not root (a server of the user's own: their login) */
  readonly runsAs?: string;
  /**
   * How far its CLOCK_MONOTONIC is ahead of this machine's: the agent's times are its own. A
   * container shares this machine's kernel (absent: 0); a server of the user's own does not.
   */
  readonly monoOffsetMs?: number;
}

/**
 * What a cell run asks of its target beyond Target: the container the harness built
 * (container.ts), or a server of the user's own reached with their login (host.ts).
 */
export interface CellTarget extends Target {
  /** the probe's log for the cell's user: where the probe writes and the watcher reads */
  probeLogPath(user: string): string;
  /** the cell's per-user settings (linger, huponexit), before its session */
  prepareUser(user: string, o: { linger: boolean; huponexit: boolean }): Promise<void>;
  /**
   * Leave nothing of the cell's user running. `viaWatcher` asks the cell's watcher to do it the
   * container's way (every process of the user; false: it could not confirm); a target that does
   * not own the user's other processes never calls it.
   */
  cleanupUser(user: string, viaWatcher: () => Promise<boolean>): Promise<void>;
}

/** The server-side axis values of a cell: everything that needs a container of its own. */
export interface ServerConfig {
  /** the server implementation (the cell's `server` axis) */
  server: string;
  clientAlive: string;
  tcpKeepAlive: YesNo;
  kernel: string;
  killUserProcesses: YesNo;
}
