import { sessionUsable } from './ask.js';
import { defineSeverMethod } from './types.js';

const ROUND_TRIP_TIMEOUT_MS = 3000;

/**
 * A restart of the SSH server's service (the implementation's `service`) the way the target's
 * session manager does it (`systemctl restart`, or the init script without systemd), as a package
 * upgrade or a config change does. For OpenSSH: Debian's ssh.service has
 * KillMode=process, so systemd is expected to stop only the listening sshd and leave the
 * per-session processes alone: measured here, not assumed (the unit's KillMode is in the target's
 * fingerprint). The unit is `ssh` on every Debian target: bullseye and bookworm call it ssh.service
 * with the alias sshd.service, and so does trixie (OpenSSH 10.0), whose ssh.socket is shipped
 * disabled, so the listener is the service's own sshd there too and its sshd-session children
 * are what KillMode=process spares. Debian's dropbear unit (and bullseye's init script through the
 * sysv generator) has KillMode=process too (harness/server/dropbear.ts). openssh-per-connection's
 * unit is its socket: the restart takes the listener down, and what that does to the connections'
 * own unit instances is what such a cell measures.
 */
export default defineSeverMethod({
  name: 'sshd-restart',
  summary: "the SSH server's service is restarted (systemctl restart, or its init script) while the session is open (Debian's ssh and dropbear units: KillMode=process)",
  layer: 'process',
  // The restart signals the listening sshd (systemd's SIGTERM); if that reached the session's own
  // sshd too (another KillMode), the connection would close at once: nothing has to be detected
  // on the connection either way.
  detectors: ['signal', 'close'],
  // The question is whether an open session and its processes outlive the restart: with no
  // session left there is nothing to ask, and the probe's fate would only repeat logout's.
  needsLiveSession: true,
  endsSession: false,
  settleMs: 3000,
  // The listener is down during the restart: a neighbour cell connecting then would fail.
  exclusive: true,
  restartsSshd: true,
  onOwnHost: { ok: false, why: 'restarting sshd needs root on the server and disturbs every session on it' },
  supports: () => true,
  // Audit (issue 12): nothing acts before apply(); `exclusive` only gives the cell its own container.
  async apply(ctx) {
    // The unit is the server implementation's (ssh, dropbear): the sever restarts whichever runs.
    const restart = ctx.target.manager.restartService(ctx.target.server.service);
    const r = await ctx.target.sh(`${restart} 2>&1`);
    if (r.exitCode !== 0) throw new Error(`${restart} failed: ${r.stdout.trim()}`);
    ctx.mark('sshd restarted');
    ctx.check({ name: 'session-after-restart', ...(await sessionUsable(ctx, ROUND_TRIP_TIMEOUT_MS, 'after the restart')) });
  },
  async heal() {},
});
