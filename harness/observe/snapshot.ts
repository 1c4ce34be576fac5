import type { ProcessInfo } from '../results.js';

/**
 * Parse the target's snapshot (containers/agent/snapshot: one JSON object per line). Cgroup paths
 * lose the host's /docker/<id> prefix (cgroup v1 without a cgroup namespace), so they read as on a
 * real server: /user.slice/user-1001.slice/session-4.scope.
 */
export function parseSnapshot(stdout: string): ProcessInfo[] {
  return stdout
    .split('\n')
    .filter(l => l.startsWith('{'))
    .map(l => normalizeProcess(JSON.parse(l) as ProcessInfo));
}

/** One snapshot line as a server would show it: without the container's cgroup prefix. */
export function normalizeProcess(p: ProcessInfo): ProcessInfo {
  // v1: /docker/<id>/…; v2 in the host's cgroup namespace: /system.slice/docker-<id>.scope/…
  return { ...p, cgroup: p.cgroup.replace(/^\/docker\/[0-9a-f]{64}|^\/system\.slice\/docker-[0-9a-f]{64}\.scope/, '') || '/' };
}

/**
 * sshd's per-connection processes by OpenSSH version, as measured in the targets (ps with a live
 * session; listener "sshd: /usr/sbin/sshd -D [listener] …" in all of them):
 *
 *   8.4 (bullseye), 9.2 (bookworm)   sshd: USER [priv]          root monitor, for the whole login
 *                                    sshd: USER [net]           pre-auth, privsep user "sshd"
 *                                    sshd: USER@pts/0 | @notty  the session, as USER
 *   10.0 (trixie; 9.8+)              sshd-session: [accepted]   before the user name is known
 *                                    sshd-session: USER [priv]  root monitor
 *                                    sshd-auth: USER [net]      pre-auth (10.0+), privsep user
 *                                    sshd-session: USER@pts/0 | @notty
 *
 * The comm is the binary's name (sshd-session is 12 characters: comm's 15 keep it whole); the
 * title says which role. Both must match, so a process that merely mentions `user@` in its
 * arguments (`ssh user@host`) is never taken for sshd, and the pre-auth sshd-auth never is either.
 */
const SSHD_TITLE = /^(sshd|sshd-session): (\S+?)(@\S+| \[priv\])\s*$/;

function sshdRole(p: ProcessInfo, user: string): 'session' | 'monitor' | null {
  const m = SSHD_TITLE.exec(p.args);
  if (!m || m[1] !== p.comm || m[2] !== user) return null;
  return m[3] === ' [priv]' ? 'monitor' : 'session';
}

/**
 * The per-session sshd process: the unprivileged child that holds the connection and is the
 * shell's parent ("sshd: user@pts/0", "sshd: user@notty", or sshd-session's equivalents).
 */
export function findSshdSession(procs: ProcessInfo[], user: string): ProcessInfo | null {
  // By title, not uid: for a root login the session process runs as root too.
  return procs.find(p => sshdRole(p, user) === 'session') ?? null;
}

/** The root-owned privileged monitor of the same login ("sshd: user [priv]"). */
export function findSshdMonitor(procs: ProcessInfo[], user: string): ProcessInfo | null {
  return procs.find(p => p.uid === 0 && sshdRole(p, user) === 'monitor') ?? null;
}

/** Has an exec session's command returned? Then the sshd session process has no children left. */
export function commandReturned(procs: ProcessInfo[], sshd: ProcessInfo): boolean {
  return !procs.some(p => p.ppid === sshd.pid);
}
