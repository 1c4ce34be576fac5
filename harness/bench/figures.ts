// The figures `npm run bench` prints, computed from one run's results.json (pure, so they can be
// recomputed from any saved run). Definitions, stated where they are printed too:
// - wall: the run's duration;
// - floor: what no scheduler could beat with unlimited cores: one container boot, then the slowest
//   cell's inherent time = the harness's fastest observed per-cell setup plus that cell's watched
//   time (sever → verdict, which the physics decides: detection, settle windows);
// - one at a time: the same cells sequentially, each in a fresh container, estimated as
//   n × (median boot + fastest setup) + Σ watched;
// - CPU floor: the CPU seconds the run consumed (measured by bench around the run, kept in
//   results.json's `usage`, where usage-table.ts splits it by component) / cores: on a small machine
//   the work itself, not waiting, bounds the wall time.
// A run with an inconclusive cell or a setup retry has not measured what these figures describe (a
// cell given up early is no "slowest cell"; a retried login is time the physics did not take): its
// ratios are withheld, with the reasons, and bench exits 1. Only judged cells make the floor.
import { ExitCode } from '../core/errors.js';
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
  /** why the ratios cannot be trusted, one line per reason; empty: they can */
  withheldBecause: string[];
}

/** Reasons quoted per line: enough to see whether they are one fault, short enough for one line. */
const QUOTED_REASONS = 2;
const QUOTE_CHARS = 120;

const quote = (text: string) => JSON.stringify(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1)}…` : text);

/** The first few distinct texts, each with how many times it occurs among all of them. */
function firstReasons(texts: string[]): string {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const shown = [...counts].slice(0, QUOTED_REASONS).map(([t, n]) => `${n > 1 ? `${n}× ` : ''}${quote(t)}`);
  const more = counts.size - shown.length;
  return shown.join(', ') + (more > 0 ? `, and ${more} other reason${more === 1 ? '' : 's'}` : '');
}

/**
 * Why this run's ratios mean nothing, one line per reason: inconclusive cells, setup retries. Read
 * with optional chaining: results.json files from before setup was recorded have no `setup`.
 */
export function withheldBecause(r: RunResult): string[] {
  const lines: string[] = [];
  const inconclusive = r.cells.filter(c => c.verdict === 'inconclusive');
  if (inconclusive.length) {
    lines.push(`${inconclusive.length} of ${r.cells.length} cells inconclusive: ${firstReasons(inconclusive.map(c => c.reason))}`);
  }
  const retried = r.cells.filter(c => (c.setup?.attempts ?? 1) > 1);
  if (retried.length) {
    const retries = retried.reduce((n, c) => n + (c.setup?.attempts ?? 1) - 1, 0);
    const failures = retried.flatMap(c => c.setup?.failures ?? []);
    lines.push(
      `${retried.length} of ${r.cells.length} cells needed a setup retry (${retries} retr${retries === 1 ? 'y' : 'ies'})${failures.length ? `: ${firstReasons(failures)}` : ''}`,
    );
  }
  return lines;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

/** The harness's own time in a cell: everything but waiting for a server and watching the physics. */
export function setupMs(c: CellResult): number {
  return Math.max(0, c.timing.durationMs - c.timing.serverWaitMs - c.timing.watchedMs);
}

/** `cpu`: the machine's CPU during the run; by default what bench stored in the results (`usage`). */
export function benchFigures(r: RunResult, cpu: CpuSample | null = r.usage ? { busySeconds: r.usage.busySeconds, cores: r.usage.cores } : null): BenchFigures {
  // An inconclusive cell was given up or cut short: its times say nothing about the physics (a
  // 2.5 s inconclusive cell once became the "floor" and gave wall / floor 219).
  const judged = r.cells.filter(c => c.verdict !== 'inconclusive');
  // Cells that were judged without running anything (not-applicable before a login) say nothing
  // about setup cost.
  const ran = judged.filter(c => c.before.length > 0);
  const setupMin = ran.length ? Math.min(...ran.map(setupMs)) : 0;
  const boots = r.containers.filter(c => c.role !== 'router').map(c => c.bootMs);
  const firstBoot = r.containers[0]?.bootMs ?? 0;
  let slowest: BenchFigures['slowest'] = null;
  for (const c of judged) {
    const inherentMs = (c.before.length ? setupMin : 0) + c.timing.watchedMs;
    if (!slowest || inherentMs > slowest.inherentMs) slowest = { cell: c, inherentMs };
  }
  const floorMs = firstBoot + (slowest?.inherentMs ?? 0);
  const bootMedian = median(boots);
  const sequentialMs = judged.reduce((sum, c) => sum + bootMedian + (c.before.length ? setupMin : 0) + c.timing.watchedMs, 0);
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
    withheldBecause: withheldBecause(r),
  };
}

/** Exit code of a bench: 1 when any run's ratios were withheld (it has not measured), else 0. */
export function benchExitCode(figures: readonly BenchFigures[]): number {
  return figures.some(f => f.withheldBecause.length) ? ExitCode.expectationFailed : ExitCode.ok;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function benchText(name: string, f: BenchFigures): string {
  if (f.withheldBecause.length) {
    return [
      `bench: ${name}: ${f.cells} cells, ${f.bootMs.containers} target container${f.bootMs.containers === 1 ? '' : 's'}`,
      `  wall time                   ${s(f.wallMs)}`,
      '  no floor, ratios or CPU per cell: this run did not measure what they describe, because',
      ...f.withheldBecause.map(l => `  - ${l}`),
    ].join('\n');
  }
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
