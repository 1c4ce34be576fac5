import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../core/errors.js';
import { REPORTS_DIR, reportsDir } from '../core/paths.js';
import { parseFlags, stringFlag } from './args.js';
import type { Command } from './types.js';

export const merge: Command = {
  name: 'merge',
  summary: 'combine the results.json of shards or targets of one scenario and write every report again',
  operands: { usage: 'RESULTS.json...', help: 'the results files to combine, e.g. shard-*/results.json' },
  flags: [{ name: 'out', value: 'DIR', help: `where the merged reports go (default: ./${REPORTS_DIR}/latest)` }],
  notes: ['The exit code is decided from the merged results, as run decides it: 1 when an expectation failed or a case is flaky.'],
  async run(args, ctx) {
    const { values, positionals } = parseFlags(merge, args);
    if (!positionals.length) throw new BadInputError('hangup-lab merge: give the results.json files to merge, e.g. shard-*/results.json');
    const [{ mergeResults }, { parseResults }, { writeReports }] = await Promise.all([import('../merge/merge.js'), import('../results-file.js'), import('./output.js')]);
    const parts = positionals.map(file => {
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
    return writeReports(merged, path.resolve(stringFlag(values, 'out') ?? reportsDir('latest')), ctx);
  },
};
