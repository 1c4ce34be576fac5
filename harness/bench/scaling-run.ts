// `bench --scaling`: the scenario run once per size of its target list, each run measured as bench
// measures one (wall, CPU by component, memory), then the line through them and the CI shard count
// (bench/scaling.ts, scaling-text.ts). The target images are built before the first run, so that no
// run's wall holds an image build; a target whose base image is not on this machine is left out and
// named (seeding a base is a minute of debootstrap, not part of what a run costs).
import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../results.js';
import { scenarioCells } from '../run/matrix.js';
import { loadScenario } from '../scenario/load.js';
import { ensureImage, imageExists } from '../target/image.js';
import { targetSpec } from '../target/targets.js';
import { benchFigures } from './figures.js';
import { CI_BUDGET_MS, chooseTargets, largestShard, SCALING_SCHEMA_VERSION, scalingPoint, shardsNeeded } from './scaling.js';
import { scalingFits, scalingText, type ScalingRun } from './scaling-text.js';

export interface ScalingOptions {
  file: string;
  sizes: number[];
  out: string;
  say: (line: string) => void;
  /** one bench run of the scenario with these targets (commands/bench.ts benchOne) */
  runOne: (targets: string[], resultsFile: string) => Promise<RunResult>;
}

export async function runScaling(o: ScalingOptions): Promise<{ text: string; withheld: boolean }> {
  const scenario = loadScenario(o.file);
  const targets = scenario.axes.target;
  const why = new Map<string, string | null>();
  for (const t of targets) {
    const spec = targetSpec(t);
    why.set(t, (await imageExists(spec.base)) ? null : `its base image ${spec.base} is not on this machine (seed it: containers/engine/seed-base.sh ${spec.suite})`);
  }
  const { choices, notes } = chooseTargets(targets, t => targetSpec(t).suite, t => why.get(t) ?? null, o.sizes);
  // Built (or found) before any run is timed.
  for (const t of choices.at(-1)?.targets ?? []) await ensureImage(targetSpec(t), o.say);
  const results: RunResult[] = [];
  for (const c of choices) {
    o.say(`scaling: ${c.size} target${c.size === 1 ? '' : 's'}: ${c.targets.join(', ')}`);
    results.push(await o.runOne(c.targets, path.join(o.out, `results-scaling-${c.size}.json`)));
  }
  const report = scalingReport(o.file, o.sizes, notes, results);
  fs.writeFileSync(path.join(o.out, 'scaling.json'), JSON.stringify(report, null, 2) + '\n');
  return { text: scalingText(report), withheld: report.points.some(p => p.withheld.length > 0) };
}

/** The report from the runs (each run's targets are those its cells ran on). */
export function scalingReport(file: string, sizesAsked: number[], notes: string[], results: readonly RunResult[]): ScalingRun {
  const scenario = loadScenario(file);
  const order = (t: string) => scenario.axes.target.indexOf(t);
  const points = results.map(r => scalingPoint(r, [...new Set(r.cells.map(c => c.target))].sort((a, b) => order(a) - order(b))));
  const plan = scenarioCells(scenario);
  const largestRun = results.at(-1);
  const floorMs = largestRun ? benchFigures(largestRun).floorMs : 0;
  const fits = scalingFits(points);
  const largest = (n: number) => largestShard(plan, n);
  const cores = largestRun?.usage?.cores ?? null;
  return {
    schemaVersion: SCALING_SCHEMA_VERSION,
    scenario: scenario.name,
    sizesAsked,
    notes,
    points,
    planCells: plan.length,
    planTargets: scenario.axes.target.length,
    floorMs,
    budgetMs: CI_BUDGET_MS,
    shards: shardsNeeded(fits.wall, floorMs, largest),
    // A runner of its own is not loaded by neighbours: a CPU-bound run there takes its own CPU / cores.
    idle: cores ? { cores, shards: shardsNeeded({ intercept: (fits.cpu.intercept * 1000) / cores, slope: (fits.cpu.slope * 1000) / cores }, floorMs, largest) } : null,
  };
}

/**
 * `bench --scaling --results DIR`: the report again from a scaling bench's kept runs
 * (results-scaling-N.json, by N) and its notes (scaling.json), e.g. after a change of the figures.
 */
export function savedScaling(dir: string, file: string, readResults: (f: string) => RunResult): { text: string; withheld: boolean } {
  const kept = JSON.parse(fs.readFileSync(path.join(dir, 'scaling.json'), 'utf8')) as Pick<ScalingRun, 'sizesAsked' | 'notes'>;
  const runs = fs
    .readdirSync(dir)
    .map(f => ({ f, n: Number(/^results-scaling-(\d+)\.json$/.exec(f)?.[1]) }))
    .filter(x => Number.isInteger(x.n))
    .sort((a, b) => a.n - b.n)
    .map(x => readResults(path.join(dir, x.f)));
  const report = scalingReport(file, kept.sizesAsked, kept.notes, runs);
  return { text: scalingText(report), withheld: report.points.some(p => p.withheld.length > 0) };
}
