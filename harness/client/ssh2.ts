import { runnerArgs, runnerPath } from './runners/runner-args.js';
import { defineClient } from './types.js';

const RUNNER = runnerPath('ssh2-client.mjs');

/**
 * The npm package ssh2's Client, as a Node program opens a session: runners/ssh2-client.mjs, run
 * by this same node as a process of its own, so that killing the client kills a real process that
 * owns its connection, never the harness.
 */
export default defineClient({
  name: 'ssh2',
  summary: "the npm package ssh2's Client in a Node process of its own: a shell or a command, the local terminal relayed",
  // keepaliveInterval (ms) and keepaliveCountMax: it disconnects ("Keepalive timeout") when the
  // unanswered count goes past the maximum, as OpenSSH does. Unlike OpenSSH it probes on a fixed
  // schedule since the last answer, whether or not other data arrived
  // (https://github.com/mscdex/ssh2/blob/master/lib/client.js, sendKA/resetKA).
  keepalive: { probeInterval: 'keepaliveInterval', probeCountMax: 'keepaliveCountMax' },
  // sendKA gives up when its count passes the maximum: at the (countMax + 1)th interval.
  keepaliveGivesUpS: a => (a.countMax + 1) * a.intervalS,
  // A Node process: SIGKILL leaves the kernel to close its socket (FIN); SIGSTOP freezes it with
  // the socket still ACKed by the kernel.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  // A pty or not, a shell or a command; keepalive with any interval and count (0 included).
  supports: () => true,
  command: (ep, want) => ({ file: process.execPath, args: [RUNNER, ...runnerArgs(ep, want)] }),
  // The runner prints its own failures in OpenSSH's words (openssh.ts declares those) followed by
  // ssh2's; these are ssh2's own for a connection closed or reset during the handshake.
  loginFailures: [{ re: /ECONNRESET|Connection lost before handshake|Timed out while waiting for handshake/, transient: true, fix: '' }],
  // ssh2 comes with the checkout's node_modules (the lock file pins it); --version loads it.
  program: { file: process.execPath, versionArgs: [RUNNER, '--version'], install: 'npm ci' },
});
