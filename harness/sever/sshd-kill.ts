import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'sshd-kill',
  // Which process that is, is the server implementation's fact (harness/server/: sessionProcess).
  summary: "the SSH server's per-session process (OpenSSH: sshd: user@pts/N, sshd-session on >= 9.8; Dropbear: the login's dropbear) is SIGKILLed on the server",
  layer: 'process',
  // The server's kernel closes the dead process's socket (FIN) and its pty master: the client
  // reads EOF and the terminal is hung up, both at once.
  detectors: ['close'],
  needsLiveSession: true,
  endsSession: true,
  // The per-session process OpenSSH runs as the user (sshd: user@pts/N): the user may kill it, and
  // the run finds its own session's (snapshot of the session's shell's parent), never another's.
  onOwnHost: { ok: true },
  // A session held by another process (mosh-server) has no per-session sshd left by then.
  supports: session => (session.heldBy ? `no per-session sshd is left to kill: ${session.heldBy.what}` : true),
  // Audit (issue 12): nothing acts before apply(); the kill runs in a `docker exec` started here,
  // so it lands that exec's start-up after the sever (up to seconds under load), never before.
  async apply({ target, sshdSession }) {
    if (!sshdSession) throw new Error('no per-session sshd process was found to kill');
    // exec, not sh: as root in a container, as the user on a server of theirs (the process is theirs).
    const r = await target.exec(['kill', '-KILL', String(sshdSession.pid)]);
    if (r.exitCode !== 0) throw new Error(`kill -KILL ${sshdSession.pid} failed: ${r.stderr.trim()}`);
  },
  async heal() {},
});
