// Expectations: what the scenario's author says a cell's verdict must be. Judging them is a pure
// function of the cell results, so `merge` and every report compute the same answer from
// results.json alone.
import { patternMatches, type CellResult, type Expectation, type ExpectationOutcome } from '../results.js';

// The saved shapes live with the results contract, and so does matching a pattern (the races of
// results.json are matched where `flaky` is derived, below this layer); re-exported for the
// modules that judge them.
export { patternMatches, type CellPattern, type Expectation, type ExpectationOutcome, type ExpectationStatus } from '../results.js';

export function expectedText(e: Expectation): string {
  return `${e.verdict.join(' or ')}${e.signal ? ` by ${e.signal}` : ''}`;
}

/** Every expectation that applies to the cell, judged. */
export function judgeCell(cell: CellResult, expectations: readonly Expectation[]): ExpectationOutcome[] {
  return expectations
    .filter(e => patternMatches(cell, e.where))
    .map(e => {
      const seen = `${cell.verdict}${cell.signal ? ` by ${cell.signal}` : ''}`;
      const wanted = expectedText(e);
      const verdictOk = e.verdict.includes(cell.verdict);
      // An expectation that names inconclusive or not-applicable itself is judged like any other.
      if (!verdictOk && cell.verdict === 'inconclusive') {
        return { expectation: e.index, status: 'unjudged' as const, detail: `expected ${wanted}; could not be judged: ${cell.reason}` };
      }
      if (!verdictOk && cell.verdict === 'not-applicable') {
        return { expectation: e.index, status: 'not-applicable' as const, detail: `expected ${wanted}; the sever does not apply: ${cell.reason}` };
      }
      // The signal only constrains a killed cell: the loader allows `verdict: [survived, killed],
      // signal: SIGHUP` ("a signal only applies to the verdict killed"), and a survivor meets that;
      // requiring the signal of every verdict failed every survivor (and every other listed verdict).
      const ok = verdictOk && (e.signal === null || cell.verdict !== 'killed' || cell.signal === e.signal);
      return { expectation: e.index, status: ok ? ('met' as const) : ('failed' as const), detail: `expected ${wanted}, saw ${seen}` };
    });
}

/** Does this outcome fail the run? Unjudged cells fail only when the user asked for strictness. */
export function isFailure(o: ExpectationOutcome, strict: boolean): boolean {
  return o.status === 'failed' || (strict && o.status === 'unjudged');
}

export interface ExpectationSummary {
  met: number;
  failed: number;
  unjudged: number;
  notApplicable: number;
  /** cells with at least one failing outcome (under the run's strictness), in run order */
  failingCells: CellResult[];
  /** expectations that matched no cell of this result */
  unused: number[];
}

export function summarize(cells: readonly CellResult[], expectations: readonly Expectation[], strict: boolean): ExpectationSummary {
  const s: ExpectationSummary = { met: 0, failed: 0, unjudged: 0, notApplicable: 0, failingCells: [], unused: [] };
  const used = new Set<number>();
  for (const c of cells) {
    for (const o of c.expectations) {
      used.add(o.expectation);
      if (o.status === 'met') s.met++;
      else if (o.status === 'failed') s.failed++;
      else if (o.status === 'unjudged') s.unjudged++;
      else s.notApplicable++;
    }
    if (c.expectations.some(o => isFailure(o, strict))) s.failingCells.push(c);
  }
  s.unused = expectations.map(e => e.index).filter(i => !used.has(i));
  return s;
}
