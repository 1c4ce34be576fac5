import { defineManager } from './types.js';

/**
 * systemd as PID 1 with systemd-logind, and pam_systemd in the PAM stack (containers/debian): a
 * login gets a session scope and the user's own manager (user@UID.service), linger keeps that
 * manager without a session, and PID 1 starts system units.
 */
export default defineManager({
  name: 'systemd',
  summary: 'systemd as PID 1, systemd-logind, pam_systemd: session scopes, user managers, linger',
  lacks: {},
  // Read-only on v1 hosts (systemd up to 257), the unified half or the whole v2 tree for a newer one.
  cgroups: 'host-hierarchy',
  capAdd: [],
  // `is-system-running --wait` returns at the end of the boot ("running", or "degraded", hence no
  // check of its status); ssh.service is enabled in every image, whichever server its cells use.
  readyScript: 'systemctl is-system-running --wait >/dev/null 2>&1; systemctl is-active --quiet ssh',
  restartService: service => `systemctl restart ${service}`,
  serviceLog: units => `journalctl -q --no-pager -o cat -u '${units}' --since=-5min 2>/dev/null`,
  // An instance that does not exist loads its template: the KillMode of every connection's unit.
  stopMode: service => `systemctl show ${service} -p KillMode --value`,
  logind: {
    daemon: 'systemd-logind',
    dropIn: '/etc/systemd/logind.conf.d/50-hangup-lab.conf',
    restart: 'systemctl restart systemd-logind 2>&1',
    // The journal of this start only: its invocation id.
    startLog:
      'journalctl --sync 2>/dev/null; journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID=$(systemctl show -p InvocationID --value systemd-logind); ' +
      // "systemd 252 (252.39-1~deb12u2)" → "systemd 252.39-1~deb12u2"
      `echo "#version $(systemctl --version | head -n 1 | sed -E 's/^systemd [0-9]+ \\(([^)]+)\\).*/systemd \\1/')"`,
  },
  versionsScript:
    `echo "v.systemd=$(systemctl --version | head -1)"; ` +
    `echo "v.libpam-systemd=$(dpkg-query -W -f '\${Status} \${Version}' libpam-systemd 2>/dev/null | sed -n 's/^install ok installed //p' | grep . || echo absent)";`,
});
