// `bench --scaling` (issue 17, item 4): one scenario run with 1, 3 and 5 of its targets, and what
// the cost does as cells grow: wall, CPU (core-seconds, from results.json's `usage`) and peak memory
// per run, a straight line through them, and the shard count a CI matrix (.github/workflows/
// hangup-lab.yml: one job per target and shard, `run --target T --shard i/n`) needs to keep a job's
// run under a budget. Pure functions of the saved results, so they can be recomputed.
import type { RunResult } from '../results.js';
import { shardOf } from '../matrix/shard.js';
import { withheldBecause } from './figures.js';

export const SCALING_SCHEMA_VERSION = 1;

/** The run's budget a CI job should stay under (the issue: "keep a run under 10 minutes"). */
export const CI_BUDGET_MS = 10 * 60_000;
/** More shards per target than this is not a useful answer (each is a job that installs and builds). */
const MAX_SHARDS = 64;

export interface TargetChoice {
  size: number;
  targets: string[];
}

/**
 * Which targets make the runs of each size: the scenario's targets that can run here (`why` says
 * why one cannot, e.g. its base image is not on this machine), distinct Debian suites first (a
 * backports variant shares its suite's base), each size a prefix of the next. A size larger than
 * what can run here is not faked by repeating a target (a repeated target shares its containers,
 * so it would cost less than a new one): it becomes the largest there is, and the notes say so.
 */
export function chooseTargets(
  scenarioTargets: readonly string[],
  suiteOf: (t: string) => string,
  why: (t: string) => string | null,
  sizes: readonly number[],
): { choices: TargetChoice[]; notes: string[] } {
  const usable = scenarioTargets.filter(t => why(t) === null);
  const seen = new Set<string>();
  const first: string[] = [];
  const later: string[] = [];
  for (const t of usable) {
    const suite = suiteOf(t);
    (seen.has(suite) ? later : first).push(t);
    seen.add(suite);
  }
  const order = [...first, ...later];
  const notes = scenarioTargets.filter(t => why(t) !== null).map(t => `${t} cannot run here: ${why(t)}`);
  const choices: TargetChoice[] = [];
  for (const size of [...new Set(sizes)].sort((a, b) => a - b)) {
    const n = Math.min(size, order.length);
    if (n < size) notes.push(`${size} targets asked, ${order.length} of the scenario's can run here: measured with ${n}${choices.some(c => c.size === n) ? ' (already measured)' : ''}`);
    if (n > 0 && !choices.some(c => c.size === n)) choices.push({ size: n, targets: order.slice(0, n) });
  }
  return { choices, notes };
}

export interface ScalingPoint {
  targets: string[];
  cells: number;
  wallMs: number;
  /**
   * CPU over the run, core-seconds (results.json's `usage`): `run` is what the breakdown puts on the
   * run (its target containers, the Docker engine, the harness and its children), `machine` the
   * whole machine's busy time; on a shared, loaded machine the difference ("other") is the
   * neighbours', so the fit uses `run`. null: not measured.
   */
  coreSeconds: { run: number; machine: number } | null;
  /** Σ of the target containers' peaks (an upper bound on what they held at once), the largest one's, the harness's own */
  memory: { containersSumBytes: number; largestContainerBytes: number; harnessBytes: number | null; containers: number } | null;
  /** the 1/5/15-minute load averages at the run's end */
  loadAverage: number[];
  /** why its figures do not describe the physics (inconclusive cells, retries): empty when they do */
  withheld: string[];
}

export function scalingPoint(r: RunResult, targets: string[]): ScalingPoint {
  const u = r.usage;
  const peaks = u?.containers.map(c => c.peakBytes ?? 0) ?? [];
  return {
    targets,
    cells: r.cells.length,
    wallMs: r.durationMs,
    coreSeconds: u ? { run: u.parts.filter(p => p.path.length === 1 && !p.path[0]!.startsWith('other')).reduce((a, p) => a + p.coreSeconds, 0), machine: u.busySeconds } : null,
    memory: u
      ? {
          containersSumBytes: peaks.reduce((a, b) => a + b, 0),
          largestContainerBytes: Math.max(0, ...peaks),
          harnessBytes: u.parts.find(p => p.path[0]?.startsWith('harness: node'))?.peakBytes ?? null,
          containers: u.containers.length,
        }
      : null,
    loadAverage: u?.loadAverage ?? [],
    withheld: withheldBecause(r),
  };
}

/** Least squares y = intercept + slope·x; one point (or all at one x) gives a line through the origin's ratio. */
export function fitLine(points: readonly { x: number; y: number }[]): { intercept: number; slope: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / Math.max(1, n);
  const my = points.reduce((s, p) => s + p.y, 0) / Math.max(1, n);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (n === 0) return { intercept: 0, slope: 0 };
  if (sxx === 0) return { intercept: 0, slope: mx > 0 ? my / mx : 0 };
  const slope = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  return { intercept: my - slope * mx, slope };
}

/** The most cells any one job gets when each target's cells are split in n shards (matrix/shard.ts), by case id. */
export function largestShard(cells: readonly { target: string; caseId: string }[], n: number): number {
  const counts = new Map<string, number>();
  for (const c of cells) {
    const k = `${c.target}\0${shardOf(c, n)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

export interface ShardAnswer {
  /** shards per target (the workflow's `shard: [1..n]`); null: no n up to MAX_SHARDS does it */
  shards: number | null;
  /** the predicted wall of the largest job's run at that n */
  predictedMs: number;
  cellsInLargest: number;
}

/**
 * The fewest shards per target that keep every job's run under `budgetMs`, predicting a job's wall
 * from its cell count with the fitted line, and never below `floorMs` (the slowest cell plus a
 * boot: no split goes under that). When even one shard fits, the answer is 1.
 */
export function shardsNeeded(line: { intercept: number; slope: number }, floorMs: number, largest: (n: number) => number, budgetMs = CI_BUDGET_MS): ShardAnswer {
  let last: ShardAnswer = { shards: null, predictedMs: Infinity, cellsInLargest: 0 };
  for (let n = 1; n <= MAX_SHARDS; n++) {
    const cells = largest(n);
    const predictedMs = Math.max(floorMs, line.intercept + line.slope * cells);
    last = { shards: null, predictedMs, cellsInLargest: cells };
    if (predictedMs <= budgetMs) return { shards: n, predictedMs, cellsInLargest: cells };
  }
  return last;
}
