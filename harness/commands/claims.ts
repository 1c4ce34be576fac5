import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, ExitCode } from '../core/errors.js';
import { REPORTS_DIR, reportsDir, ROOT, shown } from '../core/paths.js';
import type { RunResult } from '../results.js';
import { intFlag, parseFlags, stringFlag } from './args.js';
import type { Command } from './types.js';

/** How many runs in all a case that splits a claim gets by default (--runs; harness/claims/remeasure.ts). */
const CLAIM_RUNS = 3;

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
  summary: "judge the source articles' claims: CONFIRMED, REFUTED or CONDITIONAL, with the evidence",
  operands: { usage: '[FILE.yaml...]', help: 'claims files to run (default: every file in --dir)' },
  flags: [
    { name: 'dir', value: 'DIR', help: 'the folder of the claims files (default: the bundled scenarios/claims)' },
    { name: 'out', value: 'DIR', help: `where the reports go, one folder per article, and claims.md (default: ./${REPORTS_DIR}/claims)` },
    { name: 'concurrency', value: 'N', help: "cells at a time, 1-64 (default: the claims file's run.concurrency)" },
    { name: 'runs', value: 'N', help: `runs in all, 1-20, of each case that splits a claim before it is judged (default: ${CLAIM_RUNS})` },
  ],
  notes: ['A refuted claim is a finding, not a failure: the exit code is 0 once the table is printed (2 bad input, 3 infrastructure).'],
  async run(args, ctx) {
    const { values, positionals } = parseFlags(claims, args);
    const concurrency = intFlag('claims', 'concurrency', stringFlag(values, 'concurrency'), 1, 64);
    const runs = intFlag('claims', 'runs', stringFlag(values, 'runs'), 1, 20) ?? CLAIM_RUNS;
    const dir = stringFlag(values, 'dir') ?? path.join(ROOT, 'scenarios', 'claims');
    const [{ extendedPlan, remeasurePlan }, { mergeResults }, { claimLines }, { fileReporters, reporters }, { runMatrix }, { Progress }, { loadScenario }] = await Promise.all([
      import('../claims/remeasure.js'),
      import('../merge/merge.js'),
      import('../report/terminal.js'),
      import('../report/registry.js'),
      import('../run/matrix.js'),
      import('../run/progress.js'),
      import('../scenario/load.js'),
    ]);
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
    const out = path.resolve(stringFlag(values, 'out') ?? reportsDir('claims'));
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
    fs.writeFileSync(path.join(out, 'claims.md'), claimsMarkdown(results, r => reporters.markdown.render(r)));
    ctx.say(`wrote ${shown(out)}/claims.md and, per article, results.json, report.md and the other reports`);
    return ExitCode.ok;
  },
};

/**
 * One Markdown file with every article's claims, for a pull request or an issue: the claims section
 * of each article's report.md, its evidence links pointing into that article's own report.html.
 */
function claimsMarkdown(results: readonly RunResult[], markdown: (r: RunResult) => string): string {
  const sections = results.map(r => {
    const md = markdown(r);
    const start = md.indexOf('## Claims of');
    const end = md.indexOf('\n## ', start + 1);
    const section = md.slice(start, end < 0 ? undefined : end).trim();
    return section.replace(/\(report\.html#/g, `(${path.basename(r.scenario.file, '.yaml')}/report.html#`);
  });
  return sections.join('\n\n') + '\n';
}
