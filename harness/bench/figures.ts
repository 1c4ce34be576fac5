// The figures `npm run bench` prints, computed from one run's results.json (pure, so they can be
// recomputed from any saved run). Definitions, stated where they are printed too:
// - wall: the run's duration;
// - floor: what no scheduler could beat with unlimited cores: one container boot, then the slowest
//   cell's inherent time = the harness's fastest observed per-cell setup plus that cell's watched
//   time (sever → verdict, which the physics decides: detection, settle windows);
// - one at a time: the same cells sequentially, each in a fresh container, estimated as
//   n × (median boot + fastest setup) + Σ watched;
// - CPU floor: the CPU seconds the run consumed (measured by the caller) / cores: on a small machine
//   the work itself, not waiting, bounds the wall time.
import type { CellResult, RunResult } from '../results.js';

export interface CpuSample {
  /** CPU seconds spent by the whole machine during the run (all processes, containers included) */
  busySeconds: number;
  cores: number;
}

export interface BenchFigures {
  cells: number;
  wallMs: number;
  bootMs: { first: number; median: number; containers: number };
  setupMinMs: number;
  slowest: { cell: CellResult; inherentMs: number } | null;
  floorMs: number;
  wallOverFloor: number;
  sequentialMs: number;
  sequentialOverWall: number;
  cpu: (CpuSample & { floorMs: number; wallOverCpuFloor: number; perCellSeconds: number }) | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

/** The harness's own time in a cell: everything but waiting for a server and watching the physics. */
export function setupMs(c: CellResult): number {
  return Math.max(0, c.timing.durationMs - c.timing.serverWaitMs - c.timing.watchedMs);
}

export function benchFigures(r: RunResult, cpu: CpuSample | null = null): BenchFigures {
  // Cells that were judged without running anything (not-applicable before a login) say nothing
  // about setup cost.
  const ran = r.cells.filter(c => c.before.length > 0);
  const setupMin = ran.length ? Math.min(...ran.map(setupMs)) : 0;
  const boots = r.containers.filter(c => c.role !== 'router').map(c => c.bootMs);
  const firstBoot = r.containers[0]?.bootMs ?? 0;
  let slowest: BenchFigures['slowest'] = null;
  for (const c of r.cells) {
    const inherentMs = (c.before.length ? setupMin : 0) + c.timing.watchedMs;
    if (!slowest || inherentMs > slowest.inherentMs) slowest = { cell: c, inherentMs };
  }
  const floorMs = firstBoot + (slowest?.inherentMs ?? 0);
  const bootMedian = median(boots);
  const sequentialMs = r.cells.reduce((sum, c) => sum + bootMedian + (c.before.length ? setupMin : 0) + c.timing.watchedMs, 0);
  const cpuFigures = cpu
    ? {
        ...cpu,
        floorMs: (cpu.busySeconds / cpu.cores) * 1000,
        wallOverCpuFloor: r.durationMs / Math.max(1, (cpu.busySeconds / cpu.cores) * 1000),
        perCellSeconds: cpu.busySeconds / Math.max(1, r.cells.length),
      }
    : null;
  return {
    cells: r.cells.length,
    wallMs: r.durationMs,
    bootMs: { first: firstBoot, median: bootMedian, containers: boots.length },
    setupMinMs: setupMin,
    slowest,
    floorMs,
    wallOverFloor: r.durationMs / Math.max(1, floorMs),
    sequentialMs,
    sequentialOverWall: sequentialMs / Math.max(1, r.durationMs),
    cpu: cpuFigures,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function benchText(name: string, f: BenchFigures): string {
  const sl = f.slowest;
  const lines = [
    `bench: ${name}: ${f.cells} cells, ${f.bootMs.containers} target container${f.bootMs.containers === 1 ? '' : 's'}`,
    `  wall time                   ${s(f.wallMs)}`,
    `  floor                       ${s(f.floorMs)}  = first container boot ${s(f.bootMs.first)} + slowest cell ${s(sl?.inherentMs ?? 0)}` +
      (sl ? ` (${sl.cell.target} ${sl.cell.session}/${sl.cell.launch}/${sl.cell.workload} × ${sl.cell.sever}: fastest setup ${s(f.setupMinMs)} + watched ${s(sl.cell.timing.watchedMs)})` : ''),
    `  wall / floor                ${f.wallOverFloor.toFixed(2)}`,
    `  one at a time, fresh container each (estimated: ${f.cells} × (median boot ${s(f.bootMs.median)} + fastest setup ${s(f.setupMinMs)}) + Σ watched)`,
    `                              ${s(f.sequentialMs)}`,
    `  one at a time / wall        ${f.sequentialOverWall.toFixed(1)}×`,
  ];
  if (f.cpu) {
    lines.push(
      `  CPU used (whole machine)    ${f.cpu.busySeconds.toFixed(0)} core-seconds = ${f.cpu.perCellSeconds.toFixed(2)} per cell, on ${f.cpu.cores} cores`,
      `  CPU floor (CPU / cores)     ${s(f.cpu.floorMs)}`,
      `  wall / CPU floor            ${f.cpu.wallOverCpuFloor.toFixed(2)}   (near 1: the machine's cores, not waiting, bound the run)`,
    );
  }
  return lines.join('\n');
}
