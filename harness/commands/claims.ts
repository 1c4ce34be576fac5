import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CLAIM_RUNS, extendedPlan, remeasurePlan } from '../claims/remeasure.js';
import { BadInputError, ExitCode } from '../core/errors.js';
import { mergeResults } from '../merge/merge.js';
import { ROOT } from '../core/paths.js';
import { claimLines } from '../report/terminal.js';
import { fileReporters, reporters } from '../report/registry.js';
import type { RunResult } from '../results.js';
import { runMatrix } from '../run/matrix.js';
import { Progress } from '../run/progress.js';
import { loadScenario } from '../scenario/load.js';
import { intFlag, parseFlags } from './args.js';
import type { Command } from './types.js';

/**
 * `hangup-lab claims`: run every claims file (one per source article) and print each claim as
 * CONFIRMED, REFUTED or CONDITIONAL with its evidence cells. A refuted claim is a finding, not a
 * failure: the command exits 0 once the table is printed (2 bad input, 3 infrastructure).
 * No verdict rests on one observation of the cells that split a claim: those cases run again
 * (`--runs`, 3 in all by default) before the table, and a case whose runs disagree is stated as a
 * rate ("confirmed in 2 of 3 runs of …").
 */
export const claims: Command = {
  name: 'claims',
  summary: "run the source articles' claims (scenarios/claims/*.yaml) and print CONFIRMED / REFUTED / CONDITIONAL with the evidence",
  usage: 'claims [--dir DIR] [--out DIR] [--concurrency N] [--runs N] [FILE.yaml...]',
  async run(args, ctx) {
    const { values, positionals } = parseFlags(
      'claims',
      args,
      { dir: { type: 'string' }, out: { type: 'string' }, concurrency: { type: 'string' }, runs: { type: 'string' } },
      true,
    );
    const concurrency = intFlag('claims', 'concurrency', values.concurrency, 1, 64);
    const runs = intFlag('claims', 'runs', values.runs, 1, 20) ?? DEFAULT_CLAIM_RUNS;
    const dir = values.dir ?? path.join(ROOT, 'scenarios', 'claims');
    let files = positionals;
    if (!files.length) {
      try {
        files = fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort().map(f => path.join(dir, f));
      } catch (e) {
        throw new BadInputError(`hangup-lab claims: --dir ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; give the folder of the claims files`);
      }
    }
    if (!files.length) throw new BadInputError(`hangup-lab claims: no *.yaml claims files in ${dir}`);
    // Load all first: a bad file is reported before anything runs.
    const scenarios = files.map(f => {
      const s = loadScenario(f);
      if (!s.claims) throw new BadInputError(`${f}: no claims: list; this is a scenario, not a claims file`);
      return s;
    });
    const out = values.out ?? path.join(ROOT, 'reports', 'claims');
    const results: RunResult[] = [];
    for (const scenario of scenarios) {
      ctx.say(`claims of ${scenario.claims!.article}: ${scenario.claims!.claims.length} claims`);
      const progress = new Progress({ write: t => process.stderr.write(t), tty: process.stderr.isTTY === true, width: process.stderr.columns ?? 100, strict: false });
      const options = { say: (l: string) => progress.say(l), progress, version: ctx.version, ...(concurrency ? { concurrency } : {}) };
      let result: RunResult;
      try {
        result = await runMatrix(scenario, options);
        const again = remeasurePlan(result, runs);
        if (again.cells.length) {
          const cases = again.because.size;
          const split = [...new Set([...again.because.values()].flat())];
          progress.say(
            `measuring again ${cases} case${cases === 1 ? '' : 's'} that split claim${split.length === 1 ? '' : 's'} ${split.join(', ')}: ${again.cells.length} more runs (${runs} in all)`,
          );
          // One progress display for both passes: the extra runs add to the first pass's total.
          const done = result.cells.length;
          const sink = { planned: (n: number) => progress.planned(done + n), started: progress.started.bind(progress), finished: progress.finished.bind(progress) };
          const more = await runMatrix(scenario, { ...options, progress: sink, cells: again.cells });
          // One result, as if the plan had held the extra repetitions: every report, `merge` and
          // the judge see all runs of a case.
          const plan = extendedPlan(result.plan, result.cells, again.cells);
          result = mergeResults([
            { file: `${scenario.file} (first pass)`, result: { ...result, plan } },
            { file: `${scenario.file} (measured again)`, result: { ...more, plan } },
          ]);
        }
      } finally {
        progress.end();
      }
      const where = path.join(out, path.basename(scenario.file, '.yaml'));
      fs.mkdirSync(where, { recursive: true });
      for (const r of fileReporters) fs.writeFileSync(path.join(where, r.fileName), r.render(result));
      results.push(result);
    }
    const text = results.map(r => claimLines(r).join('\n')).join('\n\n');
    process.stdout.write(text + '\n');
    // One Markdown file with every article's claims, for a pull request or an issue.
    fs.writeFileSync(
      path.join(out, 'claims.md'),
      results
        .map(r => {
          const md = reporters.markdown.render(r);
          const start = md.indexOf('## Claims of');
          const end = md.indexOf('\n## ', start + 1);
          const section = md.slice(start, end < 0 ? undefined : end).trim();
          // Evidence links point into that article's own report.html.
          return section.replace(/\(report\.html#/g, `(${path.basename(r.scenario.file, '.yaml')}/report.html#`);
        })
        .join('\n\n') + '\n',
    );
    ctx.say(`wrote ${path.relative(ROOT, out) || out}/claims.md and, per article, results.json, report.md and the other reports`);
    return ExitCode.ok;
  },
};
