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
    .map(l => {
      const p = JSON.parse(l) as ProcessInfo;
      return { ...p, cgroup: p.cgroup.replace(/^\/docker\/[0-9a-f]{64}/, '') || '/' };
    });
}

/** Process names of sshd's per-session process across OpenSSH versions (9.8 moved it to sshd-session). */
const SSHD_COMMS = new Set(['sshd', 'sshd-session']);

/**
 * The per-session sshd process: the unprivileged child that holds the connection and is the
 * shell's parent ("sshd: user@pts/0", "sshd: user@notty", or sshd-session's equivalents).
 */
export function findSshdSession(procs: ProcessInfo[], user: string): ProcessInfo | null {
  // By name, not uid: for a root login the session process runs as root too.
  return procs.find(p => SSHD_COMMS.has(p.comm) && p.args.includes(`${user}@`)) ?? null;
}

/** The root-owned privileged monitor of the same login ("sshd: user [priv]"). */
export function findSshdMonitor(procs: ProcessInfo[], user: string): ProcessInfo | null {
  return procs.find(p => p.uid === 0 && SSHD_COMMS.has(p.comm) && p.args.includes(`${user} [priv]`)) ?? null;
}

/** Has an exec session's command returned? Then the sshd session process has no children left. */
export function commandReturned(procs: ProcessInfo[], sshd: ProcessInfo): boolean {
  return !procs.some(p => p.ppid === sshd.pid);
}
