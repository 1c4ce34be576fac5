import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, unknownName } from '../core/errors.js';
import { listFlag, parseFlags, stringFlag } from './args.js';
import type { Command } from './types.js';

/**
 * `hangup-lab predict` (issue 18): what happens on an inspected server of the user's own, read off
 * measured cells whose deciding facts match the server's. Never a guess: a combination no matching
 * cell measured says so, with the facts the nearest cells differ in.
 */
export const predict: Command = {
  name: 'predict',
  summary: "predict each launch × sever outcome on your server from measured cells that match its facts",
  flags: [
    { name: 'facts', value: 'FILE', help: 'the JSON `hangup-lab inspect --host` wrote of the server' },
    { name: 'results', value: 'FILE', multiple: true, help: 'a results.json of a run: its cells are the measurements' },
    {
      name: 'workload',
      value: 'NAME',
      multiple: true,
      help: 'the workloads to predict, each its own rows (default: quiet)',
      choices: async () => (await import('../workload/registry.js')).workloads.names,
    },
    {
      name: 'session',
      value: 'NAME',
      multiple: true,
      help: 'only these session kinds (default: every one in the results)',
      choices: async () => (await import('../session/registry.js')).sessions.names,
    },
    { name: 'json', value: 'FILE', help: 'also write the prediction as JSON there' },
    { name: 'compare', value: 'FILE', help: "the results.json of `run --host` on the same server: print, cell by cell, whether the prediction held (agree, disagree, no prediction)" },
  ],
  notes: [
    'A measured cell matches when it shares every deciding fact with the server: OpenSSH release, login user, session manager, ' +
      'KillUserProcesses, linger, huponexit, the ssh unit\'s KillMode, and for a sever that keepalives could notice ClientAlive, ' +
      'TCPKeepAlive and the kernel TCP timers. A fact inspect could not read matches nothing. Matching cells that disagree are ' +
      'shown with their counts; a row without a match names the facts the nearest cells differ in.',
  ],
  async run(args, ctx) {
    const { values } = parseFlags(predict, args);
    const factsFile = stringFlag(values, 'facts');
    const resultsFiles = listFlag(values, 'results') ?? [];
    if (!factsFile) throw new BadInputError('hangup-lab predict: --facts FILE is missing; give the JSON of `hangup-lab inspect --host HOST`');
    if (!resultsFiles.length) throw new BadInputError('hangup-lab predict: --results FILE is missing; give the results.json of a run (more than one: repeat --results)');
    const [{ readInspectReport, readResultsInput }, { predict: predictHost }, { renderPrediction }, { predictionSchema }, { workloads }, { sessions }] = await Promise.all([
      import('../predict/read.js'),
      import('../predict/match.js'),
      import('../predict/render.js'),
      import('../predict/schema.js'),
      import('../workload/registry.js'),
      import('../session/registry.js'),
    ]);
    // A misspelt filter would silently leave no rows: the registries know the names.
    const named = (flag: string, registry: { has(n: string): boolean; names: readonly string[] }) =>
      listFlag(values, flag)?.map(n => {
        if (!registry.has(n)) throw new BadInputError(`hangup-lab predict: --${flag}: ${unknownName(flag, n, registry.names)}`);
        return n;
      });
    const compareFile = stringFlag(values, 'compare');
    const observed = compareFile ? readResultsInput(compareFile).result : null;
    // Compared with a run, the rows are the run's workloads unless --workload names others.
    const workloadsWanted = named('workload', workloads) ?? (observed ? [...new Set(observed.cells.map(c => c.workload))] : ['quiet']);
    const filters = { workload: workloadsWanted, session: named('session', sessions) ?? null };
    const report = readInspectReport(factsFile);
    const inputs = resultsFiles.map(readResultsInput);
    const prediction = predictionSchema.parse(predictHost(report, factsFile, inputs, filters));
    if (observed) {
      const { agreement, renderAgreement } = await import('../predict/agreement.js');
      process.stdout.write(renderAgreement(agreement(prediction, observed)));
    } else process.stdout.write(renderPrediction(prediction));
    const json = stringFlag(values, 'json');
    if (json) {
      fs.mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
      fs.writeFileSync(json, JSON.stringify(prediction, null, 2) + '\n');
      ctx.say(`wrote ${json}`);
    }
    return 0;
  },
};
