import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CLIENT, clients } from '../client/registry.js';
import type { ClientEndpoint } from '../client/types.js';
import { patientMs } from '../core/patience.js';
import { parseAlive } from '../scenario/values.js';
import { loginAndLaunch, SHELL_PROMPT as PROMPT, shellRoundTrip } from './prompt.js';
import { findTcpEndpoint, monoMs, SshClient } from './ssh-client.js';
import { defineSessionKind, type KeeperReport } from './types.js';

/** How often the child ssh of autossh is looked up on this machine: its exit is what autossh acts on. */
const POLL_MS = 100;
/** Longer than any window; the wait also ends when the client is killed at the cell's end. */
const NEW_LOGIN_WAIT_MS = 10 * 60_000;
/** After ssh gave up: autossh's restart, a new login (PAM, logind) and its prompt, on a quiet machine. */
const RELOGIN_MS = 15_000;
/** What autossh runs: `ssh` from PATH (autosshCommand sets no AUTOSSH_PATH), so its comm is this. */
const SSH_COMM = 'ssh';

/**
 * The real autossh's command line: `autossh -M 0` (no monitor port: ssh's own ServerAlive is what
 * notices a dead path, as autossh's README advises) and then the cell's ssh client's arguments.
 * AUTOSSH_GATETIME=0: by default a first ssh that dies within 30 s of its start makes autossh give
 * up (its "starting gate", meant for a wrong password), and every cell cuts sooner than that; 0 is
 * what a start at boot uses (the README; -f sets it too). autossh runs `ssh` from PATH, the client
 * whose options these are (only OpenSSH declares them).
 */
export function autosshCommand(ssh: { file: string; args: string[] }, ep: Pick<ClientEndpoint, 'user' | 'host'>): { file: string; args: string[]; env: Record<string, string> } {
  return { file: 'autossh', args: ['-M', '0', ...ssh.args, '-tt', `${ep.user}@${ep.host}`], env: { AUTOSSH_GATETIME: '0' } };
}

/**
 * The children of `pid` on this machine. Polled ten times a second per cell, so it reads the one
 * file the kernel keeps of them (/proc/PID/task/PID/children: autossh is single-threaded); only a
 * kernel without that file (CONFIG_PROC_CHILDREN off) gets the scan of every process's stat.
 */
export function childrenOf(pid: number, procDir = '/proc'): number[] {
  try {
    return fs.readFileSync(`${procDir}/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // No such file (or autossh is gone, and the scan finds no children either).
    return scanChildren(pid, procDir);
  }
}

/**
 * The ssh processes among the children of `pid`, by their comm. Debian's `autossh` is a sh wrapper
 * that runs a pipeline (`echo … | egrep …`, to look for -M) before it execs the real autossh in
 * the same process: those are children too, and were counted as ssh processes autossh had started
 * ("autossh had started ssh 2 times before the sever" with AUTOSSH_DEBUG's log showing one). A child
 * autossh has forked but that has not exec'd ssh yet still says "autossh": it is seen a poll later.
 */
export function sshChildrenOf(pid: number, procDir = '/proc'): number[] {
  return childrenOf(pid, procDir).filter(kid => {
    try {
      return fs.readFileSync(`${procDir}/${kid}/comm`, 'utf8').trim() === SSH_COMM;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Every process's stat names its parent: the children of `pid` found by reading them all. */
function scanChildren(pid: number, procDir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`${procDir}/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** One child ssh of autossh as the poll saw it: when it was first and last seen. */
export interface SshGeneration {
  pid: number;
  seenMono: number;
  goneMono: number | null;
}

/** The ssh that held the session at `atMono`: the newest child alive then (null: none). */
export function sshAt(gens: readonly SshGeneration[], atMono: number): SshGeneration | null {
  return [...gens].reverse().find(g => g.seenMono <= atMono && (g.goneMono === null || g.goneMono > atMono)) ?? null;
}

/**
 * What autossh did after the sever, from the child ssh processes the poll saw and the moments a
 * login shell prompted: a pure function of them, so the check reads the same in a test. The ssh
 * that matters is the one alive at the sever; ssh processes autossh had started again before it
 * (a login that failed under load, which autossh retries by itself) are setup, and said so.
 */
export function reconnectReport(gens: readonly SshGeneration[], promptsMono: readonly number[], t0Mono: number, autosshGoneMono: number | null): KeeperReport {
  const ms = (m: number) => Math.round(m - t0Mono);
  const s = (m: number) => `${(ms(m) / 1000).toFixed(1)} s`;
  const held = sshAt(gens, t0Mono);
  if (!held) return { ok: null, detail: 'autossh had no ssh child at the sever that the poll could see' };
  const earlier = gens.indexOf(held);
  const before = earlier > 0 ? ` (autossh had started ssh ${earlier + 1} times before the sever: a login it retried by itself)` : '';
  if (held.goneMono === null) return { ok: null, detail: `autossh's ssh was still running: nothing to reconnect${before}` };
  const noticed = `autossh's ssh exited +${s(held.goneMono)} after the sever${before}`;
  const again = gens.slice(earlier + 1);
  if (!again.length) {
    const why = autosshGoneMono !== null && autosshGoneMono <= held.goneMono + 1000 ? ', and autossh exited with it (a clean exit of ssh, or autossh itself was killed)' : ', and autossh started no other';
    return { ok: false, detail: `${noticed}${why}` };
  }
  const tries = again.length === 1 ? 'a new ssh' : `${again.length} new ssh processes`;
  // Only a new login can prompt once the ssh of the old one is dead.
  const prompt = promptsMono.find(p => p > held.goneMono!);
  if (prompt === undefined) return { ok: false, detail: `${noticed}; autossh started ${tries} (first +${s(again[0]!.seenMono)}), but no login shell prompted again` };
  return { ok: true, detail: `${noticed}; autossh started ${tries} (first +${s(again[0]!.seenMono)}) and a new login shell prompted +${s(prompt)}`, atMs: ms(prompt) };
}

/**
 * What autossh does over time, seen from this machine: the ssh processes it starts (polled from
 * /proc: their exits are what it acts on), when each login shell prompted, and when it exited.
 */
class AutosshWatch {
  readonly gens: SshGeneration[] = [];
  readonly promptsMono: number[] = [];
  goneMono: number | null = null;

  constructor(private readonly client: SshClient) {
    this.poll();
    const timer = setInterval(() => this.poll(), POLL_MS);
    void client.exited.then(e => {
      clearInterval(timer);
      this.poll();
      this.goneMono = e.atMono;
    });
  }

  poll(): void {
    const now = monoMs();
    let kids: number[] = [];
    try {
      kids = sshChildrenOf(this.client.pid);
    } catch {
      /* /proc unreadable for a moment */
    }
    for (const g of this.gens) if (g.goneMono === null && !kids.includes(g.pid)) g.goneMono = now;
    for (const pid of kids) if (!this.gens.some(g => g.pid === pid)) this.gens.push({ pid, seenMono: now, goneMono: null });
  }

  /** Note every prompt from `from` on: after the session's ssh died, only a new login can print one. */
  watchPrompts(from: number): void {
    this.client.waitFor(PROMPT, 'a login shell prompt', NEW_LOGIN_WAIT_MS, from).then(
      end => {
        this.promptsMono.push(monoMs());
        this.watchPrompts(end);
      },
      () => {},
    );
  }

  /**
   * Wait until autossh has settled what it does about a sever at t0: a new login prompted, or it
   * is gone, or its ssh had `giveUpMs` to give up (0: it never does) and autossh time to log in.
   */
  async settle(t0Mono: number, giveUpMs: number): Promise<void> {
    const deadline = t0Mono + giveUpMs + patientMs(RELOGIN_MS);
    const held = sshAt(this.gens, t0Mono);
    const settled = () => this.goneMono !== null || (held?.goneMono == null ? giveUpMs === 0 : this.promptsMono.some(p => p > held.goneMono!));
    while (!settled() && monoMs() < deadline) await sleep(POLL_MS);
    this.poll();
  }
}

export default defineSessionKind({
  name: 'autossh',
  summary: "autossh -M 0: the real autossh runs the cell's ssh -tt (ServerAlive as the cell sets it) and starts it again when it dies; the probe is in the first login",
  remotePty: true,
  shell: true,
  runsClient: true,
  program: { file: 'autossh', versionArgs: ['-V'], install: 'apt-get install -y autossh' },
  async start(ep, launchLine, holdsTerminal) {
    const impl = clients.get(ep.client ?? DEFAULT_CLIENT);
    if (!impl.options) throw new Error(`the ${impl.name} client declares no options for autossh (a bug: the plan should have declined this cell)`);
    // autossh and its ssh are one process group, as in a terminal: a kill or a freeze of "the
    // client" is of both (a SIGKILL to autossh alone cannot be caught, and would leave its ssh).
    const client = new SshClient(ep, { remotePty: true }, autosshCommand(impl.options(ep), ep), { group: true });
    const watch = new AutosshWatch(client);
    await loginAndLaunch(client, { what: 'the login shell prompt under autossh', promptMs: 20_000, line: launchLine, holdsTerminal });
    watch.watchPrompts(client.text.length);
    return {
      client,
      async logout() {
        client.type('exit');
      },
      roundTrip: timeoutMs => shellRoundTrip(client, timeoutMs),
      // The connection a network sever cuts is the live ssh's (it holds the probe's login):
      // autossh itself holds no socket.
      flow() {
        watch.poll();
        const pid = sshAt(watch.gens, monoMs())?.pid;
        const local = pid === undefined ? null : findTcpEndpoint(pid, 22);
        if (!local) throw new Error("could not find the TCP endpoint of autossh's ssh in /proc");
        return { proto: 'tcp', serverPort: 22, client: local };
      },
      keeper: {
        name: 'reconnect',
        who: 'autossh',
        // Asked when the window closed, which may be before ssh's own keepalive gave up (its
        // ServerAlive budget is the client's own fact).
        async report(t0Mono) {
          const alive = parseAlive(ep.serverAlive);
          await watch.settle(t0Mono, alive && impl.keepaliveGivesUpS ? impl.keepaliveGivesUpS(alive) * 1000 : 0);
          return reconnectReport(watch.gens, watch.promptsMono, t0Mono, watch.goneMono);
        },
      },
    };
  },
});
