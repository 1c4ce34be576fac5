// A fake host for usage/: a /proc with a few processes and a cgroup tree of a target container, as
// this project's hybrid hosts lay them out (v1 controllers, plus a controller-less unified v2
// hierarchy where the container's systemd makes its units), or as a pure v2 host would.
import fs from 'node:fs';
import path from 'node:path';

export interface FakeProcess {
  comm: string;
  ppid?: number;
  /** utime, stime, cutime, cstime in ticks */
  times?: [number, number, number, number];
  startTime?: number;
  cmdline?: string[];
  /** NSpid, outermost first */
  nspid?: number[];
  vmHwmKb?: number;
  /** /proc/PID/cgroup lines */
  cgroup?: string[];
}

export function writeProcess(procDir: string, pid: number | 'self', p: FakeProcess): void {
  const dir = path.join(procDir, String(pid));
  fs.mkdirSync(dir, { recursive: true });
  const [u, s, cu, cs] = p.times ?? [0, 0, 0, 0];
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
  fs.writeFileSync(path.join(dir, 'stat'), `${pid === 'self' ? 4242 : pid} (${p.comm}) S ${p.ppid ?? 1} 1 1 0 -1 0 0 0 0 0 ${u} ${s} ${cu} ${cs} 20 0 1 0 ${p.startTime ?? 1000} 0 0\n`);
  fs.writeFileSync(path.join(dir, 'status'), `Name:\t${p.comm}\nVmHWM:\t${p.vmHwmKb ?? 1024} kB\nNSpid:\t${(p.nspid ?? [pid === 'self' ? 4242 : pid]).join('\t')}\n`);
  fs.writeFileSync(path.join(dir, 'cmdline'), (p.cmdline ?? [p.comm]).join('\0') + '\0');
  if (p.cgroup) fs.writeFileSync(path.join(dir, 'cgroup'), p.cgroup.join('\n') + '\n');
}

export function writeMachine(procDir: string, busy: number, idle: number): void {
  fs.mkdirSync(procDir, { recursive: true });
  // user nice system idle iowait irq softirq steal guest guest_nice
  fs.writeFileSync(path.join(procDir, 'stat'), `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n`);
  fs.writeFileSync(path.join(procDir, 'loadavg'), '3.50 2.25 1.00 3/300 999\n');
}

/** A v2 cgroup (cpu.stat usage_usec; memory.peak when given). */
export function writeV2(dir: string, usageUsec: number, peakBytes?: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cpu.stat'), `usage_usec ${usageUsec}\nuser_usec ${Math.floor(usageUsec / 2)}\nsystem_usec ${Math.ceil(usageUsec / 2)}\nnice_usec 0\n`);
  if (peakBytes !== undefined) fs.writeFileSync(path.join(dir, 'memory.peak'), `${peakBytes}\n`);
}

export function writeV1Cpu(dir: string, usageNs: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cpuacct.usage'), `${usageNs}\n`);
}

export function writeV1Memory(dir: string, peakBytes: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'memory.max_usage_in_bytes'), `${peakBytes}\n`);
}

/** /proc/PID/cgroup of a systemd PID 1 in container `id` on a hybrid host (cgroupfs driver). */
export const hybridInitCgroup = (id: string) => [
  `9:name=systemd:/docker/${id}/init.scope`,
  `4:memory:/docker/${id}/init.scope`,
  `2:cpuacct:/docker/${id}`,
  `1:cpu:/docker/${id}`,
  `0::/docker/${id}/init.scope`,
];
