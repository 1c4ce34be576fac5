import path from 'node:path';
import { BadInputError, unknownName } from '../core/errors.js';
import { parseShard } from '../matrix/shard.js';
import { Progress } from '../run/progress.js';
import { runMatrix } from '../run/matrix.js';
import { durationHistory } from '../run/schedule.js';
import { loadScenario, selectBlocks } from '../scenario/load.js';
import { TARGETS } from '../target/targets.js';
import { intFlag, parseFlags } from './args.js';
import { defaultOutDir, writeReports } from './output.js';
import type { Command } from './types.js';

export const run: Command = {
  name: 'run',
  summary: "run a scenario's matrix against real sshd targets; write every report to DIR (default reports/latest)",
  usage:
    'run --scenario FILE [--out DIR] [--concurrency N] [--repeat N] [--cell-timeout S] [--target NAME]... [--block NAME]... [--shard I/N] [--strict] [--sshd-config FILE] [--progress auto|tty|log] [--record]',
  async run(args, ctx) {
    const { values } = parseFlags('run', args, {
      scenario: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      // Every case N times (at least); a case whose repetitions disagree is flaky and fails the run.
      repeat: { type: 'string' },
      // The most any one cell may take (default: its watch window + 150 s); past it, inconclusive.
      'cell-timeout': { type: 'string' },
      target: { type: 'string', multiple: true },
      // Only these blocks of a scenario with `matrices:` (their `name:`), e.g. one question of faults.yaml.
      block: { type: 'string', multiple: true },
      shard: { type: 'string' },
      strict: { type: 'boolean' },
      'sshd-config': { type: 'string' },
      progress: { type: 'string' },
      // Keeps each cell's client terminal (asciicast v2 events) in results.json: larger files.
      record: { type: 'boolean' },
    });
    if (!values.scenario) throw new BadInputError('hangup-lab run: --scenario FILE is required (e.g. scenarios/default.yaml)');
    const concurrency = intFlag('run', 'concurrency', values.concurrency, 1, 64);
    const repeat = intFlag('run', 'repeat', values.repeat, 1, 50);
    const cellTimeoutS = intFlag('run', 'cell-timeout', values['cell-timeout'], 5, 7200);
    const shard = values.shard === undefined ? undefined : parseShard(values.shard, 'hangup-lab run: --shard');
    const progressMode = values.progress ?? 'auto';
    if (!['auto', 'tty', 'log'].includes(progressMode)) {
      throw new BadInputError(`hangup-lab run: --progress "${progressMode}": must be auto, tty or log`);
    }
    const loaded = loadScenario(values.scenario, values['sshd-config'] ? { sshdConfig: values['sshd-config'] } : {});
    const scenario = values.block ? selectBlocks(loaded, values.block) : loaded;
    for (const t of values.target ?? []) {
      if (!scenario.axes.target.includes(t)) {
        const known = Object.keys(TARGETS).includes(t);
        throw new BadInputError(
          `hangup-lab run: --target ${known ? `"${t}" is not a target of ${scenario.file} (its targets: ${scenario.axes.target.join(', ')})` : unknownName('target', t, scenario.axes.target)}`,
        );
      }
    }
    const strict = values.strict ?? scenario.run.strict;
    const progress = new Progress({
      write: text => process.stderr.write(text),
      tty: progressMode === 'tty' || (progressMode === 'auto' && process.stderr.isTTY === true),
      width: process.stderr.columns ?? 100,
      strict,
    });
    const out = values.out ?? defaultOutDir();
    let result;
    try {
      result = await runMatrix(scenario, {
        // The previous run in the same directory tells how long each cell took: longest first.
        history: durationHistory(path.join(out, 'results.json')),
        say: line => progress.say(line),
        progress,
        version: ctx.version,
        strict,
        ...(values.record ? { record: true } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(repeat ? { repeat } : {}),
        ...(cellTimeoutS ? { cellTimeoutMs: cellTimeoutS * 1000 } : {}),
        ...(values.target ? { targets: values.target } : {}),
        ...(shard ? { shard } : {}),
      });
    } finally {
      progress.end();
    }
    return writeReports(result, out, ctx);
  },
};
