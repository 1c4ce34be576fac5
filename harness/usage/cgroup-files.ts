// A container's cgroup subtree as the host's cgroup files account it: CPU time and peak memory of
// the container and of every cgroup its systemd made below it (system.slice/ssh.service,
// user.slice/user-N.slice/session-M.scope, …).
//
// Which files, by hierarchy:
// - cgroup v2: cpu.stat `usage_usec` (kept by the cgroup core in every cgroup, with or without the
//   cpu controller) and memory.peak (kernel 5.19+, only where the memory controller is enabled).
//   On this project's hybrid hosts the unified hierarchy (/sys/fs/cgroup/unified) has no controller
//   at all, yet its cpu.stat is there in every cgroup and agrees with v1's cpuacct.usage at the
//   container's root (measured: 39.6928 s vs 39.6926 s): the per-unit split is read from it. On a
//   pure v2 host the same files sit under /sys/fs/cgroup; memory.peak there is UNVERIFIED HERE
//   (no v2 host to measure on), and so is cpu.stat at /sys/fs/cgroup/<path>.
// - cgroup v1: cpuacct.usage (ns) and memory.max_usage_in_bytes. A target's systemd does not make
//   children in v1's cpuacct (it has none: measured), but it does in memory: the per-unit peaks come
//   from there. Both are hierarchical: a parent's counter keeps what removed children used.
import fs from 'node:fs';
import path from 'node:path';

export type CgroupKind = 'v1' | 'v2';

export interface CgroupDir {
  dir: string;
  kind: CgroupKind;
}

export interface ContainerCgroups {
  cpu: CgroupDir | null;
  memory: CgroupDir | null;
}

/**
 * The container's cgroup directories, from its PID 1's /proc/PID/cgroup (read in the host's cgroup
 * namespace, so the paths are the host's: /docker/<id> with the cgroupfs driver,
 * /system.slice/docker-<id>.scope with systemd's). A systemd PID 1 has moved itself to init.scope:
 * the container's cgroup is its parent.
 */
export function containerCgroups(initPid: number, o: { procDir?: string; cgroupRoot?: string } = {}): ContainerCgroups {
  const procDir = o.procDir ?? '/proc';
  const root = o.cgroupRoot ?? '/sys/fs/cgroup';
  let lines: string[];
  try {
    lines = fs.readFileSync(`${procDir}/${initPid}/cgroup`, 'utf8').trim().split('\n');
  } catch {
    return { cpu: null, memory: null };
  }
  const containerPath = (p: string) => p.replace(/\/init\.scope$/, '');
  const exists = (f: string) => fs.existsSync(f);
  let v2: string | null = null;
  const v1 = new Map<string, string>();
  for (const line of lines) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, , controllers, p] = m as unknown as [string, string, string, string];
    if (controllers === '') {
      // The unified hierarchy: at the root of a v2 host, under unified/ on a hybrid one.
      const base = exists(path.join(root, 'cgroup.controllers')) ? root : path.join(root, 'unified');
      v2 = path.join(base, containerPath(p));
    } else {
      for (const c of controllers.split(',')) v1.set(c, path.join(root, controllers, containerPath(p)));
    }
  }
  const cpu: CgroupDir | null =
    v2 && exists(path.join(v2, 'cpu.stat')) ? { dir: v2, kind: 'v2' } : v1.has('cpuacct') && exists(path.join(v1.get('cpuacct')!, 'cpuacct.usage')) ? { dir: v1.get('cpuacct')!, kind: 'v1' } : null;
  const memory: CgroupDir | null =
    v2 && exists(path.join(v2, 'memory.peak'))
      ? { dir: v2, kind: 'v2' }
      : v1.has('memory') && exists(path.join(v1.get('memory')!, 'memory.max_usage_in_bytes'))
        ? { dir: v1.get('memory')!, kind: 'v1' }
        : null;
  return { cpu, memory };
}

export interface CgroupReading {
  /** CPU time of the cgroup and everything below it, µs; null: not read here */
  usageUsec: number | null;
  /** the cgroup's peak memory, bytes; null: not read here */
  peakBytes: number | null;
}

function readNumber(file: string): number | null {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** CPU µs of one cgroup directory. */
export function cpuUsec(d: CgroupDir, rel = ''): number | null {
  const dir = path.join(d.dir, rel);
  if (d.kind === 'v1') {
    const ns = readNumber(path.join(dir, 'cpuacct.usage'));
    return ns === null ? null : ns / 1000;
  }
  try {
    const m = /^usage_usec (\d+)$/m.exec(fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Peak memory of one cgroup directory, bytes. */
export function memoryPeak(d: CgroupDir, rel = ''): number | null {
  return readNumber(path.join(d.dir, rel, d.kind === 'v1' ? 'memory.max_usage_in_bytes' : 'memory.peak'));
}

/** Relative paths of the cgroups below `dir`, to `depth` levels ('' is the directory itself). */
function subtree(dir: string, depth: number): string[] {
  const out = [''];
  const walk = (rel: string, level: number) => {
    if (level >= depth) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return; // removed while we looked
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      walk(r, level + 1);
    }
  };
  walk('', 0);
  return out;
}

/**
 * Three levels are enough for what the report splits: user.slice/user-N.slice/session-M.scope.
 * Deeper cgroups (a user manager's app.slice) are inside their ancestors' counters anyway.
 */
export const TREE_DEPTH = 3;

/** Every cgroup of the container to TREE_DEPTH, by path relative to its root, with what it used. */
export function readTree(c: ContainerCgroups, depth = TREE_DEPTH): Map<string, CgroupReading> {
  const out = new Map<string, CgroupReading>();
  const at = (rel: string) => out.get(rel) ?? out.set(rel, { usageUsec: null, peakBytes: null }).get(rel)!;
  if (c.cpu) for (const rel of subtree(c.cpu.dir, depth)) at(rel).usageUsec = cpuUsec(c.cpu, rel);
  if (c.memory) for (const rel of subtree(c.memory.dir, depth)) at(rel).peakBytes = memoryPeak(c.memory, rel);
  return out;
}

/** How a container's numbers were read, for the notes of the output. */
export function describeSources(c: ContainerCgroups): string {
  const cpu = !c.cpu
    ? 'CPU: no cgroup file found'
    : c.cpu.kind === 'v1'
      ? 'CPU: cgroup v1 cpuacct.usage'
      : c.cpu.dir.includes('/unified/')
        ? 'CPU: cgroup v2 cpu.stat usage_usec (the unified hierarchy of a hybrid host)'
        : 'CPU: cgroup v2 cpu.stat usage_usec (unverified here: no cgroup v2 host to measure on)';
  const mem = !c.memory
    ? 'memory: no cgroup peak file found'
    : c.memory.kind === 'v1'
      ? 'memory: cgroup v1 memory.max_usage_in_bytes (page cache included)'
      : 'memory: cgroup v2 memory.peak (unverified here: no cgroup v2 host to measure on)';
  return `${cpu}; ${mem}`;
}
