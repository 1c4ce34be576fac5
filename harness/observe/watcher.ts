import readline from 'node:readline';
import type { Target } from '../target/types.js';
import { AGENT } from '../target/container.js';
import type { ProcessInfo } from '../results.js';
import { normalizeProcess } from './snapshot.js';

export type WatchEvent =
  | { t: number; e: 'gone'; pid: number; how: string }
  | { t: number; e: 'log'; line: string }
  | { t: number; e: 'watching'; pid: number }
  | { t: number; e: 'tick' }
  | { t: number; e: 'snap'; id: string; p: ProcessInfo }
  | { t: number; e: 'done'; id: string; ok: 0 | 1 };

/**
 * The harness's eyes inside the target: a `docker exec` running containers/agent/watch, which
 * streams process deaths and the probe's log with monotonic timestamps (the container shares the
 * host's monotonic clock, so they compare directly with the harness's own times).
 */
export class Watcher {
  private readonly events: WatchEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private readonly proc;

  constructor(target: Target, logFile: string, maxSeconds: number) {
    this.proc = target.spawnExec([`${target.agentDir ?? AGENT}/watch`, logFile, String(maxSeconds)]);
    this.proc.stderr.resume();
    // Writing to a watcher whose docker exec has ended (its container removed under a cell that
    // was given up) is an EPIPE on this stream: without a listener it would crash the whole run.
    this.proc.stdin.on('error', () => {});
    const offset = target.monoOffsetMs ?? 0;
    readline.createInterface({ input: this.proc.stdout }).on('line', l => {
      try {
        this.events.push(onLocalClock(JSON.parse(l) as WatchEvent, offset));
      } catch {
        return;
      }
      this.notify();
    });
    this.proc.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  get all(): readonly WatchEvent[] {
    return this.events;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  watch(pid: number, startTime: string): void {
    if (!this.closed) this.proc.stdin.write(`${pid}:${startTime}\n`);
  }

  private seq = 0;

  /** Send a command that ends with a "done" event; resolves with its events, or null at the deadline. */
  private async command(verb: 'snap' | 'cleanup', user: string, timeoutMs: number, now: () => number): Promise<WatchEvent[] | null> {
    if (this.closed) return null;
    const id = `c${++this.seq}`;
    const from = this.events.length;
    this.proc.stdin.write(`${verb} ${id} ${user}\n`);
    const done = await this.until(e => e.e === 'done' && e.id === id, now() + timeoutMs, now, from);
    if (!done || done.e !== 'done' || !done.ok) return null;
    return this.events.slice(from).filter(e => 'id' in e && e.id === id);
  }

  /**
   * The user's processes as containers/agent/snapshot sees them, read by the watcher; null if it
   * could not. `rootSessionComm`: the server's root-owned per-connection process (ServerImplementation).
   */
  async snapshot(user: string, now: () => number, timeoutMs = 20_000, rootSessionComm?: string): Promise<ProcessInfo[] | null> {
    const events = await this.command('snap', rootSessionComm ? `${user} ${rootSessionComm}` : user, timeoutMs, now);
    return events && events.flatMap(e => (e.e === 'snap' ? [normalizeProcess(e.p)] : []));
  }

  /** Remove the user's linger, session and processes; false if the watcher could not confirm it. */
  async cleanup(user: string, now: () => number, timeoutMs = 20_000): Promise<boolean> {
    return (await this.command('cleanup', user, timeoutMs, now)) !== null;
  }

  /**
   * Resolves with the first event (from index `from`) matching, or null at the deadline; rejects
   * with the signal's reason when it aborts first (a cell given up stops waiting at once).
   */
  async until<T extends WatchEvent>(pred: (e: WatchEvent) => e is T, deadlineMono: number, now: () => number, from?: number, signal?: AbortSignal): Promise<T | null>;
  async until(pred: (e: WatchEvent) => boolean, deadlineMono: number, now: () => number, from?: number, signal?: AbortSignal): Promise<WatchEvent | null>;
  async until(pred: (e: WatchEvent) => boolean, deadlineMono: number, now: () => number, from = 0, signal?: AbortSignal): Promise<WatchEvent | null> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      // Events are only appended: scanning from where the last check stopped keeps a long wait
      // linear in the events, not quadratic.
      let next = from;
      const check = () => {
        let hit: WatchEvent | undefined;
        for (; next < this.events.length && !hit; next++) if (pred(this.events[next]!)) hit = this.events[next];
        if (hit || this.closed || now() >= deadlineMono) finish(hit ?? null);
      };
      const onAbort = () => finish(null, signal!.reason);
      const timer = setTimeout(check, Math.max(0, deadlineMono - now()));
      const finish = (v: WatchEvent | null, abortReason?: unknown) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        if (abortReason !== undefined) reject(abortReason);
        else resolve(v);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.listeners.add(check);
      check();
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/**
 * An event with its times on this machine's monotonic clock: its own time and, for a line of the
 * probe's log, the time the line starts with (every line does: containers/agent/probe). `offset`
 * is how far the target's clock is ahead (0 for a container: the same kernel).
 */
export function onLocalClock(e: WatchEvent, offset: number): WatchEvent {
  if (!offset) return e;
  const t = Math.round((e.t - offset) * 10) / 10;
  if (e.e !== 'log') return { ...e, t };
  return { ...e, t, line: e.line.replace(/^\d+(?:\.\d+)?/, n => (Number(n) - offset).toFixed(1)) };
}
