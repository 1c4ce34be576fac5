// The one login `inspect` makes: the user's own OpenSSH client, with their ~/.ssh/config and agent,
// never prompting (BatchMode), running `sh -s` with the facts script on its stdin.
import { spawn, spawnSync } from 'node:child_process';
import { trackProcess } from '../core/cleanup.js';
import { InfrastructureError } from '../core/errors.js';
import { ownLoginArgs } from '../core/own-login.js';
import type { Destination } from './destination.js';

export interface LoginOptions {
  identity?: string;
  /** `K=V`, each passed as `-o K=V` */
  sshOptions: readonly string[];
}

/** A loaded machine's login plus the script (≈1 s idle, 13 s seen at load 50). */
const LOGIN_TIMEOUT_MS = 90_000;

/**
 * ssh's arguments. BatchMode comes first because for ssh the first value of an option wins: the
 * user's options cannot make it prompt (its stdin is the script). ConnectTimeout comes after the
 * user's, so theirs wins. -T: no pty, so no login shell's terminal setup runs.
 */
export function sshArgs(d: Destination, o: LoginOptions): string[] {
  return [
    ...ownLoginArgs({ port: d.port, ...(o.identity ? { identity: o.identity } : {}), sshOptions: o.sshOptions }, [], ['-T']),
    '--',
    d.user ? `${d.user}@${d.host}` : d.host,
    'sh -s',
  ];
}

/** What to try after ssh's exit 255, from its last line. */
export function connectFix(lastLine: string): string {
  if (/Permission denied|Too many authentication failures/i.test(lastLine)) {
    return 'check the user name and that your key is in its authorized_keys (--identity FILE, or ssh-add); inspect never asks for a password (BatchMode)';
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(lastLine)) {
    return 'log in once with ssh to accept the host key, or check why it changed';
  }
  if (/Connection refused/i.test(lastLine)) return 'nothing listens there: check the host and the port (--port N)';
  if (/Could not resolve hostname|Name or service not known/i.test(lastLine)) return 'check the host name (or its Host entry in ~/.ssh/config)';
  if (/timed out|No route to host|Network is unreachable/i.test(lastLine)) return 'the host did not answer: check the address, the port and any firewall between';
  if (/no such identity|Load key|invalid format/i.test(lastLine)) return 'check the file given to --identity';
  return 'run the same login with ssh -v to see why';
}

/** `ssh -V` here: the fingerprint's client. No ssh client at all: exit 3 with what to install. */
export function localClient(): string {
  const r = spawnSync('ssh', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new InfrastructureError('hangup-lab inspect: no ssh client on PATH (ssh -V failed); install OpenSSH\'s client (Debian: apt-get install openssh-client)');
  return (r.stderr || r.stdout).trim().split('\n')[0] ?? '?';
}

/** The script's output; a failed login or a silent server is one line and exit 3. */
export async function runFactsScript(d: Destination, o: LoginOptions, script: string): Promise<string> {
  const args = sshArgs(d, o);
  const where = `${d.user ? `${d.user}@` : ''}${d.host}${d.port !== null ? ` port ${d.port}` : ''}`;
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>(resolve => {
    const p = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // An interrupt of inspect ends its login too (the server then ends the script with the session).
    const forget = p.pid ? trackProcess(p.pid) : () => {};
    p.on('close', forget);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, LOGIN_TIMEOUT_MS);
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.stdin.on('error', () => {}); // ssh gone before it read the script: its exit code says why
    p.on('error', e => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: e.message, timedOut });
    });
    p.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    p.stdin.end(script);
  });
  // ssh's last line is why (its sentence's full stop dropped: the fix follows after ";")
  const last = (r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '').replace(/\.$/, '');
  if (r.timedOut) throw new InfrastructureError(`hangup-lab inspect: ssh to ${where} did not finish within ${LOGIN_TIMEOUT_MS / 1000} s; try ssh to it by hand, or again when it is less loaded`);
  if (r.code === 255 || r.code === null) throw new InfrastructureError(`hangup-lab inspect: ssh to ${where} failed: ${last || `exit ${r.code}`}; ${connectFix(last)}`);
  return r.stdout;
}
