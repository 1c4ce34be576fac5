// Dropbear as Debian ships it (package "dropbear"), run as the target's SSH server in place of
// OpenSSH's ssh.service. What it does at login, measured in the targets (2026-12, a pty login of
// an ordinary user, `ps`, `cat /proc/PID/cgroup`, `loginctl`, `ldd /usr/sbin/dropbear`):
//
//   suite     version   service                                  KillMode  PAM  logind session
//   bullseye  2020.81   /etc/init.d/dropbear via systemd's       process   no   no
//                       sysv generator (Type=forking, pidfile)
//   bookworm  2022.83   dropbear.service (-EF, foreground)       process   no   no
//   trixie    2025.89   dropbear.service (-EF, foreground)       process   no   no
//
// Debian builds it without PAM (no libpam in ldd, no /etc/pam.d/dropbear): pam_systemd never runs,
// so a login gets no logind session, no session scope and no user manager. The user's processes
// stay in the service's own cgroup, /system.slice/dropbear.service, beside the listener; logind's
// KillUserProcesses has nothing to act on, and what the unit's KillMode=process spares on a restart
// is every login at once.
//
// Per-connection process (comm "dropbear", uid 0 for every user: Dropbear has no privilege
// separation, the connection process stays root and forks the user's shell):
//   listener      /usr/sbin/dropbear -EF -p 22 -W 65536 <extra>          ppid 1
//   connection    /usr/sbin/dropbear -EF -p 22 -W 65536 <extra> -2 8     ppid = listener (2022.83+
//                 re-executes itself for each connection with "-2 FD"; 2020.81 forks only, so its
//                 arguments equal the listener's)
//   shell/command as the user, ppid = the connection process
// Its title never names the user, so it is found through its child: the snapshot agent is asked for
// root processes of this comm that are the parent of one of the user's (rootSessionComm). An exec
// session's connection ends when its command returns even if a background job still holds its pipes
// (measured on 2022.83: `ssh host 'nohup sleep 200 &'` returned at once), so the link holds for as
// long as the connection does.
//
// Keepalive (Dropbear's source, https://github.com/mkj/dropbear, src/common-session.c checktimeouts()
// and default_options.h): -K SECS sends a keepalive request after SECS without traffic and exits
// ("Keepalive timeout") once nothing has come back for SECS × DEFAULT_KEEPALIVE_LIMIT, a compile-time
// 3 that no option changes. -I SECS closes a connection idle that long; keepalives do not count as
// activity. It never sets SO_KEEPALIVE on its connections: `ss -o` shows no keepalive timer on a
// Dropbear connection (2022.83 after login, 2025.89 before), where OpenSSH's shows timer:(keepalive…).
import { BadInputError, InfrastructureError } from '../core/errors.js';
import type { ProcessInfo } from '../results.js';
import { defineServer, type ServerConfigureContext, type ServerNeeds } from './types.js';

/** DEFAULT_KEEPALIVE_LIMIT: missed keepalive replies before Dropbear gives up; compiled in. */
export const KEEPALIVE_LIMIT = 3;
const COMM = 'dropbear';
const HOST_KEY = '/etc/dropbear/dropbear_ed25519_host_key';
const DEFAULTS = '/etc/default/dropbear';

function supports(needs: ServerNeeds): true | string {
  const ca = needs.clientAlive;
  if (ca && ca.countMax !== KEEPALIVE_LIMIT) {
    return `Dropbear's -K gives up after ${KEEPALIVE_LIMIT} missed replies (DEFAULT_KEEPALIVE_LIMIT, compiled in); clientAlive ${ca.intervalS}/${ca.countMax} with a count other than ${KEEPALIVE_LIMIT} cannot be expressed (use ${ca.intervalS}/${KEEPALIVE_LIMIT} or off)`;
  }
  if (needs.tcpKeepAlive === 'yes') {
    return 'Dropbear never sets SO_KEEPALIVE on its connections and has no option for it; tcpKeepAlive yes cannot be expressed (use tcpKeepAlive: no)';
  }
  const broken = needs.target === undefined ? undefined : PTY_BROKEN[needs.target];
  if (broken && needs.remotePty) return broken;
  return true;
}

/**
 * Packages whose terminal sessions cannot be measured: a probe there is not in a real terminal
 * session, so what a hangup does to it says nothing about Dropbear on a real server.
 */
const PTY_BROKEN: Record<string, string> = {
  'debian-bullseye':
    "Dropbear 2020.81 (bullseye's) gives its pty logins in these targets no controlling terminal (the shell reports ioctl(TIOCSCTTY) failing), so a terminal session there is not one; run pty cells on bookworm or later",
};

/**
 * The connection process of `user`'s login: a root `dropbear` that is not the listener (ppid 1)
 * and, when the snapshot shows more than one (a root login sees every root process), the one that
 * is the parent of a process of the snapshot.
 */
function sessionProcess(procs: ProcessInfo[], user: string): ProcessInfo | null {
  const candidates = procs.filter(p => p.comm === COMM && p.uid === 0 && p.ppid !== 1);
  const withChild = candidates.filter(p => procs.some(c => c.ppid === p.pid));
  // For a user other than root, the snapshot holds only connection processes that are the parent
  // of one of the user's processes; for root every candidate is someone's, so a child is required.
  if (user === 'root') return withChild[0] ?? null;
  return withChild[0] ?? candidates[0] ?? null;
}

/** The listener's arguments, as a map the report prints (and checks against the cell's axes). */
const FINGERPRINT_SCRIPT = [
  `echo "server.version=$(dropbear -V 2>&1 | head -1)";`,
  `args=$(ps -eo ppid=,args= | awk '$1 == 1 && $2 ~ /dropbear$/ { $1 = ""; sub(/^ /, ""); print; exit }');`,
  `echo "server.effective.args=$args";`,
  // -K and -I as given on the command line (absent: Dropbear's defaults, 0 = off).
  `k=$(echo "$args" | sed -n 's/.* -K \\([0-9]*\\).*/\\1/p'); echo "server.effective.clientaliveinterval=\${k:-0}";`,
  `echo "server.effective.clientalivecountmax=${KEEPALIVE_LIMIT}";`,
  `i=$(echo "$args" | sed -n 's/.* -I \\([0-9]*\\).*/\\1/p'); echo "server.effective.idletimeout=\${i:-0}";`,
  `echo "server.effective.tcpkeepalive=no";`,
  `if ldd /usr/sbin/dropbear | grep -q libpam; then echo server.effective.usepam=yes; else echo server.effective.usepam=no; fi;`,
].join('');

export default defineServer({
  name: 'dropbear',
  summary: "Dropbear as Debian ships it (no PAM, so no logind session), its dropbear unit under systemd, configured by /etc/default/dropbear",
  // -K is the probe interval; the count is fixed (KEEPALIVE_LIMIT), and there is no TCP keepalive.
  keepalive: { probeInterval: '-K', idleTimeout: '-I' },
  // KEEPALIVE_LIMIT silent intervals, checked once per interval at most: measured 2.1-3.1 s with
  // -K 1 (scenarios/stacks.yaml, 42 drop cells on bookworm's 2022.83).
  keepaliveGivesUpS: a => (KEEPALIVE_LIMIT + 1) * a.intervalS,
  service: 'dropbear',
  hostKeyScript: `dropbearkey -y -f ${HOST_KEY} | grep '^ssh-ed25519 '`,
  banner: /^SSH-2\.0-dropbear/,
  rootSessionComm: COMM,
  // Built without PAM (above): pam_systemd never runs for its logins.
  logindSession: false,
  supports,
  configure,
  loginLog,
  sessionProcess,
  // No privilege separation: the connection process is itself root, there is no separate monitor.
  monitorProcess: () => null,
  fingerprint: {
    script: FINGERPRINT_SCRIPT,
    stopModeOf: 'dropbear',
    read: kv => ({
      version: kv['server.version'] ?? '?',
      effective: Object.fromEntries(Object.entries(kv).filter(([k]) => k.startsWith('server.effective.')).map(([k, v]) => [k.slice('server.effective.'.length), v])),
      killMode: kv['server.killmode'] ?? '?',
    }),
  },
});

/**
 * Dropbear logs "Pubkey auth succeeded for 'USER'", "Login attempt for nonexistent user", "bad
 * ownership or modes" with the name; -E sends them to the unit's stderr (bookworm, trixie), and
 * bullseye's init script to syslog: both land in the unit's journal.
 */
function loginLog(user: string, serviceLog: (units: string) => string): string {
  return `${serviceLog('dropbear.service')} | grep -F -- '${user}' | tail -n 6`;
}

/** The lines of /etc/default/dropbear: read by the unit (bookworm, trixie) and the init script (bullseye). */
export function renderDefaults(clientAliveIntervalS: number): string {
  // -r: only the ed25519 key, the one the harness pins. -I 0: no idle timeout (Dropbear's default,
  // written out so the fingerprint shows it).
  const args = ['-K', String(clientAliveIntervalS), '-I', '0', '-r', HOST_KEY].join(' ');
  return ['# written by hangup-lab for this container', 'NO_START=0', 'DROPBEAR_PORT=22', 'DROPBEAR_RECEIVE_WINDOW=65536', `DROPBEAR_EXTRA_ARGS="${args}"`, ''].join('\n');
}

async function configure(ctx: ServerConfigureContext): Promise<void> {
  const { settings: s } = ctx;
  // sshd_config lines mean nothing to Dropbear: passing them on would silently drop them.
  if (s.extra.length) {
    throw new BadInputError(`${ctx.scenarioFile}: sshd.extra[0]: "${s.extra[0]}" is an sshd_config line, and the dropbear server has no sshd_config; remove sshd.extra or run these cells with server: openssh`);
  }
  if (s.userConfig) {
    throw new BadInputError(`${ctx.scenarioFile}: sshd.config: ${s.userConfig.file} is an sshd_config, and the dropbear server has no sshd_config; remove sshd.config (or --sshd-config) or run these cells with server: openssh`);
  }
  const why = supports({ clientAlive: s.clientAlive, tcpKeepAlive: s.tcpKeepAlive ? 'yes' : 'no' });
  // The plan declines such cells before any container starts: reaching here is a bug, not input.
  if (why !== true) throw new Error(`dropbear configured for settings it cannot express: ${why}`);
  await ctx.copy([{ content: renderDefaults(s.clientAlive?.intervalS ?? 0), target: DEFAULTS, mode: 0o644 }]);
  // OpenSSH leaves port 22 (masked, so nothing starts it again); the host key is made once per
  // container, since the image carries none (containers/debian/Dockerfile).
  const r = await ctx.sh(
    [
      'systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1; systemctl mask ssh.service >/dev/null 2>&1',
      `[ -s ${HOST_KEY} ] || dropbearkey -t ed25519 -f ${HOST_KEY} >/dev/null 2>&1`,
      'systemctl restart dropbear.service 2>&1 && systemctl is-active --quiet dropbear.service 2>&1',
    ].join('; '),
  );
  if (r.exitCode !== 0) throw new InfrastructureError(`target ${ctx.targetName}: starting dropbear failed: ${(r.stdout + r.stderr).trim() || `exit ${r.exitCode}`}; see \`journalctl -u dropbear\` in the container`);
}
