// No claim verdict rests on a single observation of the cells that split it. After the first pass
// of a claims file, the cases that make a claim REFUTED or CONDITIONAL are measured again (real
// extra repetitions of the same case: same caseId, next rep numbers, the ids `expand` would give
// them), so the judge sees every run of them and states a rate where they disagree.
import { cellId } from '../matrix/cell-id.js';
import { AXIS_NAMES, type Cell, type CellResult, type RunResult } from '../results.js';
import { evidenceCases, judgeClaims, type EvidenceCase } from './judge.js';

export interface Remeasure {
  /** the extra repetitions to run, in the order of their cases' first appearance */
  cells: Cell[];
  /** for each case re-measured, the claims it splits (for the progress line and the report) */
  because: Map<string, string[]>;
}

/**
 * The cases that split a claim: for REFUTED, every case that contradicts it; for CONDITIONAL, the
 * smaller side (both on a tie). A single wrong observation of a case always lands on the smaller
 * side, which is why that side carries the claim's condition and is the side to check.
 */
export function splittingCases(cases: EvidenceCase[], verdict: string): EvidenceCase[] {
  const yes = cases.filter(c => c.confirmed === c.reps.length);
  const no = cases.filter(c => c.confirmed === 0);
  if (verdict === 'REFUTED') return no;
  if (verdict !== 'CONDITIONAL') return [];
  const mixed = cases.filter(c => c.confirmed > 0 && c.confirmed < c.reps.length);
  const sides = yes.length < no.length ? yes : no.length < yes.length ? no : [...yes, ...no];
  return [...sides, ...mixed];
}

/**
 * The repetitions that bring every splitting case to `runs` runs in all (cases that already ran
 * that often, e.g. detection-latency cases, get none). Pure: it reads the result and the plan only.
 */
export function remeasurePlan(result: RunResult, runs: number): Remeasure {
  const cells = result.cells;
  const because = new Map<string, string[]>();
  for (const outcome of judgeClaims(result)) {
    const { cases } = evidenceCases(outcome.claim, cells);
    for (const c of splittingCases(cases, outcome.verdict)) because.set(c.caseId, [...(because.get(c.caseId) ?? []), outcome.claim.id]);
  }
  const planned = new Set(result.plan);
  const extra: Cell[] = [];
  for (const caseId of because.keys()) {
    const reps = cells.filter(c => c.caseId === caseId);
    const first = reps[0]!;
    const values = Object.fromEntries(AXIS_NAMES.map(a => [a, first[a]])) as Omit<Cell, 'id' | 'caseId' | 'rep'>;
    let rep = Math.max(...reps.map(c => c.rep));
    for (let n = reps.length; n < runs; n++) {
      rep++;
      const id = cellId({ ...values, rep });
      // A rep of the scenario's own plan that this run did not hold (--target, --shard) is not ours to add.
      if (planned.has(id)) continue;
      extra.push({ id, caseId, ...values, rep });
    }
  }
  return { cells: extra, because: new Map([...because].filter(([id]) => extra.some(c => c.caseId === id))) };
}

/**
 * The first pass and its re-measurement as one result, as if the plan had held the extra
 * repetitions from the start: each one placed right after the last run of its case. The cells
 * themselves are merged by `mergeResults`, which re-derives flaky cases and expectations.
 */
export function extendedPlan(plan: readonly string[], cells: readonly CellResult[], extra: readonly Cell[]): string[] {
  const caseOf = new Map(cells.map(c => [c.id, c.caseId]));
  const out: string[] = [];
  const pending = new Map<string, string[]>();
  for (const c of extra) pending.set(c.caseId, [...(pending.get(c.caseId) ?? []), c.id]);
  const lastOf = new Map<string, number>();
  plan.forEach((id, i) => {
    const k = caseOf.get(id);
    if (k && pending.has(k)) lastOf.set(k, i);
  });
  plan.forEach((id, i) => {
    out.push(id);
    const k = caseOf.get(id);
    if (k && lastOf.get(k) === i) out.push(...pending.get(k)!);
  });
  return out;
}
