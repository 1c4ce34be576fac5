// PuTTY's command-line client, plink, as scripts and PuTTY users on Linux run it.
//
// What it reads and how it is pinned, found by experiment with Debian bookworm's 0.78:
// - it reads PuTTY's own key format only, so the run's key is converted once with puttygen (.ppk),
//   next to it;
// - the host key is pinned with -hostkey (the SHA256 fingerprint of the key the run pinned for the
//   target), which replaces PuTTY's host key cache; a different key ends the login at once ("Host
//   key not in manually configured list", exit 1), and -batch makes every question a refusal;
// - it reads "Default Settings" and a saved session named like the host from PuTTY's directory:
//   $PUTTYDIR, else ~/.config/putty or ~/.putty, else the passwd entry's ~/.putty (traced with
//   strace: with an empty HOME it went on to /root/.putty). So it gets a directory of its own,
//   named by both PUTTYDIR and HOME, where it finds nothing and writes only its random seed;
// - the remote terminal is PuTTY's own type, "xterm", whatever $TERM says (no command-line option
//   changes it); nothing measured here depends on it;
// - its own failures ("FATAL ERROR: …") exit 1, the status a remote command may return too; a
//   remote command killed by a signal exits 128. Its own words tell the first apart.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InfrastructureError } from '../core/errors.js';
import { defineClient, type ClientEndpoint, type ClientNeeds, type SessionRequest } from './types.js';

/**
 * plink has no keepalive option on its command line, and PuTTY's keepalive (a saved session's
 * "Seconds between keepalives") only sends data that needs no answer and never gives up on a
 * silent server (https://the.earth.li/~sgtatham/putty/0.78/htmldoc/Chapter4.html#config-keepalive).
 */
export function keepaliveSupport(alive: ClientNeeds['serverAlive']): true | string {
  if (alive === null) return true;
  return `plink has no ServerAlive: PuTTY's keepalives (a saved session's setting, no command-line option) await no answer and never give up, so serverAlive "${alive.intervalS}/${alive.countMax}" cannot be expressed; use "off"`;
}

/** "SHA256:…" of a public key "type base64", as ssh-keygen -l and PuTTY print it (no padding). */
export function sha256Fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
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

/** PuTTY's directory for this run: empty but for the random seed it keeps there. */
export function puttyHome(keyFile: string): { HOME: string; PUTTYDIR: string } {
  const home = path.join(path.dirname(keyFile), 'plink-home');
  const dir = path.join(home, '.putty');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { HOME: home, PUTTYDIR: dir };
}

/** The run's key in PuTTY's format, made once beside it (the run's temporary directory). */
export function ppkKey(keyFile: string): string {
  const out = `${keyFile}.ppk`;
  if (fs.existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  // puttygen, too, keeps a random seed in PuTTY's directory: the run's own, not the user's.
  const r = spawnSync('puttygen', [keyFile, '-O', 'private', '-o', tmp], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...puttyHome(keyFile) } });
  if (r.status !== 0 || !fs.existsSync(tmp)) {
    fs.rmSync(tmp, { force: true });
    const said = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').at(-1);
    throw new InfrastructureError(`plink: converting the run key ${keyFile} with puttygen failed (${said}); install it with: apt-get install -y putty-tools`);
  }
  fs.renameSync(tmp, out);
  return out;
}

export function plinkArgs(ep: ClientEndpoint, want: SessionRequest, key: string): string[] {
  return [
    '-ssh',
    // No questions (a host key, a passphrase): each is a refusal. No Pageant, no shared
    // connection, and no "press Return to begin session" after the login.
    '-batch', '-noagent', '-noshare', '-no-antispoof',
    '-hostkey', sha256Fingerprint(pinnedKey(ep)),
    '-i', key,
    want.remotePty ? '-t' : '-T',
    '-P', '22',
    `${ep.user}@${ep.host}`,
    ...(want.command === undefined ? [] : [want.command]),
  ];
}

export default defineClient({
  name: 'plink',
  summary: "PuTTY's command-line client (plink) of this machine, in a local pseudo-terminal, host key pinned by -hostkey, no saved sessions",
  // Its one keepalive setting is not on the command line and awaits no answer (keepaliveSupport).
  keepalive: {},
  // A local process that owns its socket (-noshare: no upstream process holds it): SIGKILL leaves
  // the kernel to close it (FIN); SIGSTOP freezes it with the socket still ACKed, SIGCONT resumes.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  // -t (a shell, or a command with a terminal) and -T (a command without): every session type.
  supports: needs => keepaliveSupport(needs.serverAlive),
  command: (ep, want) => ({ file: 'plink', args: plinkArgs(ep, want, ppkKey(ep.keyFile)), env: puttyHome(ep.keyFile) }),
  // `plink -V` prints "plink: Release 0.78" first, on stdout, and exits 0.
  program: { file: 'plink', versionArgs: ['-V'], install: 'apt-get install -y putty-tools' },
  failedOnItsOwn: (exitCode, said) => exitCode === 1 && /FATAL ERROR: /.test(said),
  // Its last line, as seen in a pseudo-terminal (bookworm, 0.78).
  loginFailures: [
    { re: /No supported authentication methods available|Server refused our key/, transient: false, refused: true, fix: "the server refuses the run's key (plink: \"No supported authentication methods available\"): check the sshd settings that decide key logins and run `hangup-lab doctor`" },
    { re: /Host key not in manually configured list/, transient: false, fix: "the server's host key is not the one pinned when it started (plink -hostkey); this is a bug of hangup-lab's target setup: report it with the target's name" },
    { re: /Unable to use key file|Couldn't load private key/, transient: false, fix: "plink cannot load the run's key converted by puttygen; check `puttygen KEY -O private -o KEY.ppk` on a key made by `ssh-keygen -t ed25519` and report it with `plink -V`" },
    { re: /FATAL ERROR: (?:Network error: )?(?:Connection refused|No route to host)/, transient: false, fix: "nothing answers on the server's port 22: the target's sshd did not start or was stopped; run `hangup-lab doctor`" },
    { re: /unexpectedly closed network connection|Network error: (?:Connection timed out|Connection reset|Broken pipe|Software caused connection abort)/, transient: true, fix: '' },
  ],
});
