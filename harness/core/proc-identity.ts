// Which process a pid names now. The kernel hands a pid out again once its process is reaped, and
// pid_max is 32768 on these machines: a signal sent to the pid of a client that has gone can reach
// a stranger. Seen under load: the harness's SIGKILL for an ssh client that had exited killed a
// probe in a target (another pid namespace, the same host pid), and a cell was judged "killed".
import fs from 'node:fs';

interface Stat {
  pgrp: number;
  /** field 22, clock ticks after boot: with the pid, a process's identity */
  startTime: number;
}

/**
 * /proc/PID/stat taken apart: the pid, the comm (which may hold spaces and parentheses: it ends at
 * the last ")"), and the fields after it, from the state on (0: state, 1: ppid, 2: pgrp, …,
 * 11-14: utime stime cutime cstime, 19: starttime). Null when the process is gone.
 */
export function readStat(pid: number | 'self', procDir = '/proc'): { pid: number; comm: string; fields: string[] } | null {
  try {
    const s = fs.readFileSync(`${procDir}/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    return { pid: Number(s.slice(0, s.indexOf(' '))), comm: s.slice(s.indexOf('(') + 1, close), fields: s.slice(close + 2).split(' ') };
  } catch {
    return null;
  }
}

function statOf(pid: number, procDir: string): Stat | null {
  const st = readStat(pid, procDir);
  return st && { pgrp: Number(st.fields[2]), startTime: Number(st.fields[19]) };
}

/** The start time of `pid` now (null: no such process), to tell it apart from a later one. */
export function startTimeOf(pid: number, procDir = '/proc'): number | null {
  return statOf(pid, procDir)?.startTime ?? null;
}

/** The pid namespace `pid` is in ("pid:[4026531836]"), or null when it is gone. */
export function pidNamespaceOf(pid: number | string, procDir = '/proc'): string | null {
  try {
    return fs.readlinkSync(`${procDir}/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/**
 * The pids a signal meant for `target` (a pid, or -pgid for a group) started at `startTime` may
 * still go to: the process itself while it is the same one; for a group whose leader is gone, its
 * members in this harness's own pid namespace that started no earlier than the leader (a probe in a
 * target's namespace that was given the same number is never one). Empty: nothing of ours is left.
 */
export function stillOurs(target: number, startTime: number | null, procDir = '/proc'): number[] {
  if (startTime === null) return [];
  const pid = Math.abs(target);
  const leader = statOf(pid, procDir);
  if (leader?.startTime === startTime) return [target];
  if (target > 0) return [];
  const own = pidNamespaceOf('self', procDir);
  return fs
    .readdirSync(procDir)
    .filter(d => /^\d+$/.test(d))
    .map(Number)
    .filter(p => {
      const s = statOf(p, procDir);
      return s !== null && s.pgrp === pid && s.startTime >= startTime && pidNamespaceOf(p, procDir) === own;
    });
}
