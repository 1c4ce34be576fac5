import { DEBIAN_PYTHON, PYTHON_FLAGS, runnerArgs, runnerPath } from './runners/runner-args.js';
import { defineClient } from './types.js';

const RUNNER = runnerPath('asyncssh-client.py');

/** asyncssh's connect() and create_session(): runners/asyncssh-client.py, one Python process that owns its connection. */
export default defineClient({
  name: 'asyncssh',
  summary: "asyncssh's client (Debian's python3-asyncssh) in a Python process of its own: a shell or a command, the local terminal relayed",
  // It counts unanswered keepalive@openssh.com requests and disconnects when the count goes past
  // the maximum, as OpenSSH's ServerAliveCountMax does
  // (https://asyncssh.readthedocs.io/en/latest/api.html#asyncssh.SSHClientConnectionOptions).
  keepalive: { probeInterval: 'keepalive_interval', probeCountMax: 'keepalive_count_max' },
  // Its timer closes when it fires with count_max requests unanswered: at the (count_max + 1)th.
  keepaliveGivesUpS: a => (a.countMax + 1) * a.intervalS,
  // A Python process like any other: SIGKILL leaves the kernel to close its socket (FIN); SIGSTOP
  // freezes its event loop with the socket still ACKed by the kernel.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  supports: needs =>
    needs.serverAlive === null ||
    needs.serverAlive.countMax > 0 ||
    `asyncssh refuses keepalive_count_max 0 (it must be 1 or more), so serverAlive "${needs.serverAlive.intervalS}/0" has no equivalent`,
  command: (ep, want) => ({ file: DEBIAN_PYTHON, args: [...PYTHON_FLAGS, RUNNER, ...runnerArgs(ep, want)] }),
  // The runner prints its own failures in OpenSSH's words (openssh.ts declares those) followed by
  // asyncssh's; this is asyncssh's own for a connection closed during the handshake, as sshd does
  // when it is too loaded to start a session.
  loginFailures: [{ re: /connection failed: Connection lost/, transient: true, fix: '' }],
  // --version imports asyncssh: a missing module says so with the install line.
  program: { file: DEBIAN_PYTHON, versionArgs: [...PYTHON_FLAGS, RUNNER, '--version'], install: 'apt-get install -y python3-asyncssh' },
});
