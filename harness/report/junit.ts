// JUnit XML for CI systems: one testsuite per target, one testcase per cell. A cell fails when an
// expectation about it failed (or, under --strict, could not be judged), and every repetition of a
// flaky case fails with a <failure type="flaky"> (a CI system shows failures, and a case has no
// testcase of its own); cells that could not be judged or where the sever does not apply are
// "skipped" with the reason, never a silent pass. A declared race is no failure: its repetitions
// say how often it survived in their system-out.

import { repeatsText, type FlakyCase, type SignalVariesCase } from '../expect/flaky.js';
import { isFailure } from '../expect/judge.js';
import type { CellResult, RunResult } from '../results.js';
import { varyingExtraAxes } from './axes.js';
import { repOutcome } from './flaky.js';
import { caseLabel, repeatedCases, targetNames } from './matrix-view.js';
import { raceEntries, type RaceEntry } from './rates.js';
import type { Reporter } from './types.js';

/** XML 1.0 forbids most control characters even escaped; they are dropped, the rest escaped. */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function outcome(c: CellResult): string {
  return `${c.verdict}${c.signal ? ` by ${c.signal}` : ''}${c.deathMs !== null ? ` after ${secs(c.deathMs)} s` : ''}${c.reason ? ` — ${c.reason}` : ''}`;
}

/** The run's flaky and signal-varies cases by case id, with their repetitions' outcomes in words. */
interface Repeats {
  flaky: Map<string, FlakyCase>;
  varies: Map<string, SignalVariesCase>;
  races: Map<string, RaceEntry>;
  /** "r1 survived; r2 killed SIGHUP at +5.65 s" per case id */
  reps: Map<string, string>;
}

function repeats(result: RunResult): Repeats {
  const byId = new Map(result.cells.map(c => [c.id, c]));
  const races = raceEntries(result);
  const reps = new Map(
    [...result.flaky, ...result.signalVaries, ...races.map(r => r.entry)].map(e => {
      const cells = e.cellIds.map(id => byId.get(id)).filter((c): c is CellResult => c !== undefined);
      return [e.caseId, cells.map(c => `r${c.rep} ${repOutcome(c)}`).join('; ')] as const;
    }),
  );
  return {
    flaky: new Map(result.flaky.map(f => [f.caseId, f])),
    varies: new Map(result.signalVaries.map(v => [v.caseId, v])),
    races: new Map(races.map(r => [r.entry.caseId, r])),
    reps,
  };
}

function testcase(result: RunResult, c: CellResult, repeated: Set<string>, r: Repeats): { xml: string; failed: boolean; skipped: boolean } {
  const failures = c.expectations.filter(o => isFailure(o, result.strict));
  const flaky = r.flaky.get(c.caseId);
  const varies = r.varies.get(c.caseId);
  const race = r.races.get(c.caseId);
  const failed = failures.length > 0 || flaky !== undefined;
  const skippedWhy = !failed && (c.verdict === 'inconclusive' || c.verdict === 'not-applicable') ? `${c.verdict}: ${c.reason}` : null;
  const name = `${caseLabel(c, varyingExtraAxes(result), '/', repeated.has(c.caseId))} [${c.id}]`;
  const flakyText = flaky ? `flaky: ${repeatsText(flaky)} of case ${flaky.caseId}` : null;
  const body = [
    ...failures.map(o => `      <failure type="expectation" message="${xmlText(`expect[${o.expectation}]: ${o.detail}`)}">${xmlText(o.detail)}</failure>`),
    ...(flakyText ? [`      <failure type="flaky" message="${xmlText(flakyText)}">${xmlText(`${flakyText}: ${r.reps.get(c.caseId)}`)}</failure>`] : []),
    ...(skippedWhy ? [`      <skipped message="${xmlText(skippedWhy)}"/>`] : []),
    `      <system-out>${xmlText(
      [
        `verdict: ${outcome(c)}`,
        ...c.expectations.map(o => `expect[${o.expectation}] ${o.status}: ${o.detail}`),
        ...(varies ? [`signal varies (not failing): ${repeatsText(varies)}: ${r.reps.get(c.caseId)}`] : []),
        ...(race ? [`race${race.flaky ? '' : ' (not failing)'}: ${race.counts}${race.why.length ? ` — ${race.why.join('; ')}` : ''}: ${r.reps.get(c.caseId)}`] : []),
      ].join('\n'),
    )}</system-out>`,
  ];
  return {
    xml: [`    <testcase classname="${xmlText(`hangup-lab.${c.target}.${c.session}.${c.launch}`)}" name="${xmlText(name)}" time="${secs(c.timing.durationMs)}">`, ...body, '    </testcase>'].join('\n'),
    failed,
    skipped: skippedWhy !== null,
  };
}

export const junit: Reporter = {
  name: 'junit',
  fileName: 'junit.xml',
  summary: 'JUnit XML for CI: one testcase per cell, a failure per unmet expectation and per repetition of a flaky case, skipped = could not be judged',
  render(result) {
    const repeated = repeatedCases(result.cells);
    const r = repeats(result);
    const suites = targetNames(result)
      .map(target => {
        const cells = result.cells.filter(c => c.target === target);
        const cases = cells.map(c => testcase(result, c, repeated, r));
        const time = cells.reduce((sum, c) => sum + c.timing.durationMs, 0);
        return {
          tests: cases.length,
          failures: cases.filter(x => x.failed).length,
          skipped: cases.filter(x => x.skipped).length,
          xml: [
            `  <testsuite name="${xmlText(target)}" tests="${cases.length}" failures="${cases.filter(x => x.failed).length}" errors="0" skipped="${cases.filter(x => x.skipped).length}" time="${secs(time)}">`,
            ...cases.map(x => x.xml),
            '  </testsuite>',
          ].join('\n'),
        };
      })
      .filter(s => s.tests > 0);
    const sum = (k: 'tests' | 'failures' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="${xmlText(`hangup-lab: ${result.scenario.name}`)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="0" skipped="${sum('skipped')}" time="${secs(result.durationMs)}">`,
      ...suites.map(s => s.xml),
      '</testsuites>',
      '',
    ].join('\n');
  },
};
