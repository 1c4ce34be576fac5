import { DEBIAN_PYTHON, PYTHON_FLAGS, runnerArgs, runnerPath } from './runners/runner-args.js';
import { defineClient } from './types.js';

const RUNNER = runnerPath('paramiko-client.py');

/**
 * paramiko's SSHClient, as automation (Fabric, Ansible's paramiko connection, scripts) opens a
 * session: runners/paramiko-client.py, one Python process that owns its connection.
 */
export default defineClient({
  name: 'paramiko',
  summary: "paramiko's SSHClient (Debian's python3-paramiko) in a Python process of its own: a shell or a command, the local terminal relayed",
  // Transport.set_keepalive(interval) is its only knob: it sends keepalive@lag.net with
  // wait=False, so no answer is awaited and nothing is ever counted or given up on
  // (https://github.com/paramiko/paramiko/blob/main/paramiko/transport.py, set_keepalive).
  keepalive: { probeInterval: 'Transport.set_keepalive' },
  // A Python process like any other: SIGKILL leaves the kernel to close its socket (FIN); SIGSTOP
  // freezes it, reader thread and all, with the socket still ACKed by the kernel.
  signals: { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' },
  supports: needs =>
    needs.serverAlive === null ||
    'paramiko keepalives (Transport.set_keepalive) never wait for an answer and never give up, so ServerAliveCountMax has no equivalent; use serverAlive "off"',
  command: (ep, want) => ({ file: DEBIAN_PYTHON, args: [...PYTHON_FLAGS, RUNNER, ...runnerArgs(ep, want)] }),
  // The runner prints its own failures in OpenSSH's words (openssh.ts declares those) followed by
  // paramiko's; these are paramiko's own for a server too slow to answer, as a loaded machine is.
  loginFailures: [{ re: /Error reading SSH protocol banner|SSH session not active|No existing session/, transient: true, fix: '' }],
  // --version imports paramiko: a missing module says so with the install line.
  program: { file: DEBIAN_PYTHON, versionArgs: [...PYTHON_FLAGS, RUNNER, '--version'], install: 'apt-get install -y python3-paramiko' },
});
