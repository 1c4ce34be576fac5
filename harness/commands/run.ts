import fs from 'node:fs';
import path from 'node:path';
import { fileReporters, reporters } from '../report/registry.js';
import { runMatrix } from '../run/matrix.js';
import { loadScenario } from '../scenario/load.js';
import { BadInputError, ExitCode } from '../errors.js';
import { ROOT } from '../paths.js';
import { intFlag, parseFlags } from './args.js';
import type { Command } from './types.js';

export const run: Command = {
  name: 'run',
  summary: "run a scenario's matrix against real sshd targets; write every report to DIR (default reports/latest)",
  usage: 'run --scenario FILE [--out DIR] [--concurrency N]',
  async run(args, ctx) {
    const { values } = parseFlags('run', args, {
      scenario: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
    });
    if (!values.scenario) throw new BadInputError('hangup-lab run: --scenario FILE is required (e.g. scenarios/default.yaml)');
    const concurrency = intFlag('run', 'concurrency', values.concurrency, 1, 64);
    const out = values.out ?? path.join(ROOT, 'reports', 'latest');
    const scenario = loadScenario(values.scenario);
    const result = await runMatrix(scenario, { say: ctx.say, version: ctx.version, ...(concurrency ? { concurrency } : {}) });
    fs.mkdirSync(out, { recursive: true });
    for (const r of fileReporters) fs.writeFileSync(path.join(out, r.fileName), r.render(result));
    process.stdout.write(reporters.terminal.render(result, { color: process.stdout.isTTY === true }));
    ctx.say(`wrote ${fileReporters.map(r => path.relative(ROOT, path.join(out, r.fileName)) || r.fileName).join(', ')}`);
    return ExitCode.ok;
  },
};
