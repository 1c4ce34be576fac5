import fs from 'node:fs';
import path from 'node:path';
import { summarize } from '../expect/judge.js';
import { ExitCode } from '../core/errors.js';
import { colorFor } from '../core/color.js';
import { shown } from '../core/paths.js';
import { repeatsText } from '../expect/flaky.js';
import { caseName } from '../report/flaky.js';
import { plural } from '../report/format.js';
import { fileReporters, reporters } from '../report/registry.js';
import type { RunResult } from '../results.js';
import type { CommandContext } from './types.js';

/**
 * Write every file report, print the terminal one, and decide the exit code from the results alone
 * (so `run` and `merge` agree): 1 when an expectation failed or a case is flaky, else 0.
 */
export function writeReports(result: RunResult, out: string, ctx: CommandContext): number {
  fs.mkdirSync(out, { recursive: true });
  for (const r of fileReporters) fs.writeFileSync(path.join(out, r.fileName), r.render(result));
  process.stdout.write(reporters.terminal.render(result, { color: colorFor(process.stdout) }));
  ctx.say(`wrote ${fileReporters.map(r => shown(path.join(out, r.fileName))).join(', ')}`);
  const s = summarize(result.cells, result.expectations, result.strict);
  if (s.failingCells.length) ctx.say(`${plural(s.failingCells.length, 'cell')} failed an expectation; the report lists them first`);
  const cells = new Map(result.cells.map(c => [c.id, c]));
  for (const f of result.flaky) {
    const first = cells.get(f.cellIds[0] ?? '');
    ctx.say(`flaky: ${first ? caseName(result, first, '/', ' ') : f.caseId}: ${repeatsText(f)}`);
  }
  if (s.failingCells.length || result.flaky.length) {
    ctx.say(`exit 1: ${[s.failingCells.length ? 'an expectation failed' : '', result.flaky.length ? `${plural(result.flaky.length, 'case')} flaky` : ''].filter(Boolean).join(', ')}`);
    return ExitCode.expectationFailed;
  }
  return ExitCode.ok;
}
