// Reads where the CPU goes while a run runs: told of each target container as it starts and just
// before it is removed (run/servers.ts calls `started` and `removing`), and polling the live ones.
//
// Both, and why: the containers are removed during the run, and their cgroup counters and shims
// with them. A reading just before removal (the hook) makes a container's own and top-level numbers
// exact; a 1 Hz poll alone would lose up to a second of each container's end (many own containers
// in a matrix: many seconds). The poll is still needed for the transient cgroups inside (a cell's
// user-N.slice and session scope are removed when its user logs out, long before the container
// goes): what the last poll read of them is a lower bound, and breakdown.ts says so. Counters only
// grow, so the largest reading of each cgroup is kept.
import os from 'node:os';
import type { Usage } from '../results.js';
import { usageBreakdown, type ContainerRecord, type RawUsage } from './breakdown.js';
import { containerCgroups, describeSources, readTree, type ContainerCgroups } from './cgroup-files.js';
import { allProcesses, cmdlineOf, innermostPid, loadAverage, machineTicks, peakRssBytes, procTimes, type ProcTimes } from './proc-files.js';

export interface SamplerOptions {
  procDir?: string;
  cgroupRoot?: string;
  /** 0: no timer (tests call poll() themselves) */
  pollMs?: number;
}

interface Tracked {
  record: ContainerRecord;
  cgroups: ContainerCgroups | null;
  shim: ProcTimes | null;
  done: boolean;
}

const ENGINE = new Set(['dockerd', 'containerd']);

export class UsageSampler {
  private readonly procDir: string;
  private readonly cgroupRoot: string;
  private readonly tracked = new Map<string, Tracked>();
  private readonly timer: NodeJS.Timeout | null;
  private readonly machineBefore: number | null;
  private readonly selfBefore: ProcTimes | null;
  private readonly engineBefore: ProcTimes[];

  constructor(o: SamplerOptions = {}) {
    this.procDir = o.procDir ?? '/proc';
    this.cgroupRoot = o.cgroupRoot ?? '/sys/fs/cgroup';
    this.machineBefore = machineTicks(this.procDir)?.busy ?? null;
    this.selfBefore = procTimes('self', this.procDir);
    this.engineBefore = allProcesses(this.procDir).filter(p => ENGINE.has(p.comm));
    const pollMs = o.pollMs ?? 1000;
    // Unref'd: a forgotten sampler never keeps the CLI alive.
    this.timer = pollMs > 0 ? setInterval(() => this.poll(), pollMs).unref() : null;
  }

  /** A target container is up: find its cgroups (through its shim's child, its PID 1) and read it. */
  started(c: { id: string; server: string; role: 'shared' | 'own' }): void {
    const t: Tracked = {
      record: { id: c.id, server: c.server, role: c.role, cgroups: {}, topAtEnd: [], readBeforeRemoval: false, shim: null, sources: '' },
      cgroups: null,
      shim: null,
      done: false,
    };
    this.tracked.set(c.id, t);
    this.read(t);
  }

  /** The container is about to be removed: its last, complete reading. */
  removing(id: string): void {
    const t = this.tracked.get(id);
    if (!t || t.done) return;
    this.read(t);
    t.record.readBeforeRemoval = t.cgroups !== null;
    t.done = true;
  }

  /** Read every live container once (the timer's tick). */
  poll(): void {
    for (const t of this.tracked.values()) if (!t.done) this.read(t);
  }

  private locate(t: Tracked): void {
    const procs = allProcesses(this.procDir);
    const shim = procs.find(p => p.comm.startsWith('containerd-shim') && hasId(cmdlineOf(p.pid, this.procDir), t.record.id));
    if (!shim) return;
    t.shim = shim;
    // The container's PID 1: a child of the shim that is pid 1 of a namespace below ours.
    const init = procs.find(p => p.ppid === shim.pid && isNamespaceInit(innermostPid(p.pid, this.procDir)));
    if (!init) return;
    t.cgroups = containerCgroups(init.pid, { procDir: this.procDir, cgroupRoot: this.cgroupRoot });
    t.record.sources = describeSources(t.cgroups);
  }

  private read(t: Tracked): void {
    try {
      if (!t.cgroups) this.locate(t);
      if (t.cgroups) {
        const tree = readTree(t.cgroups);
        for (const [rel, r] of tree) {
          const old = t.record.cgroups[rel];
          t.record.cgroups[rel] = {
            usageUsec: max(old?.usageUsec ?? null, r.usageUsec),
            peakBytes: max(old?.peakBytes ?? null, r.peakBytes),
          };
        }
        t.record.topAtEnd = [...tree.keys()].filter(k => k !== '' && !k.includes('/'));
      }
      if (t.shim) {
        const now = procTimes(t.shim.pid, this.procDir);
        if (now && now.startTime === t.shim.startTime) {
          t.record.shim = { own: now.own, children: now.children, peakBytes: max(t.record.shim?.peakBytes ?? null, peakRssBytes(t.shim.pid, this.procDir)) };
        }
      }
    } catch {
      // A reading is best effort: a cgroup removed mid-walk is read again next time, or was already.
    }
  }

  /** Stop polling, read the machine, the engine and the harness once more, and make the rows. */
  finish(): Usage | null {
    if (this.timer) clearInterval(this.timer);
    const selfAfter = procTimes('self', this.procDir);
    const machineAfter = machineTicks(this.procDir)?.busy ?? null;
    if (!this.selfBefore || !selfAfter) return null;
    const engineAfter = allProcesses(this.procDir).filter(p => ENGINE.has(p.comm));
    const raw: RawUsage = {
      cores: os.cpus().length,
      machine: this.machineBefore !== null && machineAfter !== null ? { before: this.machineBefore, after: machineAfter } : null,
      self: { before: this.selfBefore, after: selfAfter, peakBytes: peakRssBytes('self', this.procDir) },
      engine: { before: this.engineBefore, after: engineAfter, peakBytes: Object.fromEntries(engineAfter.map(p => [p.pid, peakRssBytes(p.pid, this.procDir)])) },
      containers: [...this.tracked.values()].map(t => t.record),
      loadAverage: loadAverage(this.procDir),
      notes: [...this.tracked.values()].filter(t => !t.cgroups).map(t => `container ${t.record.id.slice(0, 12)}: its cgroups were not found (no shim or PID 1 in /proc: a remote engine?); not counted`),
    };
    return usageBreakdown(raw);
  }
}

const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** containerd-shim-runc-v2 -namespace moby -id <container id> -address …; older shims name it elsewhere in argv. */
function hasId(argv: string[], id: string): boolean {
  const i = argv.indexOf('-id');
  return i >= 0 ? argv[i + 1] === id : argv.some(a => a.includes(id));
}

function isNamespaceInit(ns: { inner: number; levels: number } | null): boolean {
  return ns !== null && ns.inner === 1 && ns.levels > 1;
}
