import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CLIENT, clients } from '../client/registry.js';
import type { ClientEndpoint } from '../client/types.js';
import { loginAndLaunch, shellRoundTrip } from './prompt.js';
import { SshClient, stripAnsi } from './ssh-client.js';
import { defineSessionKind, type SessionParam } from './types.js';

/** `mosh:N`: mosh-server's MOSH_SERVER_NETWORK_TMOUT, seconds without a word from the client. */
const PARAM: SessionParam = { meaning: 'seconds mosh-server waits for a silent client (MOSH_SERVER_NETWORK_TMOUT)', min: 1, max: 3600 };
/** beyond the timeout: mosh-server checks it in its main loop, and its exit reaches the watcher by a poll */
const WINDOW_MARGIN_MS = 5000;
/**
 * The login's prompt comes after two connections: the bootstrap ssh (a full login with PAM and
 * logind) and then mosh-client's first UDP exchange. Longer than pty's 20 s for that second step.
 */
const PROMPT_TIMEOUT_MS = 30_000;

/** Where mosh-client talks to, as the wrapper exec'd it: `mosh-client [-# "…|"] IP PORT`. */
export interface MoshTarget {
  ip: string;
  port: number;
}

/**
 * The server's address and port from mosh-client's argv (/proc/PID/cmdline, NUL-separated). The
 * wrapper (/usr/bin/mosh) reads "MOSH CONNECT <port> <key>" from the bootstrap and exec's
 * mosh-client with the IP and that port as its last two arguments; the line itself never reaches
 * the terminal, so this is where the port the client really uses can be read.
 */
export function moshTargetOf(cmdline: string): MoshTarget | null {
  const argv = cmdline.split('\0').filter(a => a !== '');
  const port = Number(argv.at(-1));
  const ip = argv.at(-2);
  if (!ip || !/^[\d.]+$|:/.test(ip) || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { ip, port };
}

/**
 * "MOSH CONNECT <port> <key>", as mosh-server prints it, parsed the way the wrapper does (a 22
 * character base64 key). Null for any other line.
 */
export function parseMoshConnect(line: string): { port: number; key: string } | null {
  const m = /^MOSH CONNECT (\d+) ([A-Za-z0-9/+]{22})\s*$/.exec(line);
  return m ? { port: Number(m[1]), key: m[2]! } : null;
}

/**
 * The session key from mosh-client's initial environment (/proc/PID/environ): mosh-client unsets
 * MOSH_KEY after reading it, but the kernel's copy of the environment it was started with keeps
 * it. A second client needs it to reach the same mosh-server.
 */
export function moshKeyOf(environ: string): string | null {
  const entry = environ.split('\0').find(e => e.startsWith('MOSH_KEY='));
  const key = entry?.slice('MOSH_KEY='.length);
  return key && /^[A-Za-z0-9/+]{22}$/.test(key) ? key : null;
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/**
 * The real `mosh` wrapper's command line: it runs the cell's ssh client (its options, as
 * --ssh) to start mosh-server, then exec's mosh-client in the same process, so the pty's process
 * is mosh-client from then on. `--predict=never`: the screen shows only what the server's
 * terminal has, so a typed line is never painted by the client's own guess before the shell has
 * it (what the harness reads is the server's answer). MOSH_SERVER_NETWORK_TMOUT reaches
 * mosh-server through --server, as mosh's documentation has people set it.
 */
export function moshCommand(ssh: { file: string; args: string[] }, ep: Pick<ClientEndpoint, 'user' | 'host'>, tmoutS: number | null): { file: string; args: string[] } {
  const server = tmoutS === null ? 'mosh-server' : `MOSH_SERVER_NETWORK_TMOUT=${tmoutS} mosh-server`;
  return { file: 'mosh', args: [`--ssh=${[ssh.file, ...ssh.args].map(quote).join(' ')}`, `--server=${server}`, '--predict=never', `${ep.user}@${ep.host}`] };
}

/** What mosh-client prints on its status line while it has heard nothing from the server. */
const NOTHING_RECEIVED = /Nothing received from server[^\r\n]*|Last contact [^\r\n]*/;

export default defineSessionKind({
  name: 'mosh',
  summary: "the real mosh client: ssh starts mosh-server and leaves, and the login shell runs under mosh-server, which talks UDP to mosh-client",
  remotePty: true,
  shell: true,
  heldBy: { comm: 'mosh-server', proto: 'udp', what: 'mosh-server (the bootstrap ssh login ended as soon as mosh-server had started)' },
  param: PARAM,
  runsClient: true,
  program: { file: 'mosh', versionArgs: ['--version'], install: 'apt-get install -y mosh' },
  extraWindowMs: param => (param === null ? 0 : param * 1000 + WINDOW_MARGIN_MS),
  async start(ep, launchLine, holdsTerminal, param = null) {
    const impl = clients.get(ep.client ?? DEFAULT_CLIENT);
    if (!impl.options) throw new Error(`the ${impl.name} client declares no options for mosh's --ssh (a bug: the plan should have declined this cell)`);
    const client = new SshClient(ep, { remotePty: true }, moshCommand(impl.options(ep), ep, param));
    const found: { target: MoshTarget | null; key: string | null } = { target: null, key: null };
    await loginAndLaunch(client, {
      what: 'the login shell prompt under mosh-server',
      promptMs: PROMPT_TIMEOUT_MS,
      line: launchLine,
      holdsTerminal,
      // The prompt is painted by mosh-client, so by now the wrapper has exec'd it in this process.
      prompted() {
        const cmdline = fs.readFileSync(`/proc/${client.pid}/cmdline`, 'utf8');
        found.target = moshTargetOf(cmdline);
        found.key = moshKeyOf(fs.readFileSync(`/proc/${client.pid}/environ`, 'utf8'));
        if (!found.target) throw new Error(`mosh-client's arguments name no server address and port: ${JSON.stringify(cmdline)}`);
      },
    });
    // Set, or prompted() threw and the login failed.
    const server = found.target!;
    const key = found.key;
    return {
      client,
      async logout() {
        client.type('exit');
      },
      roundTrip: timeoutMs => shellRoundTrip(client, timeoutMs),
      // The server's port names the flow: mosh-client hops to a new source port when it hears
      // nothing (its roaming), and a cut of one client port would be walked around in seconds.
      flow: () => ({ proto: 'udp', serverPort: server.port, client: null }),
      async reachAgain(timeoutMs) {
        if (!key) return { ok: null, detail: "mosh-client's environment held no MOSH_KEY, so a second client could not be given the session key" };
        return reachWithNewClient(ep, server, key, timeoutMs);
      },
    };
  },
});

/**
 * A second mosh-client with the session's key and port, as a person who kept them would start it.
 * mosh-server follows a client that roams, but only on a packet whose sequence number is not older
 * than the newest it took (mosh's src/network/network.cc, Connection::recv: the peer's address is
 * updated only when seq >= expected_receiver_seq, against replays), and a new client counts from
 * zero: mosh's design predicts "no", and that is what was measured (bookworm, mosh 1.4.0: "Nothing
 * received from server", also with the first client still running). It types a marker; the marker
 * coming back on the screen is the echo of the server's terminal (the client predicts nothing),
 * i.e. it reached the terminal the probe runs on, whether a shell or the probe holds it.
 */
async function reachWithNewClient(ep: ClientEndpoint, server: MoshTarget, key: string, timeoutMs: number): Promise<{ ok: boolean | null; detail: string }> {
  const { recorder: _, ...quiet } = ep;
  const what = `a new mosh-client to ${server.ip}:${server.port} with the session's key`;
  const second = new SshClient(quiet, { remotePty: true }, { file: 'mosh-client', args: [server.ip, String(server.port)], env: { MOSH_KEY: key } });
  try {
    // Its first frame is the server's screen; typing before it is there would be lost.
    await sleep(500);
    // `:` does nothing in a shell; under a foreground probe the line just sits in its input.
    const marker = `hlreach${1000 + Math.floor(Math.random() * 9000)}`;
    const from = second.text.length;
    second.type(`: ${marker}`);
    const seen = await second.waitFor(new RegExp(marker), 'the typed marker echoed by the server', timeoutMs, from).then(
      () => true,
      () => false,
    );
    if (seen) return { ok: true, detail: `${what}: the server's terminal echoed a typed marker` };
    const said = NOTHING_RECEIVED.exec(stripAnsi(second.text))?.[0];
    return { ok: said ? false : null, detail: `${what}: no echo within ${timeoutMs} ms${said ? `; it said "${said.trim()}"` : ''}` };
  } finally {
    second.kill('SIGKILL');
    await Promise.race([second.exited, sleep(1000)]);
  }
}
