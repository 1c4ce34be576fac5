import type { ProcessInfo } from '../results.js';
import openssh from '../server/openssh.js';
import type { ServerImplementation } from '../server/types.js';

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
 * The per-session server process: the child that holds the connection and is the shell's parent.
 * Which process that is, by implementation and version, is the server implementation's fact
 * (harness/server/); the cell passes its target's.
 */
export function findSshdSession(procs: ProcessInfo[], user: string, server: Pick<ServerImplementation, 'sessionProcess'> = openssh): ProcessInfo | null {
  return server.sessionProcess(procs, user);
}

/** The root-owned privileged monitor of the same login (OpenSSH's "sshd: user [priv]"), if the server has one. */
export function findSshdMonitor(procs: ProcessInfo[], user: string, server: Pick<ServerImplementation, 'monitorProcess'> = openssh): ProcessInfo | null {
  return server.monitorProcess(procs, user);
}

/** Has an exec session's command returned? Then the sshd session process has no children left. */
export function commandReturned(procs: ProcessInfo[], sshd: ProcessInfo): boolean {
  return !procs.some(p => p.ppid === sshd.pid);
}
