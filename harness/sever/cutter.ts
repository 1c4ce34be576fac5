import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import readline from 'node:readline';
import { AGENT } from '../target/container.js';

/**
 * What the agent does at an instant: a program it forks ahead and feeds on "go" (`argv`), or a file
 * it opens ahead and writes on "go" in one write(2) (`write`: e.g. /proc/net/xt_recent/NAME).
 */
export type AgentAction =
  | {
      argv: string[];
      /** written when the program is forked (what it can read and prepare ahead) */
      ahead?: string;
      /** written at the instant */
      input: string;
    }
  | { write: string; input: string };

export interface CutterPlan {
  /** run to its end before the agent says it is ready (e.g. rules that wait for a switch) */
  setup?: AgentAction;
  /** applies the fault (e.g. iptables-restore with the rules, or the switch turned on) */
  do: AgentAction;
  /** undoes it; the agent forks it right after `do`, so undoing costs no fork or exec either */
  undo?: AgentAction;
  /** run when the agent exits, after any undo (removes what setup installed) */
  teardown?: AgentAction;
}

/** What the agent did, on the host's CLOCK_MONOTONIC (containers share it), in ms. */
export interface AgentStep {
  /** when the agent read the command */
  fromMono: number;
  /** when the program it fed had exited */
  atMono: number;
  /** what the program printed */
  out: string;
}

type AgentEvent =
  | { t: number; e: 'ready'; port: number; pid?: number }
  | { t: number; e: 'did' | 'undid' | 'torn-down'; from: number; rc: number; out: string }
  | { t: number; e: 'absent' }
  | { t: number; e: 'error'; msg: string };

/** How long the agent may take to start (a `docker exec` on a loaded engine: measured up to 4.3 s). */
export const CUTTER_START_TIMEOUT_MS = 30_000;

/**
 * containers/agent/cutter, started before the sever through one `docker exec -i` that stays open:
 * at the sever the harness sends one datagram to the agent's port in the container's network
 * namespace (and the same line on its stdin, in case the datagram is lost), and the fault takes
 * effect within milliseconds, where starting a `docker exec` then took 0.8-4.3 s on a loaded
 * machine (issue 12), and even a line on an open exec's stdin 35-1466 ms (it passes the docker
 * client, the engine and the shim). The agent answers the same two ways. It undoes what it did
 * when its stdin closes or after `maxSeconds`, so nothing outlives the cell.
 */
export class Cutter {
  private readonly events: AgentEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private stderr = '';
  private readonly token = randomBytes(12).toString('hex');
  private readonly socket = dgram.createSocket('udp4');
  private port: number | null = null;
  /** the agent's pid in its container's PID namespace (from its "ready") */
  nsPid: number | null = null;

  /** `host`: the container's address, where its agent listens for datagrams */
  private constructor(private readonly proc: ChildProcessWithoutNullStreams, private readonly host: string) {
    this.socket.on('error', () => {});
    this.socket.on('message', m => {
      for (const l of m.toString().split('\n')) this.take(l);
    });
    proc.stderr.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-2000)));
    // The container may be gone under a given-up cell: a write must not crash the run.
    proc.stdin.on('error', () => {});
    readline.createInterface({ input: proc.stdout }).on('line', l => this.take(l));
    proc.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /**
   * Start the agent with `spawnExec` (a `docker exec -i` into the container whose address is
   * `host`: the target or the router) and wait until it is armed.
   */
  static async start(spawnExec: (cmd: string[]) => ChildProcessWithoutNullStreams, host: string, plan: CutterPlan, maxSeconds: number): Promise<Cutter> {
    const c = new Cutter(spawnExec([`${AGENT}/cutter`, String(Math.ceil(maxSeconds))]), host);
    c.proc.stdin.write(`${JSON.stringify({ token: c.token, ...plan })}\n`);
    const ready = await c.next(e => e.e === 'ready', CUTTER_START_TIMEOUT_MS);
    if (!ready || ready.e !== 'ready') {
      await c.close();
      const said = c.events.find(e => e.e === 'error');
      if (said?.e === 'error') throw new Error(`the cutter agent: ${said.msg}`);
      throw new Error(`the cutter agent did not start within ${CUTTER_START_TIMEOUT_MS / 1000} s${c.stderr ? `: ${c.stderr.trim()}` : ''}`);
    }
    c.port = ready.port;
    c.nsPid = ready.pid ?? null;
    return c;
  }

  private take(line: string): void {
    if (!line.trim()) return;
    try {
      this.events.push(JSON.parse(line) as AgentEvent);
    } catch {
      return;
    }
    this.notify();
  }

  /** Send a command both ways: whichever arrives first acts, the agent ignores the other. */
  private send(cmd: string): void {
    try {
      if (this.port) this.socket.send(`${this.token} ${cmd}`, this.port, this.host);
    } catch {
      // the stdin line below still carries it, slower
    }
    if (!this.closed) this.proc.stdin.write(`${cmd}\n`);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** The first event (seen or to come) that matches, or null when the agent ends or `timeoutMs` pass. */
  private next(match: (e: AgentEvent) => boolean, timeoutMs: number): Promise<AgentEvent | null> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        const e = this.events.find(match);
        if (!e && !this.closed) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(e ?? null);
      };
      timer = setTimeout(() => {
        this.listeners.delete(check);
        resolve(null);
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Apply the fault now; with `undoAtMono` the agent also undoes it by itself at that instant.
   * Write first and wait after: the caller may do its own part (a SIGSTOP) in the same tick.
   */
  fire(undoAtMono?: number): void {
    this.send(undoAtMono === undefined ? 'go' : `go ${undoAtMono.toFixed(1)}`);
  }

  /** When the fault took effect, after fire(); throws if the program failed or the agent did not answer. */
  async did(timeoutMs: number): Promise<AgentStep> {
    return this.step('did', timeoutMs);
  }

  /** When the fault was undone (by the agent at its instant, or after undo()); null if it was not within `timeoutMs`. */
  async undid(timeoutMs: number): Promise<AgentStep | null> {
    return this.step('undid', timeoutMs).catch(() => null);
  }

  /** Ask the agent to undo now (a no-op if it already did, or never applied). */
  undo(): void {
    this.send('undo');
  }

  /** Tell when no line of `file` inside the container matches `pattern` (polled every 50 ms by the agent). */
  watchAbsent(file: string, pattern: string): void {
    this.proc.stdin.write(`absent ${file} ${pattern}\n`);
  }

  /** The monotonic ms at which the agent found the line gone, or null if it stopped without. */
  async absent(timeoutMs: number): Promise<number | null> {
    const e = await this.next(x => x.e === 'absent' || x.e === 'error', timeoutMs);
    if (e?.e === 'error') throw new Error(`the cutter agent: ${e.msg}`);
    return e?.e === 'absent' ? e.t : null;
  }

  private async step(kind: 'did' | 'undid', timeoutMs: number): Promise<AgentStep> {
    const e = await this.next(x => x.e === kind || x.e === 'error', timeoutMs);
    if (!e) throw new Error(`the cutter agent did not report "${kind}" within ${timeoutMs} ms${this.closed ? ` (it ended${this.stderr ? `: ${this.stderr.trim()}` : ''})` : ''}`);
    if (e.e === 'error') throw new Error(`the cutter agent: ${e.msg}`);
    if (e.e !== kind) throw new Error(`the cutter agent answered ${e.e}`);
    if (e.rc !== 0) throw new Error(`${kind === 'did' ? 'applying' : 'undoing'} the fault failed (exit ${e.rc}): ${e.out.trim()}`);
    return { fromMono: e.from, atMono: e.t, out: e.out };
  }

  /** Whether the plan's teardown ran and succeeded (known once close() has returned). */
  get tornDown(): boolean {
    return this.events.some(e => e.e === 'torn-down' && e.rc === 0);
  }

  /** Close its stdin (the agent undoes what is still applied, tears down and exits) and wait for it, bounded. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (!this.closed) {
      this.proc.stdin.end();
      await this.next(() => false, timeoutMs);
    }
    // The docker exec client may outlive a wedged engine: never the run.
    if (!this.closed) this.proc.kill('SIGKILL');
    try {
      this.socket.close();
    } catch {
      // already closed (close() called twice)
    }
  }
}
