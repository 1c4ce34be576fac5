import fs from 'node:fs';
import path from 'node:path';
import { fileReporters, reporters } from '../report/registry.js';
import { runMatrix } from '../run/matrix.js';
import { loadScenario } from '../scenario/load.js';
import { ExitCode } from '../errors.js';
import { ROOT } from '../paths.js';

export interface RunArgs {
  scenario: string;
  out: string;
  concurrency?: number;
}

/** `hangup-lab run`: expand the scenario, run every cell, write every report, print the matrix. */
export async function runCommand(args: RunArgs, version: string): Promise<number> {
  const scenario = loadScenario(args.scenario);
  const say = (line: string) => process.stderr.write(`hangup-lab: ${line}\n`);
  const result = await runMatrix(scenario, { say, version, ...(args.concurrency ? { concurrency: args.concurrency } : {}) });
  fs.mkdirSync(args.out, { recursive: true });
  for (const r of fileReporters) fs.writeFileSync(path.join(args.out, r.fileName), r.render(result));
  process.stdout.write(reporters.terminal.render(result, { color: process.stdout.isTTY === true }));
  say(`wrote ${fileReporters.map(r => path.relative(ROOT, path.join(args.out, r.fileName)) || r.fileName).join(', ')}`);
  // Expectations arrive with scenario files that declare them; until then a completed run is a pass.
  return ExitCode.ok;
}
