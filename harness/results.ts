// The results contract: results.json is the single source of truth of a run, and every report
// (terminal, Markdown, …) is a pure function of it. Field names are public: users and CI read them.
// The shapes are declared once, as the schemas in results-schema.ts (with what each field means);
// these are their types, so the code, the reader and the published JSON Schema cannot disagree.
// Below them, the fields that are derived from the cells (`flaky`, `signalVaries`), which a run,
// `merge` and the reader upgrading an older file all compute the same way.

import type { z } from 'zod';
import type {
  AxisName,
  caughtSignalSchema,
  cellPatternSchema,
  cellResultSchema,
  cellSchema,
  checkSchema,
  claimSchema,
  claimSetSchema,
  clientOutcomeSchema,
  confirmsSchema,
  containerTimingSchema,
  expectationOutcomeSchema,
  expectationSchema,
  expectationStatusSchema,
  flakyCaseSchema,
  processInfoSchema,
  runResultSchema,
  signalVariesCaseSchema,
  targetFingerprintSchema,
  timelineEventSchema,
  untestableClaimSchema,
} from './results-schema.js';
import { VERDICTS } from './results-schema.js';

export { AXIS_NAMES, SCHEMA_VERSION, VERDICTS, type AxisName, type Verdict } from './results-schema.js';

export type Workload = Cell['workload'];
export type UserKind = Cell['user'];
export type OnOff = Cell['linger'];
export type YesNo = Cell['tcpKeepAlive'];

export type Cell = z.infer<typeof cellSchema>;
export type ProcessInfo = z.infer<typeof processInfoSchema>;
export type CaughtSignal = z.infer<typeof caughtSignalSchema>;
export type Check = z.infer<typeof checkSchema>;
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type ClientOutcome = z.infer<typeof clientOutcomeSchema>;
export type CellResult = z.infer<typeof cellResultSchema>;
export type ContainerTiming = z.infer<typeof containerTimingSchema>;
export type TargetFingerprint = z.infer<typeof targetFingerprintSchema>;
export type RunResult = z.infer<typeof runResultSchema>;

/** What running one cell yields; the matrix runner adds its timing and expectation outcomes. */
export type CellOutcome = Omit<CellResult, 'expectations' | 'timing'>;

// Saved by the run, judged by expect/ and claims/: they live here so that those modules import
// the results contract and not the other way round.
export type CellPattern = z.infer<typeof cellPatternSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
export type ExpectationStatus = z.infer<typeof expectationStatusSchema>;
export type ExpectationOutcome = z.infer<typeof expectationOutcomeSchema>;
export type FlakyCase = z.infer<typeof flakyCaseSchema>;
export type SignalVariesCase = z.infer<typeof signalVariesCaseSchema>;
export type Confirms = z.infer<typeof confirmsSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type UntestableClaim = z.infer<typeof untestableClaimSchema>;
export type ClaimSet = z.infer<typeof claimSetSchema>;

/** The axes that configure the server (one container per distinct combination). */
export const SERVER_AXES = ['target', 'server', 'clientAlive', 'tcpKeepAlive', 'kernel', 'killUserProcesses'] as const satisfies readonly AxisName[];

// ---- `flaky` and `signalVaries`: derived from the cells (the determinism check, expect/flaky.ts) ----

/** The repetitions of each case that ran more than once, by case, in order of first appearance. */
function repetitions(cells: readonly CellResult[]): CellResult[][] {
  const byCase = new Map<string, CellResult[]>();
  for (const c of cells) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  return [...byCase.values()].filter(reps => reps.length > 1).map(reps => [...reps].sort((a, b) => a.rep - b.rep));
}

/** Occurrences of each key, most frequent first, ties in `order` (then by name): a stable JSON. */
function counts<K extends string>(keys: readonly K[], order: readonly string[] = []): Record<K, number> {
  const n = new Map<K, number>();
  for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const sorted = [...n].sort(([a, x], [b, y]) => y - x || rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted) as Record<K, number>;
}

export function flakyCases(cells: readonly CellResult[]): FlakyCase[] {
  return repetitions(cells)
    .filter(reps => new Set(reps.map(c => c.verdict)).size > 1)
    .map(reps => ({
      caseId: reps[0]!.caseId,
      target: reps[0]!.target,
      verdicts: counts(reps.map(c => c.verdict), VERDICTS),
      cellIds: reps.map(c => c.id),
    }));
}

export function signalVaries(cells: readonly CellResult[]): SignalVariesCase[] {
  return repetitions(cells)
    .filter(reps => reps.every(c => c.verdict === 'killed') && new Set(reps.map(c => c.signal)).size > 1)
    .map(reps => ({
      caseId: reps[0]!.caseId,
      target: reps[0]!.target,
      signals: counts(reps.map(c => c.signal ?? 'unknown')),
      cellIds: reps.map(c => c.id),
    }));
}
