// What `bench --scaling` prints and keeps (scaling.json): a pure function of the saved points, so a
// reader can recompute the fit and the shard count from the file.
import { fitLine, type ScalingPoint, type ShardAnswer } from './scaling.js';

export interface ScalingRun {
  schemaVersion: number;
  scenario: string;
  sizesAsked: number[];
  notes: string[];
  points: ScalingPoint[];
  /** every cell of the scenario's plan (all of its targets, measured here or not): what the CI matrix runs */
  planCells: number;
  planTargets: number;
  /** the floor of the largest run (bench/figures.ts): no shard's run can be shorter */
  floorMs: number;
  budgetMs: number;
  /** shards per target from the wall line: a machine like this one, as loaded as it was */
  shards: ShardAnswer;
  /** the same from the run's own CPU on an idle machine with `cores` cores (CPU-bound: wall ≈ CPU / cores); null: no CPU measured */
  idle: { cores: number; shards: ShardAnswer } | null;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/** The lines fitted through the measured points: wall and CPU against cells, memory against containers. */
export function scalingFits(points: readonly ScalingPoint[]) {
  const ok = points.filter(p => !p.withheld.length);
  return {
    wall: fitLine(ok.map(p => ({ x: p.cells, y: p.wallMs }))),
    cpu: fitLine(ok.filter(p => p.coreSeconds !== null).map(p => ({ x: p.cells, y: p.coreSeconds!.run }))),
    memory: fitLine(ok.filter(p => p.memory).map(p => ({ x: p.targets.length, y: p.memory!.containersSumBytes }))),
    used: ok.length,
  };
}

export function scalingText(r: ScalingRun): string {
  const fits = scalingFits(r.points);
  const first = r.points[0];
  const rows = r.points.map(p => {
    const grow = first && first !== p ? `  ×${(p.cells / first.cells).toFixed(1)} cells: wall ×${(p.wallMs / first.wallMs).toFixed(2)}${p.coreSeconds && first.coreSeconds ? `, CPU ×${(p.coreSeconds.run / first.coreSeconds.run).toFixed(2)}` : ''}` : '';
    const cpu =
      p.coreSeconds === null
        ? 'CPU not measured'
        : `CPU ${p.coreSeconds.run.toFixed(0).padStart(5)} core-s (${(p.coreSeconds.run / Math.max(1, p.cells)).toFixed(2)}/cell; machine ${p.coreSeconds.machine.toFixed(0)})`;
    const mem = p.memory ? `${mib(p.memory.containersSumBytes)} in ${p.memory.containers} containers (largest ${mib(p.memory.largestContainerBytes)}), harness ${p.memory.harnessBytes === null ? '?' : mib(p.memory.harnessBytes)}` : 'memory not measured';
    const load = p.loadAverage.length ? `load ${p.loadAverage.map(x => x.toFixed(1)).join(' ')}` : '';
    return [
      `    ${String(p.targets.length).padStart(2)} target${p.targets.length === 1 ? ' ' : 's'} ${String(p.cells).padStart(4)} cells  wall ${s(p.wallMs).padStart(8)} (${(p.wallMs / 1000 / Math.max(1, p.cells)).toFixed(2)} s/cell)  ${cpu}  peak ${mem}  ${load}${grow}`,
      `       ${p.targets.join(', ')}`,
      ...p.withheld.map(w => `       not used in the fit: ${w}`),
    ].join('\n');
  });
  const line = `wall ≈ ${s(fits.wall.intercept)} + ${(fits.wall.slope / 1000).toFixed(3)} s × cells; CPU ≈ ${fits.cpu.intercept.toFixed(0)} + ${fits.cpu.slope.toFixed(2)} core-s × cells; containers' memory ≈ ${mib(fits.memory.intercept)} + ${mib(fits.memory.slope)} × targets`;
  const shardLine = (sh: ShardAnswer) =>
    sh.shards === null
      ? `no split of up to 64 shards per target keeps a job's run under ${s(r.budgetMs)} (largest job ${sh.cellsInLargest} cells, predicted ${s(sh.predictedMs)})`
      : `${sh.shards} shard${sh.shards === 1 ? '' : 's'} per target = ${r.planTargets * sh.shards} jobs; the largest gets ${sh.cellsInLargest} cells, predicted run ${s(sh.predictedMs)}`;
  const idleAll = r.idle ? Math.max(r.floorMs, ((fits.cpu.intercept + fits.cpu.slope * r.planCells) * 1000) / r.idle.cores) : null;
  return [
    `bench --scaling: ${r.scenario}, ${r.points.length} run${r.points.length === 1 ? '' : 's'} (targets asked: ${r.sizesAsked.join(', ')})`,
    ...r.notes.map(n => `  - ${n}`),
    "    CPU: the run's own (its containers, the Docker engine, the harness and its children); machine: all of it, neighbours included. Peak: each container's cgroup peak (page cache included on cgroup v1)",
    ...rows,
    fits.used >= 2 ? `  growth (least squares over ${fits.used} runs): ${line}` : '  growth: fewer than two runs measured, no line',
    `  all of ${r.scenario} (${r.planTargets} targets, ${r.planCells} cells) in one run: predicted ${s(fits.wall.intercept + fits.wall.slope * r.planCells)} on this machine as loaded` +
      (r.idle && idleAll !== null ? `, ${s(idleAll)} on an idle ${r.idle.cores}-core one (the run's own CPU / cores)` : ''),
    `  CI matrix (.github/workflows/hangup-lab.yml: a job per target and shard, run --target T --shard i/n), each job's run under ${s(r.budgetMs)}:`,
    `    on a machine like this one, as loaded (the wall line): ${shardLine(r.shards)}`,
    // Only the CPU moves to the idle machine: waits that are not CPU (a drop's detection, a user
    // manager's 10 s) overlap with other cells' work there too, but not always: a lower bound.
    ...(r.idle ? [`    on an idle ${r.idle.cores}-core runner (the CPU line / ${r.idle.cores} cores, never under the floor ${s(r.floorMs)}; a lower bound): ${shardLine(r.idle.shards)}`] : []),
    "    the run step only; each job's checkout, npm ci, base image and image build come on top",
  ].join('\n');
}
