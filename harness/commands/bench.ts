import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, ExitCode } from '../core/errors.js';
import { REPORTS_DIR, reportsDir, shown } from '../core/paths.js';
import type { BenchFigures } from '../bench/figures.js';
import type { RunResult } from '../results.js';
import { DEFAULT_SCENARIO_NAME, resolveScenario } from '../scenario/bundled.js';
import { intFlag, parseFlags, stringFlag } from './args.js';
import type { Command, CommandContext } from './types.js';

async function benchOne(file: string, concurrency: number | undefined, ctx: CommandContext, history: ReadonlyMap<string, number>, targets?: string[]): Promise<RunResult> {
  const [{ loadScenario }, { Progress }, { runMatrix }, { UsageSampler }] = await Promise.all([
    import('../scenario/load.js'),
    import('../run/progress.js'),
    import('../run/matrix.js'),
    import('../usage/sampler.js'),
  ]);
  const scenario = loadScenario(file);
  const progress = new Progress({ write: t => process.stderr.write(t), tty: process.stderr.isTTY === true, width: process.stderr.columns ?? 100, strict: false });
  // Where the CPU goes: the machine, the engine and the harness read around the run, each target
  // container as it starts, while it runs and just before it is removed (usage/sampler.ts).
  const sampler = new UsageSampler();
  let result: RunResult;
  try {
    result = await runMatrix(scenario, { say: l => progress.say(l), progress, version: ctx.version, history, containerWatch: sampler, ...(concurrency ? { concurrency } : {}), ...(targets ? { targets } : {}) });
  } finally {
    progress.end();
  }
  const usage = sampler.finish();
  if (usage) {
    if (result.containers.some(c => c.role === 'router')) usage.notes.push('NAT router containers are not split out: their CPU is in "other"');
    result.usage = usage;
  }
  return result;
}

/**
 * The measured peer (bench/peer.ts) on its subset of the scenario just run, right after the run, on
 * the image the run used: its figures, kept in peer.json next to results.json. null: nothing to run.
 */
async function benchPeer(file: string, a: RunResult, out: string, ctx: CommandContext): Promise<string | null> {
  const [{ loadScenario }, { scenarioCells }, { planCell }, { peerSubset }, { askPeerCan, peerAvailable, runPeer, PEER_SCRIPT }, { peerFigures, peerText }, { ensureImage }, { targetSpec }] = await Promise.all([
    import('../scenario/load.js'),
    import('../run/matrix.js'),
    import('../run/plan.js'),
    import('../bench/peer-subset.js'),
    import('../bench/peer.js'),
    import('../bench/peer-figures.js'),
    import('../target/image.js'),
    import('../target/targets.js'),
  ]);
  if (!peerAvailable()) return `  measured peer: not run: ${shown(PEER_SCRIPT)} is not in this installation (it is in a checkout)`;
  const subset = peerSubset(scenarioCells(loadScenario(file)), await askPeerCan(), c => planCell(c).supported === true);
  if (!subset.cells.length) return `  measured peer: not run: ${subset.how}`;
  const image = await ensureImage(targetSpec(subset.cells[0]!.target), ctx.say);
  const peer = { ...(await runPeer(subset, image, l => process.stderr.write(`${l}\n`))), runStartedAt: a.startedAt };
  fs.writeFileSync(path.join(out, 'peer.json'), JSON.stringify(peer, null, 2) + '\n');
  return peerText(peer, peerFigures(peer, a));
}

/** A saved peer.json next to a saved results.json, when it was measured with that run. */
async function savedPeer(resultsFile: string, r: RunResult): Promise<string | null> {
  const file = path.join(path.dirname(resultsFile), 'peer.json');
  if (!fs.existsSync(file)) return null;
  const { peerFigures, peerText } = await import('../bench/peer-figures.js');
  const peer = JSON.parse(fs.readFileSync(file, 'utf8')) as import('../bench/peer-figures.js').PeerRun;
  return peer.runStartedAt === r.startedAt ? peerText(peer, peerFigures(peer, r)) : null;
}

/** `bench --scaling`: the scenario with 1, 3, 5 of its targets (bench/scaling-run.ts), each run kept. */
async function benchScaling(file: string, sizes: number[], out: string, concurrency: number | undefined, ctx: CommandContext): Promise<number> {
  const [{ runScaling }, { reporters }, { durationHistory }] = await Promise.all([import('../bench/scaling-run.js'), import('../report/registry.js'), import('../run/schedule.js')]);
  const r = await runScaling({
    file,
    sizes,
    out,
    say: ctx.say,
    // Each size schedules from its own previous run, as a plain bench does.
    runOne: async (targets, resultsFile) => {
      const result = await benchOne(file, concurrency, ctx, durationHistory(resultsFile), targets);
      fs.writeFileSync(resultsFile, reporters.json.render(result));
      return result;
    },
  });
  process.stdout.write(r.text + '\n');
  ctx.say(`results kept in ${shown(out)}/ (scaling.json, results-scaling-N.json)`);
  return r.withheld ? ExitCode.expectationFailed : ExitCode.ok;
}

/** `--sizes 1,3,5`: target counts for --scaling, each 1-64. */
function parseSizes(text: string | undefined): number[] {
  if (text === undefined) return [1, 3, 5];
  const sizes = text.split(',').map(x => Number(x.trim()));
  if (!sizes.length || sizes.some(n => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new BadInputError(`hangup-lab bench: --sizes "${text}": must be target counts from 1 to 64, comma-separated, e.g. 1,3,5`);
  }
  return sizes;
}

export const bench: Command = {
  name: 'bench',
  summary: "run a scenario once and print its wall time, its floor, its CPU and the ratio to a person's way, measured",
  operands: { usage: '[SCENARIO]', help: `a bundled scenario by name or a scenario file (default: ${DEFAULT_SCENARIO_NAME}; with --scaling: distros)` },
  flags: [
    { name: 'scenario', value: 'FILE', help: 'the scenario, as a flag (the same as SCENARIO)' },
    { name: 'vs', value: 'SCENARIO', help: 'a second scenario, run after the first and compared with it' },
    { name: 'concurrency', value: 'N', help: "cells at a time, 1-64 (default: the scenario's run.concurrency)" },
    { name: 'results', value: 'FILE', help: 'print the figures of a saved results.json instead of running (and its peer.json, when kept with it); with --scaling: a scaling bench\'s directory' },
    { name: 'out', value: 'DIR', help: `where the results are kept (default: ./${REPORTS_DIR}/bench)` },
    { name: 'no-peer', help: "skip the measured peer (scripts/peer.sh: a person's way, one cell at a time, on a fixed subset of the cells)" },
    { name: 'scaling', help: 'run the scenario with 1, 3 and 5 of its targets: wall, CPU and memory as cells grow, and the CI shard count for 10 minutes' },
    { name: 'sizes', value: 'LIST', help: 'target counts for --scaling (default: 1,3,5)' },
  ],
  notes: [
    'No ratios from a run that did not measure: exit 1, and no figures, when a cell was inconclusive or a setup step was retried.',
    "After the run, the measured peer runs its subset one cell at a time (a few minutes): peer seconds per cell / the run's wall per cell is the ratio printed; kept in peer.json.",
  ],
  async run(args, ctx) {
    const { values, positionals } = parseFlags(bench, args);
    const concurrency = intFlag('bench', 'concurrency', stringFlag(values, 'concurrency'), 1, 64);
    const sizes = parseSizes(stringFlag(values, 'sizes'));
    const [{ benchExitCode, benchFigures, benchText }, { usageText }, { readResults }, { reporters }, { durationHistory }] = await Promise.all([
      import('../bench/figures.js'),
      import('../bench/usage-table.js'),
      import('../results-file.js'),
      import('../report/registry.js'),
      import('../run/schedule.js'),
    ]);
    const saved = stringFlag(values, 'results');
    const given = stringFlag(values, 'scenario') ?? positionals[0];
    // --scaling: the distros scenario unless told otherwise (several targets are its point).
    const scalingFile = values.scaling === true ? resolveScenario(given ?? 'distros', 'bench') : null;
    if (saved && scalingFile) {
      const { savedScaling } = await import('../bench/scaling-run.js');
      const r = savedScaling(saved, scalingFile, readResults);
      process.stdout.write(r.text + '\n');
      return r.withheld ? ExitCode.expectationFailed : ExitCode.ok;
    }
    if (saved) {
      // Figures of a saved run; its CPU too when bench measured it (results.json's `usage`), and the
      // peer measured with it.
      const r = readResults(saved);
      const f = benchFigures(r);
      const peer = f.withheldBecause.length ? null : await savedPeer(saved, r);
      process.stdout.write(benchText(r.scenario.name, f) + (r.usage && !f.withheldBecause.length ? `\n${usageText(r.usage, r)}` : '') + (peer ? `\n${peer}` : '') + '\n');
      return benchExitCode([f]);
    }
    const out = path.resolve(stringFlag(values, 'out') ?? reportsDir('bench'));
    fs.mkdirSync(out, { recursive: true });
    if (scalingFile) return benchScaling(scalingFile, sizes, out, concurrency, ctx);
    const file = resolveScenario(given ?? DEFAULT_SCENARIO_NAME, 'bench');
    const vs = stringFlag(values, 'vs');
    // A run schedules from the previous run's durations when there is one: so does the bench, and
    // it says which it had (the first run on a machine has none).
    const historyA = durationHistory(path.join(out, 'results.json'));
    const historyB = durationHistory(path.join(out, 'results-vs.json'));
    const a = await benchOne(file, concurrency, ctx, historyA);
    fs.writeFileSync(path.join(out, 'results.json'), reporters.json.render(a));
    const text = (r: RunResult, f: BenchFigures, history: ReadonlyMap<string, number>) =>
      benchText(r.scenario.name, f) +
      `\n  start order                 ${history.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}` +
      // No CPU table from a run that did not measure: the same rule as the ratios.
      (r.usage && !f.withheldBecause.length ? `\n${usageText(r.usage, r)}` : '');
    const figures = [benchFigures(a)];
    const lines = [text(a, figures[0]!, historyA)];
    // Right after the run it is compared with, so both see the same machine; none against a run
    // that did not measure (the same rule as the ratios).
    // A peer.json of an earlier bench is not this run's (--results also checks whose it is).
    fs.rmSync(path.join(out, 'peer.json'), { force: true });
    if (values['no-peer'] !== true && !figures[0]!.withheldBecause.length) {
      // The run's figures stand without the peer: a peer that could not run says why, in its place.
      const peer = await benchPeer(file, a, out, ctx).catch((e: unknown) => `  measured peer: failed: ${(e as Error).message.split('\n')[0]}`);
      if (peer) lines[0] += `\n${peer}`;
    }
    if (vs) {
      const b = await benchOne(resolveScenario(vs, 'bench'), concurrency, ctx, historyB);
      fs.writeFileSync(path.join(out, 'results-vs.json'), reporters.json.render(b));
      figures.push(benchFigures(b));
      lines.push(text(b, figures[1]!, historyB));
      // Two walls compare only when both runs measured.
      if (benchExitCode(figures) === ExitCode.ok) {
        lines.push(`${b.scenario.name} / ${a.scenario.name}: wall ${(b.durationMs / a.durationMs).toFixed(2)}×, cells ${(b.cells.length / a.cells.length).toFixed(2)}×`);
      }
    }
    process.stdout.write(lines.join('\n\n') + '\n');
    ctx.say(`results kept in ${shown(out)}/`);
    return benchExitCode(figures);
  },
};
