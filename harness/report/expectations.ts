// The scenario's expectations as the reports show them: failing cells first (what a CI reader
// needs), then one line per expectation with its counts. Pure, like every report helper.

import { expectedText, isFailure, summarize, type Expectation, type ExpectationSummary } from '../expect/judge.js';
import type { CellResult, RunResult } from '../results.js';
import { determinismChecked } from './flaky.js';
import { plural } from './format.js';

export function whereText(e: Expectation): string {
  const parts = Object.entries(e.where).map(([axis, values]) => `${axis}=${values!.length > 1 ? `{${values!.join(',')}}` : values![0]}`);
  return parts.length ? parts.join(' ') : 'every cell';
}

export interface ExpectationRow {
  expectation: Expectation;
  met: number;
  failed: number;
  unjudged: number;
  notApplicable: number;
}

export function expectationRows(result: RunResult): ExpectationRow[] {
  return result.expectations.map(e => {
    const outcomes = result.cells.flatMap(c => c.expectations.filter(o => o.expectation === e.index));
    const n = (status: string) => outcomes.filter(o => o.status === status).length;
    return { expectation: e, met: n('met'), failed: n('failed'), unjudged: n('unjudged'), notApplicable: n('not-applicable') };
  });
}

export interface FailingCell {
  cell: CellResult;
  /** "expect[2] (nohup survives a drop): expected survived, saw killed by SIGHUP" */
  lines: string[];
}

/** The cells that fail the run, each with every expectation it fails, in run order. */
export function failingCells(result: RunResult): FailingCell[] {
  const byIndex = new Map(result.expectations.map(e => [e.index, e]));
  return summarize(result.cells, result.expectations, result.strict).failingCells.map(cell => ({
    cell,
    lines: cell.expectations
      .filter(o => isFailure(o, result.strict))
      .map(o => {
        const why = byIndex.get(o.expectation)?.why;
        return `expect[${o.expectation}]${why ? ` (${why})` : ''}: ${o.detail}${o.status === 'unjudged' ? ' — fails because the run is strict' : ''}`;
      }),
  }));
}

export function expectationSummary(result: RunResult): ExpectationSummary {
  return summarize(result.cells, result.expectations, result.strict);
}

/**
 * The run's verdict in one line, everything that fails it first: "FAIL: 2 cells failed an
 * expectation, 1 case flaky · 42 met · 2 FAILED · 1 unjudged (not failing; …) · 1 FLAKY". The
 * expectation counts appear when the scenario has expectations, the flaky count when some case ran
 * more than once (only then could one be flaky), the races let off when there are any.
 */
export function summaryText(result: RunResult): string {
  const s = expectationSummary(result);
  const flaky = result.flaky.length;
  const flakyIds = new Set(result.flaky.map(f => f.caseId));
  const races = result.rates.filter(r => r.race && !flakyIds.has(r.caseId)).length;
  const parts = [
    ...(result.expectations.length
      ? [
          `${s.met} met`,
          s.failed ? `${s.failed} FAILED` : '0 failed',
          ...(s.unjudged ? [`${s.unjudged} unjudged (${result.strict ? 'failing: the run is strict' : 'not failing; --strict would fail them'})`] : []),
          ...(s.notApplicable ? [`${s.notApplicable} not applicable`] : []),
        ]
      : []),
    ...(determinismChecked(result) ? [flaky ? `${flaky} FLAKY` : '0 flaky'] : []),
    ...(races ? [`${plural(races, 'race')} (a rate, not failing)`] : []),
  ];
  const failures = [
    ...(s.failingCells.length ? [`${plural(s.failingCells.length, 'cell')} failed an expectation`] : []),
    ...(flaky ? [`${plural(flaky, 'case')} flaky`] : []),
  ];
  const verdict = failures.length ? `FAIL: ${failures.join(', ')}` : 'PASS';
  return `${[verdict, ...parts].join(' · ')}${s.unused.length ? ` · matched no cell in this result: ${s.unused.map(i => `expect[${i}]`).join(', ')}` : ''}`;
}

export { expectedText };
