import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../core/errors.js';
import { REPORTS_DIR, reportsDir, shown } from '../core/paths.js';
import type { CpuSample } from '../bench/figures.js';
import type { RunResult } from '../results.js';
import { DEFAULT_SCENARIO_NAME, resolveScenario } from '../scenario/bundled.js';
import { intFlag, parseFlags, stringFlag } from './args.js';
import type { Command, CommandContext } from './types.js';

/** Busy and total jiffies of all CPUs, from /proc/stat (Linux). */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

async function benchOne(file: string, concurrency: number | undefined, ctx: CommandContext, history: ReadonlyMap<string, number>): Promise<{ result: RunResult; cpu: CpuSample | null }> {
  const [{ loadScenario }, { Progress }, { runMatrix }] = await Promise.all([import('../scenario/load.js'), import('../run/progress.js'), import('../run/matrix.js')]);
  const scenario = loadScenario(file);
  const progress = new Progress({ write: t => process.stderr.write(t), tty: process.stderr.isTTY === true, width: process.stderr.columns ?? 100, strict: false });
  const before = cpuTimes();
  let result: RunResult;
  try {
    result = await runMatrix(scenario, { say: l => progress.say(l), progress, version: ctx.version, history, ...(concurrency ? { concurrency } : {}) });
  } finally {
    progress.end();
  }
  const after = cpuTimes();
  // USER_HZ is 100 on every Linux this runs on; /proc/stat counts in it.
  const cpu = before && after ? { busySeconds: (after.busy - before.busy) / 100, cores: os.cpus().length } : null;
  return { result, cpu };
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
    const [{ benchExitCode, benchFigures, benchText }, { readResults }, { reporters }, { durationHistory }] = await Promise.all([
      import('../bench/figures.js'),
      import('../results-file.js'),
      import('../report/registry.js'),
      import('../run/schedule.js'),
    ]);
    const saved = stringFlag(values, 'results');
    if (saved) {
      // Figures of a saved run (no CPU sample: that needs the run itself).
      const r = readResults(saved);
      const f = benchFigures(r);
      process.stdout.write(benchText(r.scenario.name, f) + '\n');
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
    fs.writeFileSync(path.join(out, 'results.json'), reporters.json.render(a.result));
    const figures = [benchFigures(a.result, a.cpu)];
    const lines = [benchText(a.result.scenario.name, figures[0]!) + `\n  start order                 ${historyA.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}`];
    if (vs) {
      const b = await benchOne(resolveScenario(vs, 'bench'), concurrency, ctx, historyB);
      fs.writeFileSync(path.join(out, 'results-vs.json'), reporters.json.render(b.result));
      figures.push(benchFigures(b.result, b.cpu));
      lines.push(benchText(b.result.scenario.name, figures[1]!) + `\n  start order                 ${historyB.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}`);
      // Two walls compare only when both runs measured.
      if (benchExitCode(figures) === ExitCode.ok) {
        lines.push(`${b.result.scenario.name} / ${a.result.scenario.name}: wall ${(b.result.durationMs / a.result.durationMs).toFixed(2)}×, cells ${(b.result.cells.length / a.result.cells.length).toFixed(2)}×`);
      }
    }
    process.stdout.write(lines.join('\n\n') + '\n');
    ctx.say(`results kept in ${shown(out)}/`);
    return benchExitCode(figures);
  },
};
