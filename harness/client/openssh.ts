import { ownLoginArgs } from '../core/own-login.js';
import { defineClient, type ClientEndpoint, type SessionRequest } from './types.js';

/** ssh options for a ServerAlive setting ("off" → interval 0, which disables it). */
export function serverAliveOptions(serverAlive: string): string[] {
  const m = /^(\d+)\/(\d+)$/.exec(serverAlive);
  return m
    ? ['-o', `ServerAliveInterval=${m[1]}`, '-o', `ServerAliveCountMax=${m[2]}`]
    : ['-o', 'ServerAliveInterval=0'];
}

function sshArgs(ep: ClientEndpoint, want: SessionRequest): string[] {
  return [
    ...sshOptions(ep),
    // -tt: a terminal even though ssh's own stdin is not one it owns; -T: none.
    want.remotePty ? '-tt' : '-T',
    `${ep.user}@${ep.host}`,
    ...(want.command === undefined ? [] : [want.command]),
  ];
}

/**
 * What every login says, whatever the session: the options pin the target's host key and ignore
 * the user's ~/.ssh/config (-F /dev/null), so nothing on this machine can change what is measured.
 */
function sshOptions(ep: ClientEndpoint): string[] {
  if (ep.ownHost) return ownHostOptions(ep, ep.ownHost);
  return [
    '-F', '/dev/null',
    '-i', ep.keyFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${ep.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `HostKeyAlias=${ep.hostKeyAlias}`,
    '-o', 'ConnectTimeout=15',
    // The classic key exchange first, the client's defaults after it (the "^" form keeps them, for
    // a server that refuses it). OpenSSH 9.x prefers sntrup761x25519, whose key generation cost
    // 65 ms of the client's CPU per login here against 10 ms (5 logins each, sshd 9.2): that was
    // most of the CPU the harness itself used per cell (issue 17). What a session does after its
    // keys are agreed, and so every verdict, is the same under either exchange.
    '-o', 'KexAlgorithms=^curve25519-sha256',
    ...serverAliveOptions(ep.serverAlive),
  ];
}

/**
 * A server of the user's own: their config, agent and known_hosts decide the login, as when they
 * log in. Ours come first, as for ssh the first value wins: never a prompt, a connection of the
 * session's own (never multiplexed over a ControlMaster of theirs, or a sever of it would end
 * theirs), the cell's ServerAlive. ConnectTimeout after theirs, so theirs wins.
 */
function ownHostOptions(ep: ClientEndpoint, own: NonNullable<ClientEndpoint['ownHost']>): string[] {
  return ownLoginArgs(own, ['-o', 'ControlMaster=no', '-o', 'ControlPath=none', ...serverAliveOptions(ep.serverAlive)]);
}

export default defineClient({
  name: 'openssh',
  summary: 'the real OpenSSH client (ssh) of this machine, in a local pseudo-terminal as a person runs it',
  keepalive: { probeInterval: 'ServerAliveInterval', probeCountMax: 'ServerAliveCountMax' },
  // CountMax unanswered probes, one per silent Interval, and it gives up at the next.
  keepaliveGivesUpS: a => (a.countMax + 1) * a.intervalS,
  // A local process: SIGKILL leaves its kernel to close the socket (FIN); SIGSTOP freezes it with
  // its socket still open and ACKed by the kernel, SIGCONT resumes it.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  // ssh -tt (a shell, or a command with a terminal), ssh -T (a command): every session type, and
  // ServerAlive in every version this machine may have.
  supports: () => true,
  command: (ep, want) => ({ file: 'ssh', args: sshArgs(ep, want) }),
  options: ep => ({ file: 'ssh', args: sshOptions(ep) }),
  // `ssh -V` writes its one line to stderr.
  program: { file: 'ssh', versionArgs: ['-V'], install: 'apt-get install -y openssh-client' },
  loginFailures: [
    { re: /Permission denied \(/, transient: false, refused: true, fix: "the server refuses the run's key: check the sshd settings that decide key logins (sshd.extra or --sshd-config: AuthorizedKeysFile, PubkeyAuthentication, AllowUsers, PubkeyAcceptedAlgorithms) and run `hangup-lab doctor`" },
    { re: /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/, transient: false, fix: "the server's host key is not the one pinned when it started; this is a bug of hangup-lab's target setup: report it with the target's name" },
    { re: /Load key .*:|invalid format|error in libcrypto/, transient: false, fix: "the ssh client cannot load the run's key; run `hangup-lab doctor` (it logs in with a key made the same way)" },
    { re: /Connection refused|No route to host/, transient: false, fix: 'nothing answers on the server\'s port 22: the target\'s sshd did not start or was stopped; run `hangup-lab doctor`' },
    { re: /Timeout, server .* not responding|Connection timed out|Connection reset|Connection closed by|kex_exchange_identification|Broken pipe/, transient: true, fix: '' },
  ],
});

