import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchExitCode, benchFigures, benchText, type CpuSample } from '../bench/figures.js';
import { ExitCode } from '../core/errors.js';
import { ROOT } from '../core/paths.js';
import { reporters } from '../report/registry.js';
import type { RunResult } from '../results.js';
import { readResults } from '../results-file.js';
import { runMatrix } from '../run/matrix.js';
import { durationHistory } from '../run/schedule.js';
import { Progress } from '../run/progress.js';
import { loadScenario } from '../scenario/load.js';
import { intFlag, parseFlags } from './args.js';
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
  summary: 'run a scenario once and print wall time, its floor, and the ratio against one cell at a time (npm run bench); exit 1, without ratios, when a cell was inconclusive or a setup retried',
  usage: 'bench [--scenario FILE] [--vs FILE] [--concurrency N] [--results results.json] [--out DIR]',
  async run(args, ctx) {
    const { values } = parseFlags('bench', args, {
      scenario: { type: 'string' },
      vs: { type: 'string' },
      concurrency: { type: 'string' },
      results: { type: 'string' },
      out: { type: 'string' },
    });
    const concurrency = intFlag('bench', 'concurrency', values.concurrency, 1, 64);
    if (values.results) {
      // Figures of a saved run (no CPU sample: that needs the run itself).
      const r = readResults(values.results);
      const f = benchFigures(r);
      process.stdout.write(benchText(r.scenario.name, f) + '\n');
      return benchExitCode([f]);
    }
    const file = values.scenario ?? path.join(ROOT, 'scenarios', 'default.yaml');
    const out = values.out ?? path.join(ROOT, 'reports', 'bench');
    // A run schedules from the previous run's durations when there is one: so does the bench, and
    // it says which it had (the first run on a machine has none).
    const historyA = durationHistory(path.join(out, 'results.json'));
    const historyB = durationHistory(path.join(out, 'results-vs.json'));
    const a = await benchOne(file, concurrency, ctx, historyA);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'results.json'), reporters.json.render(a.result));
    const figures = [benchFigures(a.result, a.cpu)];
    const lines = [benchText(a.result.scenario.name, figures[0]!) + `\n  start order                 ${historyA.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}`];
    if (values.vs) {
      const b = await benchOne(values.vs, concurrency, ctx, historyB);
      fs.writeFileSync(path.join(out, 'results-vs.json'), reporters.json.render(b.result));
      figures.push(benchFigures(b.result, b.cpu));
      lines.push(benchText(b.result.scenario.name, figures[1]!) + `\n  start order                 ${historyB.size ? 'from the previous run\'s durations' : 'from the rules (no previous run)'}`);
      // Two walls compare only when both runs measured.
      if (benchExitCode(figures) === ExitCode.ok) {
        lines.push(`${b.result.scenario.name} / ${a.result.scenario.name}: wall ${(b.result.durationMs / a.result.durationMs).toFixed(2)}×, cells ${(b.result.cells.length / a.result.cells.length).toFixed(2)}×`);
      }
    }
    process.stdout.write(lines.join('\n\n') + '\n');
    ctx.say(`results kept in ${path.relative(ROOT, out)}/`);
    return benchExitCode(figures);
  },
};
