// The claims of a source article as the reports show them: one row per claim with its verdict,
// the condition it holds under, and the evidence cells; then the claims the harness cannot test.
import { judgeClaims, type ClaimOutcome } from '../claims/judge.js';
import type { RunResult } from '../results.js';

export interface ClaimRow {
  outcome: ClaimOutcome;
  /** the cells that decided it: the contradicting ones first (they carry the finding) */
  evidence: string[];
}

export function claimRows(result: RunResult): ClaimRow[] {
  return judgeClaims(result).map(outcome => ({ outcome, evidence: [...outcome.contradicting, ...outcome.confirming] }));
}

export const CLAIM_VERDICT_LEGEND = {
  CONFIRMED: 'every judged evidence cell showed what the claim says, in every run',
  REFUTED: 'no judged evidence cell showed it, in any run',
  CONDITIONAL:
    'true only under the stated settings (session type, workload, logind, OpenSSH version, …), or only in some runs of a cell: then the rate is stated ("confirmed in 2 of 3 runs of …")',
  UNDECIDED: 'no evidence cell could be judged',
} as const;

/** The claim as written, with where it comes from when that is not the file's article (a thread's URL). */
export function claimWithSource(claim: ClaimOutcome['claim'], result: RunResult): string {
  return result.claims && claim.article !== result.claims.article ? `${claim.claim} (source: ${claim.article})` : claim.claim;
}

/** "3 CONFIRMED · 2 CONDITIONAL · 1 REFUTED" */
export function claimCounts(result: RunResult): string {
  const rows = claimRows(result);
  const n = (v: string) => rows.filter(r => r.outcome.verdict === v).length;
  return (['CONFIRMED', 'CONDITIONAL', 'REFUTED', 'UNDECIDED'] as const)
    .filter(v => n(v))
    .map(v => `${n(v)} ${v}`)
    .join(' · ');
}
