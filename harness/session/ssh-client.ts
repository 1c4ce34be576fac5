import fs from 'node:fs';
// @lydell/node-pty: node-pty with Linux prebuilds (no compiler at install). Its 1.1.0 was built
// before node-pty's 1.1.0 and writes through the tty stream instead of node-pty's fs.write queue;
// the harness writes only short typed lines (commands, and `exit` for a logout): docs/dependencies.md.
import pty from '@lydell/node-pty';
import { constants as osConstants } from 'node:os';
import { trackProcess } from '../core/cleanup.js';
import { startTimeOf, stillOurs } from '../core/proc-identity.js';
import { DEFAULT_CLIENT, clients } from '../client/registry.js';
import type { ClientCommand, ClientEndpoint, SessionRequest, TerminalRecorder } from '../client/types.js';

export type { ClientEndpoint, TerminalRecorder } from '../client/types.js';

/**
 * A terminal session in the event form of asciicast v2: seconds since the client started, "o" for
 * what it printed, "i" for what the harness typed. Times are monotonic, so they never go back.
 */
export class TerminalRecording implements TerminalRecorder {
  width = 0;
  height = 0;
  readonly events: [number, 'o' | 'i', string][] = [];
  private t0 = NaN;

  begin(cols: number, rows: number): void {
    this.t0 = monoMs();
    this.width = cols;
    this.height = rows;
  }

  output(text: string): void {
    this.push('o', text);
  }

  input(text: string): void {
    this.push('i', text);
  }

  private push(kind: 'o' | 'i', text: string): void {
    // Microseconds are what asciinema writes; finer is noise.
    this.events.push([Math.round(monoMs() - this.t0) / 1000, kind, text]);
  }

  toJSON(): { width: number; height: number; events: [number, 'o' | 'i', string][] } {
    return { width: this.width, height: this.height, events: this.events };
  }
}

export interface ClientExit {
  /** monotonic ms (process.hrtime) when the client exited */
  atMono: number;
  exitCode: number | null;
  signal: string | null;
}

/**
 * A wait on the client's output that failed: `causeText` is the client's own last line when it exited
 * (e.g. "Permission denied (publickey)."), or what was awaited when the time ran out; the setup
 * tells transient causes from systematic ones by it (run/setup.ts).
 */
export class ClientWaitError extends Error {
  constructor(
    message: string,
    readonly causeText: string,
    readonly clientExited: boolean,
  ) {
    super(message);
    this.name = 'ClientWaitError';
  }
}

export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The client's terminal: wide enough that nothing the harness types or reads is wrapped. */
export const TERMINAL_SIZE = { cols: 160, rows: 40 } as const;

const SIGNAL_NAMES = Object.fromEntries(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));

/**
 * The real client, in a pseudo-terminal as a person would run it; its implementation (harness/client/)
 * says which program with which arguments.
 */
export class SshClient {
  private readonly proc: pty.IPty;
  private output = '';
  private readonly waiters = new Set<() => void>();
  /** set synchronously on exit, before waiters run, so a waiter never waits out a dead client */
  private hasExited = false;
  private readonly recorder: TerminalRecorder | undefined;
  readonly exited: Promise<ClientExit>;

  /** signals go to the client's process group (`group`), not its first process alone */
  private readonly killTarget: number;
  /** the client's start time (null: gone before it was read), which tells it from a later holder of its pid */
  private readonly startTime: number | null;

  /**
   * `program`: a session that runs the client itself (mosh, autossh) says what to run instead of
   * the client's own command. `group`: the client is more than one process (autossh and its ssh),
   * and a kill or a freeze is of them all, as a terminal's hangup or a suspend would be.
   */
  constructor(ep: ClientEndpoint, want: SessionRequest, program?: ClientCommand, opts: { group?: boolean } = {}) {
    const { file, args, env } = program ?? clients.get(ep.client ?? DEFAULT_CLIENT).command(ep, want);
    const { cols, rows } = TERMINAL_SIZE;
    this.recorder = ep.recorder;
    this.recorder?.begin(cols, rows);
    this.proc = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols,
      rows,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...env },
    });
    this.proc.onData(d => {
      this.output += d;
      this.recorder?.output(d);
      for (const w of this.waiters) w();
    });
    // node-pty starts the program as the leader of a new session and process group.
    this.killTarget = opts.group ? -this.proc.pid : this.proc.pid;
    // Read at once: our child, not reaped before its exit is reported (onExit below).
    this.startTime = startTimeOf(this.proc.pid);
    // Killed by the harness on interrupt: a client frozen by the sleep sever would outlive it.
    const forget = trackProcess(this.killTarget, signal => this.kill(signal));
    this.exited = new Promise(resolve => {
      this.proc.onExit(({ exitCode, signal }) => {
        const atMono = monoMs();
        this.hasExited = true;
        forget();
        for (const w of this.waiters) w();
        // node-pty reports a signal death as exitCode 0 + signal n.
        resolve({ atMono, exitCode: signal ? null : exitCode, signal: signal ? (SIGNAL_NAMES[signal] ?? String(signal)) : null });
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  get text(): string {
    return this.output;
  }

  /** Type a line as a terminal sends it (carriage return, not newline). */
  type(line: string): void {
    this.recorder?.input(line + '\r');
    this.proc.write(line + '\r');
  }

  /**
   * Signal the client (its group with `group`), only while the pid is still its own: a client that
   * exited may have left its number to a stranger (core/proc-identity.ts). The teardown of every
   * cell kills its client, most often after it has ended.
   */
  kill(signal: NodeJS.Signals): void {
    if (this.hasExited && this.killTarget > 0) return;
    for (const target of stillOurs(this.killTarget, this.startTime)) {
      try {
        process.kill(target, signal);
      } catch {
        /* already gone */
      }
    }
  }

  /**
   * Wait until the output after `from` (an offset in text) matches; rejects with what was awaited
   * when the time is up or the client exits first. Used for setup only (prompts), never verdicts.
   */
  async waitFor(re: RegExp, what: string, timeoutMs: number, from = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.output.slice(from));
        if (m) return finish(undefined, from + m.index + m[0].length);
        if (this.hasExited) finish(new ClientWaitError(`ssh client exited while waiting for ${what}; it printed: ${tail(this.output)}`, this.lastLines(1)[0] ?? '', true));
      };
      const timer = setTimeout(
        () => finish(new ClientWaitError(`timed out after ${timeoutMs} ms waiting for ${what}; client printed: ${tail(this.output)}`, `timed out after ${timeoutMs} ms waiting for ${what}`, false)),
        timeoutMs,
      );
      const finish = (err: Error | undefined, at = 0) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve(at);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The client's last meaningful lines (e.g. "Connection to … closed by remote host."). */
  lastLines(n = 3): string[] {
    return stripAnsi(this.output)
      .split(/\r?\n|\r/)
      // The prompt may prefix the client's own last words ("[hl-ready]$ client_loop: …").
      .map(l => l.replace(/^\[hl-ready\][$#] ?/, '').trim())
      .filter(l => l && !/^hangup-lab probe heartbeat \d+$/.test(l))
      .slice(-n);
  }

  /**
   * The client's own TCP endpoint, read from this host's /proc (our child, so no privileges
   * needed): the drop sever needs the exact 4-tuple of this one connection.
   */
  localEndpoint(remotePort = 22): { ip: string; port: number } | null {
    return findTcpEndpoint(this.proc.pid, remotePort);
  }
}

export function findTcpEndpoint(pid: number, remotePort: number): { ip: string; port: number } | null {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      fs.readdirSync(`/proc/${pid}/fd`).flatMap(fd => {
        try {
          const m = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
          return m ? [m[1]!] : [];
        } catch {
          return [];
        }
      }),
    );
  } catch {
    return null;
  }
  const table = fs.readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
  return parseProcNetTcp(table).find(e => inodes.has(e.inode) && e.remotePort === remotePort)?.local ?? null;
}

/** Parse /proc/net/tcp (IPv4): addresses are little-endian hex on x86. */
export function parseProcNetTcp(table: string): { local: { ip: string; port: number }; remotePort: number; inode: string }[] {
  return table
    .split('\n')
    .slice(1)
    .map(l => l.trim().split(/\s+/))
    .filter(f => f.length > 9)
    .map(f => {
      const [lip, lport] = f[1]!.split(':') as [string, string];
      const [, rport] = f[2]!.split(':') as [string, string];
      return { local: { ip: hexToIp(lip), port: parseInt(lport, 16) }, remotePort: parseInt(rport, 16), inode: f[9]! };
    });
}

function hexToIp(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-9A-Za-z]|\x1b[=>78M]/g, '');
}

function tail(s: string): string {
  return JSON.stringify(stripAnsi(s).slice(-300));
}
