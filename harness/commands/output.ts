import fs from 'node:fs';
import path from 'node:path';
import { summarize } from '../expect/judge.js';
import { ExitCode } from '../errors.js';
import { ROOT } from '../paths.js';
import { fileReporters, reporters } from '../report/registry.js';
import type { RunResult } from '../results.js';
import type { CommandContext } from './types.js';

export function defaultOutDir(): string {
  return path.join(ROOT, 'reports', 'latest');
}

/**
 * Write every file report, print the terminal one, and decide the exit code from the results alone
 * (so `run` and `merge` agree): 1 when an expectation failed, else 0.
 */
export function writeReports(result: RunResult, out: string, ctx: CommandContext): number {
  fs.mkdirSync(out, { recursive: true });
  for (const r of fileReporters) fs.writeFileSync(path.join(out, r.fileName), r.render(result));
  process.stdout.write(reporters.terminal.render(result, { color: process.stdout.isTTY === true }));
  ctx.say(`wrote ${fileReporters.map(r => path.relative(ROOT, path.join(out, r.fileName)) || r.fileName).join(', ')}`);
  const s = summarize(result.cells, result.expectations, result.strict);
  if (s.failingCells.length) {
    ctx.say(`${s.failingCells.length} cell${s.failingCells.length === 1 ? '' : 's'} failed an expectation (exit 1); the report lists them first`);
    return ExitCode.expectationFailed;
  }
  return ExitCode.ok;
}
