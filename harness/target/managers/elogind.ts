import { defineManager } from './types.js';

const BUS_ASK = 'busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses';
/** Where elogind (facility auth) and sshd log through rsyslog: there is no journal. */
const AUTH_LOG = '/var/log/auth.log';
/** Marks in the auth log around the restart, so the start's own lines can be cut out of it. */
const RESTARTING = 'hangup-lab: elogind restarting';
const STARTED = 'hangup-lab: elogind started';

/**
 * sysvinit as PID 1 and elogind, logind's code without systemd, with pam_elogind in the PAM stack
 * (containers/debian-sysvinit): a login gets a session with a cgroup of its own (named after the
 * session id: /83), which KillUserProcesses=yes kills at the session's end. There is no systemd:
 * no user manager, no system units, no linger that would keep anything running.
 */
export default defineManager({
  name: 'elogind',
  summary: 'sysvinit as PID 1 and elogind with pam_elogind: session cgroups, no user manager, no systemd units',
  lacks: {
    'user-manager': c => `${c.target} runs elogind, which starts no user manager (systemd --user), so ${c.by} has nothing to talk to`,
    'system-units': c => `${c.target} boots sysvinit, not systemd, so ${c.by} has no service manager to start its unit`,
    linger: c => `${c.target} runs elogind, which has no user manager for linger to keep running, so ${c.by} is not a setting there`,
  },
  // On a cgroup v1 host elogind would mount a named v1 hierarchy of its own, one for the whole
  // host; on a hybrid one it used the host's unified root. Measured: a session cgroup "/83" at the
  // host's root. A namespace of its own keeps its sessions below the container's cgroup.
  cgroups: 'own-namespace',
  capAdd: ['SYS_ADMIN'],
  // inittab's last entry of runlevel 2 touches the marker once /etc/init.d/rc 2 has started every
  // service; elogind is started by its init script and must answer on the bus.
  readyScript: `test -e /run/hangup-lab-booted && ${BUS_ASK} >/dev/null 2>&1`,
  restartService: service => `/etc/init.d/${service} restart`,
  // No per-service log: the auth log, for the caller to grep (sshd's refusals are there).
  serviceLog: () => `tail -n 400 ${AUTH_LOG} 2>/dev/null`,
  // The init scripts stop a daemon by its pidfile (start-stop-daemon --stop --pidfile): only that process.
  stopMode: service => `echo "pidfile (/etc/init.d/${service} stops only the process its pidfile names)"`,
  logind: {
    daemon: 'elogind',
    dropIn: '/etc/elogind/logind.conf.d/50-hangup-lab.conf',
    // The init script's restart stops elogind with SIGINT and starts it again; it is on the bus a moment later.
    restart:
      `logger -p auth.notice -t hangup-lab "elogind restarting"; /etc/init.d/elogind restart 2>&1 || exit 1; ` +
      `for i in $(seq 1 100); do ${BUS_ASK} >/dev/null 2>&1 && exit 0; sleep 0.1; done; echo "elogind did not answer on the bus within 10 s"; exit 1`,
    // What elogind said at this start: the auth log from the last restart mark to a mark sent now
    // (rsyslog writes in the order it receives, so elogind's lines are in before it).
    startLog:
      `logger -p auth.notice -t hangup-lab "elogind started"; for i in $(seq 1 50); do tail -n 50 ${AUTH_LOG} | grep -qF '${STARTED}' && break; sleep 0.1; done; ` +
      `awk '/${RESTARTING}/ { buf = "" } { buf = buf $0 "\\n" } END { printf "%s", buf }' ${AUTH_LOG}; ` +
      `echo "#version elogind $(dpkg-query -W -f '\${Version}' elogind)"`,
  },
  versionsScript:
    `echo "v.init=sysvinit-core $(dpkg-query -W -f '\${Version}' sysvinit-core 2>/dev/null)"; ` +
    `echo "v.elogind=elogind $(dpkg-query -W -f '\${Version}' elogind 2>/dev/null)"; ` +
    `echo "v.libpam-elogind=$(dpkg-query -W -f '\${Status} \${Version}' libpam-elogind 2>/dev/null | sed -n 's/^install ok installed //p' | grep . || echo absent)";`,
});
