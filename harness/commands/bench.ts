import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../core/errors.js';
import { REPORTS_DIR, reportsDir, shown } from '../core/paths.js';
import type { BenchFigures } from '../bench/figures.js';
import type { RunResult } from '../results.js';
import { DEFAULT_SCENARIO_NAME, resolveScenario } from '../scenario/bundled.js';
import { intFlag, parseFlags, stringFlag } from './args.js';
import type { Command, CommandContext } from './types.js';

async function benchOne(file: string, concurrency: number | undefined, ctx: CommandContext, history: ReadonlyMap<string, number>): Promise<RunResult> {
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
    result = await runMatrix(scenario, { say: l => progress.say(l), progress, version: ctx.version, history, containerWatch: sampler, ...(concurrency ? { concurrency } : {}) });
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

export const bench: Command = {
  name: 'bench',
  summary: 'run a scenario once and print its wall time, its floor and the ratio to one cell at a time',
  operands: { usage: '[SCENARIO]', help: `a bundled scenario by name or a scenario file (default: ${DEFAULT_SCENARIO_NAME})` },
  flags: [
    { name: 'scenario', value: 'FILE', help: 'the scenario, as a flag (the same as SCENARIO)' },
    { name: 'vs', value: 'SCENARIO', help: 'a second scenario, run after the first and compared with it' },
    { name: 'concurrency', value: 'N', help: "cells at a time, 1-64 (default: the scenario's run.concurrency)" },
    { name: 'results', value: 'FILE', help: 'print the figures of a saved results.json instead of running' },
    { name: 'out', value: 'DIR', help: `where the results are kept (default: ./${REPORTS_DIR}/bench)` },
  ],
  notes: [
    'No ratios from a run that did not measure: exit 1, and no figures, when a cell was inconclusive or a setup step was retried.',
  ],
  async run(args, ctx) {
    const { values, positionals } = parseFlags(bench, args);
    const concurrency = intFlag('bench', 'concurrency', stringFlag(values, 'concurrency'), 1, 64);
    const [{ benchExitCode, benchFigures, benchText }, { usageText }, { readResults }, { reporters }, { durationHistory }] = await Promise.all([
      import('../bench/figures.js'),
      import('../bench/usage-table.js'),
      import('../results-file.js'),
      import('../report/registry.js'),
      import('../run/schedule.js'),
    ]);
    const saved = stringFlag(values, 'results');
    if (saved) {
      // Figures of a saved run; its CPU too when bench measured it (results.json's `usage`).
      const r = readResults(saved);
      const f = benchFigures(r);
      process.stdout.write(benchText(r.scenario.name, f) + (r.usage && !f.withheldBecause.length ? `\n${usageText(r.usage, r)}` : '') + '\n');
      return benchExitCode([f]);
    }
    const file = resolveScenario(stringFlag(values, 'scenario') ?? positionals[0] ?? DEFAULT_SCENARIO_NAME, 'bench');
    const vs = stringFlag(values, 'vs');
    const out = path.resolve(stringFlag(values, 'out') ?? reportsDir('bench'));
    // A run schedules from the previous run's durations when there is one: so does the bench, and
    // it says which it had (the first run on a machine has none).
    const historyA = durationHistory(path.join(out, 'results.json'));
    const historyB = durationHistory(path.join(out, 'results-vs.json'));
    const a = await benchOne(file, concurrency, ctx, historyA);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'results.json'), reporters.json.render(a));
    const text = (r: RunResult, f: BenchFigures, history: ReadonlyMap<string, number>) =>
      benchText(r.scenario.name, f) +
      `\n  start order                 ${history.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}` +
      // No CPU table from a run that did not measure: the same rule as the ratios.
      (r.usage && !f.withheldBecause.length ? `\n${usageText(r.usage, r)}` : '');
    const figures = [benchFigures(a)];
    const lines = [text(a, figures[0]!, historyA)];
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
