// Dropbear's client, dbclient, as a person on a small system runs it.
//
// What it reads and how it is pinned, found by experiment with Debian bookworm's 2022.83:
// - it cannot read the OpenSSH-format key ssh-keygen writes (it exits "String too long"), so the
//   run's key is converted once with `dropbearconvert openssh dropbear`, next to it;
// - it has no UserKnownHostsFile or HostKeyAlias: it reads ~/.ssh/known_hosts and nothing else, so
//   it gets a HOME of its own holding the target's pinned key under the address it connects to.
//   A different key there ends the login at once ("host key mismatch", exit 1); a host missing from
//   the file would make it ask on the terminal (nothing answers: the login hangs until the setup's
//   time is up), which is why the file always names exactly the address it is given;
// - its own failures exit 1 (dropbear_exit), the status a remote command may return too; a remote
//   command killed by a signal exits 0 (no exit status came). Its own words tell the first apart.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InfrastructureError } from '../core/errors.js';
import { defineClient, type ClientEndpoint, type ClientNeeds, type SessionRequest } from './types.js';

/**
 * Dropbear gives up once nothing has come from the server for DEFAULT_KEEPALIVE_LIMIT (3, fixed
 * when it is built) keepalive intervals: with -K I it asks at I and 2I and quits at 3I, which is
 * OpenSSH's ServerAliveInterval I with ServerAliveCountMax 2 (checktimeouts in
 * https://github.com/mkj/dropbear/blob/DROPBEAR_2022.83/common-session.c and
 * https://github.com/mkj/dropbear/blob/DROPBEAR_2022.83/default_options.h).
 */
export const KEEPALIVE_LIMIT = 3;

export function keepaliveSupport(alive: ClientNeeds['serverAlive']): true | string {
  if (alive === null || alive.countMax === KEEPALIVE_LIMIT - 1) return true;
  return `dbclient -K gives up after ${KEEPALIVE_LIMIT} silent intervals (a count built into Dropbear), so it can express serverAlive "N/${KEEPALIVE_LIMIT - 1}" or "off", not "${alive.intervalS}/${alive.countMax}"`;
}

/** Write `text` to `file` unless it is there already; a rename, so no client reads half of it. */
function writeOnce(file: string, text: string, mode = 0o600): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

/** The run's key in Dropbear's format, made once beside it (the run's temporary directory). */
export function dropbearKey(keyFile: string): string {
  const out = `${keyFile}.dropbear`;
  if (fs.existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync('dropbearconvert', ['openssh', 'dropbear', keyFile, tmp], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0 || !fs.existsSync(tmp)) {
    fs.rmSync(tmp, { force: true });
    const said = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').at(-1);
    throw new InfrastructureError(`dbclient: converting the run key ${keyFile} with dropbearconvert failed (${said}); install it with: apt-get install -y dropbear-bin`);
  }
  fs.renameSync(tmp, out);
  return out;
}

/** The pinned host key ("type base64") that the run wrote for this target under its alias. */
export function pinnedKey(ep: Pick<ClientEndpoint, 'knownHostsFile' | 'hostKeyAlias'>): string {
  const line = fs
    .readFileSync(ep.knownHostsFile, 'utf8')
    .split('\n')
    .map(l => l.trim().split(/\s+/))
    .find(f => f[0] === ep.hostKeyAlias && f.length >= 3);
  if (!line) throw new Error(`${ep.knownHostsFile}: no key pinned for ${ep.hostKeyAlias}`);
  return `${line[1]} ${line[2]}`;
}

/** A HOME whose ~/.ssh/known_hosts holds only the pinned key, under the address dbclient is given. */
export function dbclientHome(ep: ClientEndpoint): string {
  const home = path.join(path.dirname(ep.knownHostsFile), `dbclient-${path.basename(ep.knownHostsFile)}-${ep.host}`);
  writeOnce(path.join(home, '.ssh', 'known_hosts'), `${ep.host} ${pinnedKey(ep)}\n`, 0o644);
  return home;
}

/**
 * dbclient closes its stdin, stdout and stderr when the remote side ends the channel, a moment
 * before it exits with the remote status. In a terminal window the user's shell still holds the
 * terminal then; in the harness's pseudo-terminal nothing did, so node-pty read EIO, closed its end,
 * and the kernel hung up dbclient before it could exit (seen: the client "killed by SIGHUP" after a
 * typed exit, instead of its status). A shell opens the terminal once more as fd 3 and `exec`s
 * dbclient: the same pid (its signals and its socket are dbclient's, as drop and sleep need), with
 * the terminal held until it exits, as a user's shell would.
 */
const HOLD_TERMINAL = 'exec 3<>/dev/tty && exec dbclient "$@"';

export function dbclientArgs(ep: ClientEndpoint, want: SessionRequest, key: string): string[] {
  const alive = /^(\d+)\/\d+$/.exec(ep.serverAlive);
  return [
    '-i', key,
    // -K 0 is its default (no keepalive); -I (idle timeout) is not used: it ends a quiet session
    // even when the server answers, which no ServerAlive setting does.
    ...(alive ? ['-K', alive[1]!] : []),
    want.remotePty ? '-t' : '-T',
    '-p', '22',
    `${ep.user}@${ep.host}`,
    ...(want.command === undefined ? [] : [want.command]),
  ];
}

export default defineClient({
  name: 'dbclient',
  summary: "Dropbear's client (dbclient) of this machine, in a local pseudo-terminal, with a HOME of its own holding the pinned host key",
  // -K: the interval; the count of missed answers is built in (KEEPALIVE_LIMIT), not a knob.
  keepalive: { probeInterval: '-K' },
  // KEEPALIVE_LIMIT silent intervals, checked at most once per interval (its server side, the same
  // code, measured 2.1-3.1 s with -K 1).
  keepaliveGivesUpS: a => (KEEPALIVE_LIMIT + 1) * a.intervalS,
  // A local process that owns its socket: SIGKILL leaves the kernel to close it (FIN); SIGSTOP
  // freezes it with the socket still ACKed by its kernel, SIGCONT resumes it.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  // -t (a shell, or a command with a terminal) and -T (a command without): every session type.
  supports: needs => keepaliveSupport(needs.serverAlive),
  command: (ep, want) => ({
    file: '/bin/sh',
    args: ['-c', HOLD_TERMINAL, 'dbclient', ...dbclientArgs(ep, want, dropbearKey(ep.keyFile))],
    env: { HOME: dbclientHome(ep) },
  }),
  // `dbclient -V` prints "Dropbear v2022.83" on stderr and exits 0.
  program: { file: 'dbclient', versionArgs: ['-V'], install: 'apt-get install -y dropbear-bin' },
  // Every dropbear_exit of the client says "dbclient: Connection to user@host:22 exited: …" (or
  // "dbclient: Exited: …" before it connected), and exits 1.
  failedOnItsOwn: (exitCode, said) => exitCode === 1 && /dbclient: (?:Connection to \S+ exited|Exited):/.test(said),
  // Its last line, as seen in a pseudo-terminal (bookworm, 2022.83). A host key mismatch ends with
  // "Expected SHA256:…", the line after "host key mismatch for ADDR !".
  loginFailures: [
    { re: /No auth methods could be used/, transient: false, refused: true, fix: "the server refuses the run's key (dbclient: \"No auth methods could be used\"): check the sshd settings that decide key logins and run `hangup-lab doctor`" },
    { re: /host key mismatch for|^Expected SHA256:/, transient: false, fix: "the server's host key is not the one pinned when it started (dbclient's known_hosts); this is a bug of hangup-lab's target setup: report it with the target's name" },
    { re: /String too long|Failed loading|Bad key|not a valid key/i, transient: false, fix: "dbclient cannot load the run's key converted by dropbearconvert; check `dropbearconvert openssh dropbear` on a key made by `ssh-keygen -t ed25519` and report it with `dbclient -V`" },
    { re: /Connect failed: (?:Connection refused|No route to host)/, transient: false, fix: "nothing answers on the server's port 22: the target's sshd did not start or was stopped; run `hangup-lab doctor`" },
    { re: /Connect failed: Connection timed out|Remote closed the connection|Error reading: Connection reset|Error writing|Keepalive timeout/, transient: true, fix: '' },
  ],
});
