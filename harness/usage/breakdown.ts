// From what the sampler read (cgroup counters of each target container, /proc times of the engine's
// processes and of the harness, /proc/stat of the machine) to the rows results.json keeps. Pure: the
// arithmetic and the honesty labels are tested on made-up readings.
//
// Exactness, by construction:
// - a container's own counter and its top-level cgroups (init.scope, system.slice, user.slice) live
//   as long as the container: the last reading before it is removed is their whole life, exact;
// - the container's own cgroup minus its top-level ones is exact arithmetic: the processes `docker
//   exec` puts there (the agent's watch/snapshot/cutter, setup scripts: measured, they land in the
//   container's cgroup itself, 0::/docker/<id>), and all of a target whose PID 1 makes no cgroups;
// - anything deeper (ssh.service, user@N.service, session-N.scope) may be removed, or removed and
//   made again, between two readings: what was read is a lower bound ("sampled"), and what its
//   exact parent used beyond the sum is a "not caught by a sample" row;
// - the engine's and the harness's processes: /proc/PID/stat deltas over the run, matched by pid and
//   start time (a process that restarted in between is counted from its start).
import type { Usage, UsagePart } from '../results.js';
import type { CgroupReading } from './cgroup-files.js';
import { TICKS_PER_SECOND, type ProcTimes } from './proc-files.js';

export interface ContainerRecord {
  id: string;
  server: string;
  role: 'shared' | 'own';
  /** the largest reading of each cgroup (counters only grow), by path relative to the container's ('' itself) */
  cgroups: Record<string, CgroupReading>;
  /** the top-level cgroups present at the last reading */
  topAtEnd: string[];
  /** whether the last reading was taken just before removal (else: the last poll) */
  readBeforeRemoval: boolean;
  /** its containerd-shim-runc-v2, last reading; null: not found on this machine */
  shim: { own: number; children: number; peakBytes: number | null } | null;
  /** how its numbers were read (cgroup-files.ts describeSources) */
  sources: string;
}

export interface RawUsage {
  cores: number;
  machine: { before: number; after: number } | null;
  self: { before: ProcTimes; after: ProcTimes; peakBytes: number | null };
  /** dockerd and containerd, before and after the run */
  engine: { before: ProcTimes[]; after: ProcTimes[]; peakBytes: Record<number, number | null> };
  containers: ContainerRecord[];
  loadAverage: number[];
  notes: string[];
}

const CONTAINERS = 'target containers';
const ENGINE = 'docker engine';
export const OWN_CGROUP = "the container's own cgroup (docker exec: agent watch/snapshot/cutter, setup scripts)";
export const NOT_CAUGHT = 'not caught by a sample';

const seconds = (ticks: number) => ticks / TICKS_PER_SECOND;
const usec = (r: CgroupReading | undefined) => r?.usageUsec ?? 0;
const maxOf = (xs: (number | null)[]): number | null => xs.reduce<number | null>((m, x) => (x === null ? m : m === null ? x : Math.max(m, x)), null);

/** The row name of a cgroup below system.slice or a user-N.slice: per-user and per-session numbers folded. */
export function unitGroup(name: string, under: 'system.slice' | 'user.slice' | string): string {
  if (under === 'user.slice') {
    if (/^user@\d+\.service$/.test(name)) return 'user managers (user@UID.service)';
    if (/^session-[^.]+\.scope$/.test(name)) return 'session scopes (session-N.scope)';
  }
  if (/^run-.*\.(scope|service)$/.test(name)) return `transient units (systemd-run: run-*.${name.split('.').at(-1)})`;
  return name.replace(/@\d+\./, '@UID.').replace(/^session-\d+\./, 'session-N.');
}

/** The cgroups that make `top`'s rows: system.slice/X; user.slice/user-N.slice/X (the user slices are only their sum). */
function partsOf(top: string, paths: string[]): string[] {
  const depth = top === 'user.slice' ? 3 : 2;
  return paths.filter(p => p.startsWith(`${top}/`) && p.split('/').length === depth);
}

const WEAKNESS: Record<UsagePart['how'], number> = { exact: 0, remainder: 1, sampled: 2, estimate: 3 };

interface Acc {
  usec: number;
  peak: (number | null)[];
  how: UsagePart['how'];
  count: number;
}

/** Rows of the target containers, summed over all of them; order: fixed rows, then parts by size. */
function containerRows(containers: ContainerRecord[]): UsagePart[] {
  const rows = new Map<string, Acc>();
  const add = (key: string[], us: number, peak: number | null, how: UsagePart['how'], n = 1) => {
    const k = JSON.stringify(key);
    const a = rows.get(k) ?? { usec: 0, peak: [], how, count: 0 };
    a.usec += us;
    a.peak.push(peak);
    a.count += n;
    // A row is only as exact as the least exact of what it sums.
    if (WEAKNESS[how] > WEAKNESS[a.how]) a.how = how;
    rows.set(k, a);
  };
  for (const c of containers) {
    const paths = Object.keys(c.cgroups);
    const root = c.cgroups[''];
    const rootHow = c.readBeforeRemoval ? 'exact' : 'sampled';
    add([CONTAINERS], usec(root), root?.peakBytes ?? null, rootHow);
    const tops = paths.filter(p => p !== '' && !p.includes('/'));
    add([CONTAINERS, OWN_CGROUP], usec(root) - tops.reduce((s, t) => s + usec(c.cgroups[t]), 0), null, rootHow === 'exact' ? 'remainder' : 'sampled');
    for (const top of tops) {
      const r = c.cgroups[top];
      add([CONTAINERS, top], usec(r), r?.peakBytes ?? null, c.readBeforeRemoval && c.topAtEnd.includes(top) ? 'exact' : 'sampled');
      const parts = partsOf(top, paths);
      if (!parts.length) continue;
      for (const p of parts) add([CONTAINERS, top, unitGroup(p.split('/').at(-1)!, top)], usec(c.cgroups[p]), c.cgroups[p]?.peakBytes ?? null, 'sampled');
      add([CONTAINERS, top, NOT_CAUGHT], usec(r) - parts.reduce((s, p) => s + usec(c.cgroups[p]), 0), null, 'remainder');
    }
  }
  const list = [...rows].map(([k, a]): UsagePart => ({ path: JSON.parse(k) as string[], coreSeconds: a.usec / 1e6, peakBytes: maxOf(a.peak), how: a.how, count: a.count }));
  // Table order: the total, the container's own cgroup, each top-level cgroup followed by its parts
  // (largest first, the remainder last).
  const rank = (p: UsagePart) => (p.path.length === 1 ? 0 : p.path[1] === OWN_CGROUP ? 1 : 2);
  const byTop = (p: UsagePart) => p.path[1] ?? '';
  return list.sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (byTop(a) !== byTop(b)) return byTop(a).localeCompare(byTop(b));
    if (a.path.length !== b.path.length) return a.path.length - b.path.length;
    if ((a.path[2] === NOT_CAUGHT) !== (b.path[2] === NOT_CAUGHT)) return a.path[2] === NOT_CAUGHT ? 1 : -1;
    return b.coreSeconds - a.coreSeconds;
  });
}

/** Ticks each named process used over the run (own, and with the children it reaped when asked). */
export function processDelta(before: ProcTimes[], after: ProcTimes[], withChildren: boolean): { ticks: number; restarted: boolean } {
  let ticks = 0;
  let restarted = false;
  for (const a of after) {
    const b = before.find(x => x.pid === a.pid && x.startTime === a.startTime);
    // Not there before: it started during the run, all of its time is the run's.
    if (!b) restarted = true;
    ticks += a.own - (b?.own ?? 0) + (withChildren ? a.children - (b?.children ?? 0) : 0);
  }
  if (before.some(b => !after.some(a => a.pid === b.pid && a.startTime === b.startTime))) restarted = true;
  return { ticks, restarted };
}

function engineRows(raw: RawUsage, ownCgroupUsec: number): { rows: UsagePart[]; notes: string[] } {
  const notes: string[] = [];
  const rows: UsagePart[] = [];
  for (const name of ['dockerd', 'containerd']) {
    const before = raw.engine.before.filter(p => p.comm === name);
    const after = raw.engine.after.filter(p => p.comm === name);
    if (!before.length && !after.length) {
      notes.push(`${name}: no such process on this machine (a remote engine?): not counted, it is in "other" if local`);
      continue;
    }
    const d = processDelta(before, after, true);
    if (d.restarted) notes.push(`${name} started or ended during the run: only what the processes there at the end used since they started is counted`);
    rows.push({
      path: [ENGINE, name === 'dockerd' ? 'dockerd (and the docker-proxy processes it reaped)' : 'containerd'],
      coreSeconds: seconds(d.ticks),
      peakBytes: maxOf(after.map(p => raw.engine.peakBytes[p.pid] ?? null)),
      how: d.restarted ? 'sampled' : 'exact',
      count: after.length,
    });
  }
  const shims = raw.containers.flatMap(c => (c.shim ? [{ ...c.shim, exact: c.readBeforeRemoval }] : []));
  if (shims.length < raw.containers.length) notes.push(`${raw.containers.length - shims.length} target container(s) had no containerd-shim found in /proc: their shim and runc time is not counted`);
  if (shims.length) {
    const exact = shims.every(s => s.exact);
    rows.push({
      path: [ENGINE, 'containerd-shim-runc-v2, one per target container (itself)'],
      coreSeconds: seconds(shims.reduce((s, x) => s + x.own, 0)),
      peakBytes: maxOf(shims.map(s => s.peakBytes)),
      how: exact ? 'exact' : 'sampled',
      count: shims.length,
    });
    // A shim is the subreaper of every process `runc` starts, and of every `docker exec`'d process:
    // its reaped children's time is runc's plus that of the exec'd processes, which the containers'
    // own cgroups already count. What is left is runc's (an estimate: an exec'd process still running
    // at the last reading is in the cgroup but not yet in the shim's children).
    const children = seconds(shims.reduce((s, x) => s + x.children, 0));
    rows.push({
      path: [ENGINE, "runc (the shims' reaped children minus the containers' own cgroup)"],
      coreSeconds: Math.max(0, children - ownCgroupUsec / 1e6),
      peakBytes: null,
      how: 'estimate',
      count: shims.length,
    });
    notes.push(
      `runc: the shims reaped ${children.toFixed(1)} core-s of children (runc and the docker exec'd processes); the containers' own cgroups, where the exec'd processes run, hold ${(ownCgroupUsec / 1e6).toFixed(1)}: runc is the difference, at least 0`,
    );
  }
  const total: UsagePart = { path: [ENGINE], coreSeconds: rows.reduce((s, r) => s + r.coreSeconds, 0), peakBytes: null, how: rows.every(r => r.how === 'exact') ? 'exact' : 'estimate', count: 1 };
  return { rows: [total, ...rows], notes };
}

/** The rows and notes results.json keeps. */
export function usageBreakdown(raw: RawUsage): Usage {
  const containers = containerRows(raw.containers);
  const containerTotal = containers.find(p => p.path.length === 1)?.coreSeconds ?? 0;
  const ownCgroup = (containers.find(p => p.path[1] === OWN_CGROUP)?.coreSeconds ?? 0) * 1e6;
  const engine = engineRows(raw, ownCgroup);
  const self: UsagePart = {
    path: ['harness: node (this process)'],
    coreSeconds: seconds(raw.self.after.own - raw.self.before.own),
    peakBytes: raw.self.peakBytes,
    how: 'exact',
    count: 1,
  };
  const children: UsagePart = {
    path: ['harness: its children (ssh clients, docker CLI: exec -i, inspect; ssh-keygen, ssh -V)'],
    coreSeconds: seconds(raw.self.after.children - raw.self.before.children),
    peakBytes: null,
    how: 'exact',
    count: 1,
  };
  const busySeconds = raw.machine ? seconds(raw.machine.after - raw.machine.before) : 0;
  const accounted = containerTotal + (engine.rows[0]?.coreSeconds ?? 0) + self.coreSeconds + children.coreSeconds;
  const other: UsagePart = { path: ['other: the rest of the machine'], coreSeconds: busySeconds - accounted, peakBytes: null, how: 'remainder', count: 1 };
  const notes = [...raw.notes, ...new Set(raw.containers.map(c => c.sources))];
  if (!raw.machine) notes.push('/proc/stat could not be read: no machine total, no "other"');
  if (raw.containers.some(c => !c.readBeforeRemoval)) notes.push('some containers were not read just before removal: their last poll (≤ 1 s earlier) is used, a lower bound');
  notes.push(
    'harness children: only children the harness has waited for (cutime/cstime); their peak memory is not readable from /proc',
    'docker engine: shared with anything else using Docker on this machine; containers that are not this run\'s targets (NAT routers, a neighbour\'s) and their shims are in "other"',
  );
  if (other.coreSeconds < 0) notes.push('"other" is negative: some time was counted twice (or the counters are read at slightly different moments)');
  return {
    cores: raw.cores,
    busySeconds,
    loadAverage: raw.loadAverage,
    parts: [...containers, ...engine.rows, self, children, ...(raw.machine ? [other] : [])],
    containers: raw.containers.map(c => ({ id: c.id, server: c.server, role: c.role, coreSeconds: usec(c.cgroups['']) / 1e6, peakBytes: c.cgroups['']?.peakBytes ?? null })),
    notes: [...notes, ...engine.notes],
  };
}
