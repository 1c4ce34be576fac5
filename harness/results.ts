// The results contract: results.json is the single source of truth of a run, and every report
// (terminal, Markdown, …) is a pure function of it. Field names are public: users and CI read them.
// The shapes are declared once, as the schemas in results-schema.ts (with what each field means);
// these are their types, so the code, the reader and the published JSON Schema cannot disagree.
// Below them, the fields that are derived from the cells (`flaky`, `signalVaries`, `rates`), which
// a run, `merge` and the reader upgrading an older file all compute the same way.

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
  raceSchema,
  rateSchema,
  runResultSchema,
  signalVariesCaseSchema,
  stdinReadSchema,
  probeStopSchema,
  targetFingerprintSchema,
  treeProcessSchema,
  timelineEventSchema,
  untestableClaimSchema,
  usagePartSchema,
  usageSchema,
} from './results-schema.js';
import { VERDICTS, type Verdict } from './results-schema.js';

export { AXIS_NAMES, SCHEMA_VERSION, VERDICTS, type AxisName, type Verdict } from './results-schema.js';

export type Workload = Cell['workload'];
export type UserKind = Cell['user'];
export type OnOff = Cell['linger'];
export type YesNo = Cell['tcpKeepAlive'];

export type Cell = z.infer<typeof cellSchema>;
export type ProcessInfo = z.infer<typeof processInfoSchema>;
export type CaughtSignal = z.infer<typeof caughtSignalSchema>;
export type StdinRead = z.infer<typeof stdinReadSchema>;
export type ProbeStop = z.infer<typeof probeStopSchema>;
export type TreeProcess = z.infer<typeof treeProcessSchema>;
export type Check = z.infer<typeof checkSchema>;
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type ClientOutcome = z.infer<typeof clientOutcomeSchema>;
export type CellResult = z.infer<typeof cellResultSchema>;
export type ContainerTiming = z.infer<typeof containerTimingSchema>;
export type Usage = z.infer<typeof usageSchema>;
export type UsagePart = z.infer<typeof usagePartSchema>;
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
export type Race = z.infer<typeof raceSchema>;
export type Rate = z.infer<typeof rateSchema>;
export type Confirms = z.infer<typeof confirmsSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type UntestableClaim = z.infer<typeof untestableClaimSchema>;
export type ClaimSet = z.infer<typeof claimSetSchema>;

/** The axes that configure the server (one container per distinct combination). */
export const SERVER_AXES = ['target', 'server', 'clientAlive', 'tcpKeepAlive', 'kernel', 'killUserProcesses'] as const satisfies readonly AxisName[];

/** Does the cell have, on every axis the pattern names, one of the values it lists? */
export function patternMatches(cell: Record<AxisName, string | number>, where: CellPattern): boolean {
  return Object.entries(where).every(([axis, values]) => values!.includes(String(cell[axis as AxisName])));
}

// ---- `flaky`, `signalVaries` and `rates`: derived from the cells (the determinism check, expect/flaky.ts) ----

/** What results.json derives from its cells and the scenario's race declarations. */
export type Derived = Pick<RunResult, 'flaky' | 'signalVaries' | 'rates'>;

export function derived(cells: readonly CellResult[], races: readonly Race[]): Derived {
  return { flaky: flakyCases(cells, races), signalVaries: signalVaries(cells), rates: rates(cells, races) };
}

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

/** The verdicts that answer "did the probe outlive the connection": a rate counts only these. */
export const JUDGED_VERDICTS: readonly Verdict[] = ['survived', 'killed', 'exited'];

const isRace = (reps: readonly CellResult[], races: readonly Race[]) => races.some(r => patternMatches(reps[0]!, r.where));

/**
 * A declared race is let off only while the rate accounts for every repetition: one the harness
 * could not judge (or one where the connection never ended) is not a coin the system tossed.
 */
export function flakyCases(cells: readonly CellResult[], races: readonly Race[] = []): FlakyCase[] {
  return repetitions(cells)
    .filter(reps => new Set(reps.map(c => c.verdict)).size > 1)
    .filter(reps => !isRace(reps, races) || !reps.every(c => JUDGED_VERDICTS.includes(c.verdict)))
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

/** 1.959964: the two-sided 95 % quantile of the normal distribution. */
const Z_95 = 1.959964;

const round3 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

/**
 * The Wilson score interval of k successes in n trials, as fractions rounded to 3 decimals; null
 * when n is 0. Wilson rather than k/n ± z·se: with the few repetitions a run affords, 0 of 5 or
 * 5 of 5 must still give an interval of some width, and the normal approximation gives none.
 */
export function wilsonInterval(k: number, n: number, z = Z_95): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const scale = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / scale;
  const half = (z / scale) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: round3(centre - half), high: round3(centre + half) };
}

export function rates(cells: readonly CellResult[], races: readonly Race[] = []): Rate[] {
  return repetitions(cells).map(reps => {
    const judged = reps.filter(c => JUDGED_VERDICTS.includes(c.verdict));
    const survived = judged.filter(c => c.verdict === 'survived').length;
    const interval = wilsonInterval(survived, judged.length);
    return {
      caseId: reps[0]!.caseId,
      target: reps[0]!.target,
      runs: reps.length,
      judged: judged.length,
      survived,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
      race: isRace(reps, races),
      cellIds: reps.map(c => c.id),
    };
  });
}

// A process's state as `ps` prints it in its STAT column, computed from the snapshot's fields, so
// a claim about what `ps` shows ("S+") is judged from what the kernel said, not from a ps inside
// the target (which would be one more process in the user's tree).
/**
 * The STAT column's letters that the snapshot can tell: the kernel's state letter, `s` when the
 * process leads its session, `+` when its process group is its terminal's foreground group. That
 * is procps' own rule (ps/output.c, pr_stat: pgrp == tpgid; a process without a terminal has tpgid
 * -1 and never gets the `+`). The letters for nice (`<`, `N`), locked pages (`L`) and threads (`l`)
 * are not in the snapshot and are left out. Null when the snapshot has no tpgid (results written
 * before it was recorded): the `+` cannot be told then.
 */
export function psStat(p: Pick<ProcessInfo, 'pid' | 'pgid' | 'sid' | 'state'> & { tpgid?: number | undefined }): string | null {
  if (p.tpgid === undefined) return null;
  return `${p.state}${p.sid === p.pid ? 's' : ''}${p.tpgid > 0 && p.pgid === p.tpgid ? '+' : ''}`;
}
