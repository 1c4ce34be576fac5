// A server of the user's own (`run --host`, issue 18) as a cell's target: reached with the user's
// own OpenSSH client, config and agent, as the user, never as root. Everything the run does there
// goes through one observer connection (an ssh ControlMaster: one more login of the same user,
// out of band of the session under test); the agent is uploaded to a `mktemp -d` directory in the
// user's home and removed with everything the run started there, at the end, on error and on
// every signal (core/cleanup.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { onCleanup, trackProcess } from '../core/cleanup.js';
import { CONTAINERS_DIR } from '../core/paths.js';
import { servers } from '../server/registry.js';
import { managers } from './managers/registry.js';
import type { SessionManager } from './managers/types.js';
import type { CellTarget, ExecOptions, ExecResult } from './types.js';
import { hostSshArgs, quoteCommand, workDir, type HostLogin } from './host-ssh.js';

/** The agent files the host needs, as (name there, file here under containers/). */
export const HOST_AGENT_FILES: readonly (readonly [string, string])[] = [
  ['probe', 'agent/probe'],
  ['watch', 'agent/watch'],
  // The container's snapshot lists every process of the user; on the host it is wrapped (below).
  ['snapshot-all', 'agent/snapshot'],
  ['snapshot', 'host-agent/snapshot'],
  ['reap', 'host-agent/reap'],
];

/** A login plus a script, bounded (a loaded machine's login ≈ 1 s, 13 s at load 50). */
const EXEC_TIMEOUT_MS = 60_000;

/** What the run needs refused on a server of the user's own: it is not the harness's to change. */
export class NeedsRootError extends Error {}

export interface StartedHost {
  target: HostTarget;
  /** the remote monotonic clock minus this machine's, and half the round trip it was measured in */
  clock: { offsetMs: number; uncertaintyMs: number };
}

export class HostTarget implements CellTarget {
  readonly server = servers.get('openssh');
  readonly manager: SessionManager;
  readonly runsAs: string;
  monoOffsetMs = 0;
  private dir = '';
  /** the marker every process the session under test starts carries in its environment */
  readonly mark = randomBytes(8).toString('hex');
  private master: ChildProcessWithoutNullStreams | null = null;

  constructor(
    readonly login: HostLogin,
    /** the user the login is (ssh's own answer, `id -un`, when --host named none) */
    user: string,
    /** a private local directory of the run: the control socket lives there */
    private readonly localDir: string,
    /** the session manager inspect found (its fingerprint's `manager`) */
    managerName: string,
  ) {
    this.runsAs = user;
    this.manager = managers.get(managerName);
  }

  get id(): string {
    return `host:${this.runsAs}@${this.login.host}${this.login.port !== null ? `:${this.login.port}` : ''}`;
  }

  get ip(): string {
    return this.login.host;
  }

  get agentDir(): string {
    return this.dir;
  }

  get controlPath(): string {
    return path.join(this.localDir, 'observer.sock');
  }

  /** ssh's arguments for one command over the observer's connection */
  argv(cmd: string[]): string[] {
    return hostSshArgs(this.login, { controlPath: this.controlPath, master: false }, quoteCommand(cmd));
  }

  exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (opts.user && opts.user !== this.runsAs) return Promise.reject(new NeedsRootError(`running as ${opts.user} on a server of your own needs root: run --host logs in as ${this.runsAs} only`));
    return this.run(cmd, undefined, opts.timeoutMs);
  }

  sh(): Promise<ExecResult> {
    return Promise.reject(new NeedsRootError(`a root shell on a server of your own: run --host never uses root there (logged in as ${this.runsAs})`));
  }

  spawnExec(cmd: string[]): ChildProcessWithoutNullStreams {
    const p = spawn('ssh', this.argv(cmd), { stdio: 'pipe' });
    // Ended on an interrupt too; its command on the server ends with its stdin (watch) or the reap.
    const forget = p.pid ? trackProcess(p.pid) : () => {};
    p.on('close', forget);
    return p;
  }

  /**
   * A command over the observer's connection, with `input` on its stdin; bounded. `track`: killed
   * on an interrupt, like every ssh the run starts, except the removal's own (an interrupt would
   * kill them as they start: core/cleanup.ts).
   */
  run(cmd: string[], input?: string, timeoutMs = EXEC_TIMEOUT_MS, track = true): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const p = spawn('ssh', this.argv(cmd), { stdio: 'pipe' });
      const forget = p.pid && track ? trackProcess(p.pid) : () => {};
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`ssh to ${this.id} did not return within ${timeoutMs / 1000} s: ${cmd.join(' ').slice(0, 120)}`));
      }, timeoutMs);
      p.stdout.on('data', d => (stdout += d));
      p.stderr.on('data', d => (stderr += d));
      p.stdin.on('error', () => {});
      p.on('error', e => {
        clearTimeout(timer);
        forget();
        reject(e);
      });
      p.on('close', code => {
        clearTimeout(timer);
        forget();
        resolve({ exitCode: code ?? 255, stdout, stderr });
      });
      p.stdin.end(input ?? '');
    });
  }

  probeLogPath(): string {
    return `${workDir(this.dir)}/probe.log`;
  }

  /** Nothing to prepare: the run declines cells whose linger or huponexit is not the server's (run/host.ts). */
  async prepareUser(): Promise<void> {}

  /** Only what carries the run's marker, never the user's other processes (containers/host-agent/reap). */
  cleanupUser(): Promise<void> {
    return this.reap(true);
  }

  private async reap(track: boolean): Promise<void> {
    if (!this.dir) return;
    const r = await this.run([`${this.dir}/reap`], undefined, EXEC_TIMEOUT_MS, track);
    if (r.exitCode !== 0 || !/^left 0$/m.test(r.stdout)) throw new Error(`the run's processes on ${this.id} could not all be ended: ${(r.stdout + r.stderr).trim()}`);
  }

  /**
   * Open the observer's connection, make the run's directory and upload the agent, and measure the
   * clock. Registers its own removal before it makes anything, so a signal at any point removes
   * what was made so far.
   */
  async start(): Promise<StartedHost> {
    const remove = onCleanup(() => this.remove());
    this.removal = remove;
    await this.openMaster();
    // The agent is perl with Time::HiRes (Debian's perl; perl-base alone lacks it): asked before anything is made.
    const perl = await this.run(['perl', '-MTime::HiRes', '-MIO::Select', '-MPOSIX', '-e', '1']);
    if (perl.exitCode !== 0) throw new MissingOnServerError(`${this.login.host} has no perl with Time::HiRes, which run --host's agent needs (Debian: apt-get install perl); nothing was made there`);
    const made = await this.run(['sh', '-c', 'mktemp -d "$HOME/.hangup-lab.XXXXXXXXXX"']);
    const dir = made.stdout.trim();
    if (made.exitCode !== 0 || !/^\/\S*\/\.hangup-lab\.[A-Za-z0-9]{10}$/.test(dir)) throw new Error(`mktemp -d in the home of ${this.runsAs} on ${this.login.host} failed: ${(made.stderr || made.stdout).trim()}`);
    this.dir = dir;
    await this.upload();
    const clock = await measureClock(this);
    this.monoOffsetMs = clock.offsetMs;
    return { target: this, clock };
  }

  private removal: (() => Promise<void>) | null = null;
  /** what the removal could not remove, in words (null: nothing is left) */
  leftBehind: string | null = null;

  /** Remove everything: the run's processes, its directory, the observer's connection. */
  async dispose(): Promise<void> {
    await this.removal?.();
  }

  private async remove(): Promise<void> {
    try {
      if (this.dir) {
        await this.reap(false).catch((e: Error) => (this.leftBehind = e.message));
        // Only the directory mktemp made (checked at start): never a path built from input.
        const rm = await this.run(['rm', '-rf', '--', this.dir], undefined, EXEC_TIMEOUT_MS, false).catch((e: Error) => ({ exitCode: 255, stdout: '', stderr: e.message }));
        if (rm.exitCode !== 0) this.leftBehind = [this.leftBehind, `${this.dir} on ${this.login.host} could not be removed: ${rm.stderr.trim()}`].filter(Boolean).join('; ');
        this.dir = '';
      }
    } finally {
      this.closeMaster();
    }
  }

  private async upload(): Promise<void> {
    for (const [name, from] of HOST_AGENT_FILES) {
      const text = fs.readFileSync(path.join(CONTAINERS_DIR, from), 'utf8');
      const r = await this.run(['sh', '-c', 'cat > "$1" && chmod 700 "$1"', 'sh', `${this.dir}/${name}`], text);
      if (r.exitCode !== 0) throw new Error(`uploading ${name} to ${this.id} failed: ${r.stderr.trim()}`);
    }
    const r = await this.run(['sh', '-c', 'umask 077; printf %s "$1" > "$2" && mkdir "$3"', 'sh', this.mark, `${this.dir}/mark`, workDir(this.dir)]);
    if (r.exitCode !== 0) throw new Error(`writing the run's marker on ${this.id} failed: ${r.stderr.trim()}`);
  }

  /** The observer's connection: a login like the user's own, held open as a ControlMaster. */
  private async openMaster(): Promise<void> {
    const args = hostSshArgs(this.login, { controlPath: this.controlPath, master: true }, null);
    const p = spawn('ssh', args, { stdio: 'pipe' });
    this.master = p;
    // An interrupt ends it through the removal, which needs it until the end (reap, rm, then it).
    trackProcess(p.pid!, () => void this.dispose());
    let said = '';
    p.stderr.on('data', d => (said += d));
    p.stdout.resume();
    const exited = new Promise<number | null>(r => p.on('close', code => r(code)));
    for (const end = Date.now() + EXEC_TIMEOUT_MS; Date.now() < end; ) {
      if (fs.existsSync(this.controlPath)) return;
      const code = await Promise.race([exited, new Promise<'wait'>(r => setTimeout(() => r('wait'), 100))]);
      if (code !== 'wait') throw new LoginError(said.trim().split('\n').filter(Boolean).at(-1) ?? `ssh exited ${code}`);
    }
    throw new LoginError(`the login did not finish within ${EXEC_TIMEOUT_MS / 1000} s`);
  }

  private closeMaster(): void {
    this.master?.kill('SIGTERM');
    this.master = null;
  }
}

/** The observer's login failed: ssh's own last line. */
export class LoginError extends Error {}

/** The server lacks what the agent needs: one line, said as it is. */
export class MissingOnServerError extends Error {}

/**
 * How far the server's CLOCK_MONOTONIC is ahead of this machine's: the watcher's times are the
 * server's, the client's are this machine's. Five round trips on one connection; the shortest one
 * bounds the error (half of it). A container on this machine shares the kernel's clock: about 0.
 */
async function measureClock(host: HostTarget): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  const p = host.spawnExec(['perl', '-MTime::HiRes=clock_gettime,CLOCK_MONOTONIC', '-e', '$|=1; while (<STDIN>) { printf "%.3f\\n", clock_gettime(CLOCK_MONOTONIC) * 1000 }']);
  p.stderr.resume();
  const lines: string[] = [];
  let waiting: (() => void) | null = null;
  p.stdout.setEncoding('utf8').on('data', (d: string) => {
    lines.push(...d.split('\n').filter(Boolean));
    waiting?.();
  });
  const closed = new Promise<void>(r => p.on('close', () => r()));
  const samples: { rtt: number; offset: number }[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const before = mono();
      p.stdin.write('t\n');
      await Promise.race([new Promise<void>(r => (waiting = r)), closed, new Promise(r => setTimeout(r, 10_000))]);
      const after = mono();
      const remote = Number(lines.shift());
      if (!Number.isFinite(remote)) throw new Error(`reading the clock of ${host.id} failed (perl with Time::HiRes is needed there)`);
      samples.push({ rtt: after - before, offset: remote - (before + after) / 2 });
    }
  } finally {
    p.stdin.end();
  }
  const best = samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
  return { offsetMs: Math.round(best.offset * 10) / 10, uncertaintyMs: Math.round(best.rtt * 5) / 10 };
}

function mono(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
