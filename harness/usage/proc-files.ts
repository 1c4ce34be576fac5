// What /proc says about CPU and memory: the machine's busy time (/proc/stat), a process's own and
// reaped children's time (/proc/PID/stat) and its peak resident memory (VmHWM). Every reader takes
// the proc root, so the tests hand it a fake one.
import fs from 'node:fs';
import { readStat } from '../core/proc-identity.js';

/**
 * Clock ticks per second of /proc/stat and /proc/PID/stat: USER_HZ, 100 on every Linux this runs
 * on (the kernel's CONFIG_HZ does not change it).
 */
export const TICKS_PER_SECOND = 100;

/** Busy and total ticks of all CPUs (first line of /proc/stat); busy = total − idle − iowait. */
export function machineTicks(procDir = '/proc'): { busy: number; total: number } | null {
  try {
    const f = fs.readFileSync(`${procDir}/stat`, 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    // user nice system idle iowait irq softirq steal; guest time is already inside user.
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface ProcTimes {
  pid: number;
  comm: string;
  ppid: number;
  /** ticks the process itself ran, all its threads */
  own: number;
  /** ticks of its children that it waited for (cutime + cstime: theirs and what they reaped in turn) */
  children: number;
  /** ticks after boot: with the pid, the process's identity */
  startTime: number;
}

/** A process's times from /proc/PID/stat, or null when it is gone. */
export function procTimes(pid: number | 'self', procDir = '/proc'): ProcTimes | null {
  const st = readStat(pid, procDir);
  if (!st) return null;
  // From the state on: ppid(1) … utime(11) stime(12) cutime(13) cstime(14) … starttime(19).
  const f = st.fields.map(Number);
  return { pid: st.pid, comm: st.comm, ppid: f[1]!, own: f[11]! + f[12]!, children: f[13]! + f[14]!, startTime: f[19]! };
}

/** The most resident memory the process ever had (VmHWM), in bytes; null when gone or unknown. */
export function peakRssBytes(pid: number | 'self', procDir = '/proc'): number | null {
  try {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync(`${procDir}/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** The pid of `pid` inside its innermost pid namespace (the last NSpid field), or null. */
export function innermostPid(pid: number, procDir = '/proc'): { inner: number; levels: number } | null {
  try {
    const ns = /^NSpid:\s*(.*)$/m.exec(fs.readFileSync(`${procDir}/${pid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
    return ns?.length ? { inner: Number(ns.at(-1)), levels: ns.length } : null;
  } catch {
    return null;
  }
}

/** Every process's times, one /proc scan (the engine's processes are found by name in it). */
export function allProcesses(procDir = '/proc'): ProcTimes[] {
  let names: string[];
  try {
    names = fs.readdirSync(procDir);
  } catch {
    return [];
  }
  return names.filter(d => /^\d+$/.test(d)).flatMap(d => procTimes(Number(d), procDir) ?? []);
}

export function cmdlineOf(pid: number, procDir = '/proc'): string[] {
  try {
    return fs.readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The 1, 5 and 15 minute load averages, or [] when /proc/loadavg cannot be read. */
export function loadAverage(procDir = '/proc'): number[] {
  try {
    return fs.readFileSync(`${procDir}/loadavg`, 'utf8').trim().split(/\s+/).slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
