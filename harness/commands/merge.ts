import fs from 'node:fs';
import { BadInputError } from '../core/errors.js';
import { mergeResults, type Part } from '../merge/merge.js';
import { parseResults } from '../results-file.js';
import { parseFlags } from './args.js';
import { defaultOutDir, writeReports } from './output.js';
import type { Command } from './types.js';

export const merge: Command = {
  name: 'merge',
  summary: 'combine the results.json of shards/targets of one scenario and re-render every report (exit 1 if an expectation failed or a case is flaky)',
  usage: 'merge [--out DIR] RESULTS.json...',
  async run(args, ctx) {
    const { values, positionals } = parseFlags('merge', args, { out: { type: 'string' } }, true);
    if (!positionals.length) throw new BadInputError('hangup-lab merge: give the results.json files to merge, e.g. reports/*/results.json');
    const parts: Part[] = positionals.map(file => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new BadInputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
      }
      return { file, result: parseResults(text, file) };
    });
    const merged = mergeResults(parts);
    ctx.say(`merged ${parts.length} file${parts.length === 1 ? '' : 's'}: ${merged.cells.length} cells`);
    return writeReports(merged, values.out ?? defaultOutDir(), ctx);
  },
};
