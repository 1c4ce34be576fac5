// Determinism: a case that ran more than once (`--repeat N`, or a detection-latency case) must come
// out the same every time, or one run's verdict says nothing. This is the expectation every case
// has without the scenario writing it down. Like judging expectations it is a pure function of the
// cell results, so `run`, `merge` and every report compute the same answer from results.json alone.

import { VERDICTS, type CellResult, type Verdict } from '../results.js';

/**
 * A case whose repetitions disagree on the verdict. Every verdict counts as itself, inconclusive
 * and not-applicable too: an inconclusive repetition next to a killed one means the harness could
 * not see what it saw the other time (a determinism failure of the harness, or a race in the
 * system), and a not-applicable one is decided either from the axes (then every repetition has it)
 * or from what happened, e.g. the session already over before the sever (then it is a race).
 */
export interface FlakyCase {
  caseId: string;
  target: string;
  /** how many repetitions had each verdict, the most frequent first; two keys at least */
  verdicts: Partial<Record<Verdict, number>>;
  /** every repetition of the case, in rep order */
  cellIds: string[];
}

/**
 * A case whose repetitions were all killed, but not all by the same signal (SIGTERM from systemd
 * in one, SIGHUP from the hangup in another): the verdict holds, so the run does not fail, but a
 * reader asking "what kills it" has more than one answer. A killed repetition whose signal is not
 * known counts as "unknown".
 */
export interface SignalVariesCase {
  caseId: string;
  target: string;
  /** how many repetitions died of each signal, the most frequent first; two keys at least */
  signals: Record<string, number>;
  cellIds: string[];
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

/** "3 killed, 2 survived": the counts of a flaky or signal-varies case, as they are in the file. */
export function countsText(counts: Readonly<Record<string, number | undefined>>): string {
  return Object.entries(counts)
    .map(([k, n]) => `${n ?? 0} ${k}`)
    .join(', ');
}

/** "3 killed, 2 survived over 5 repeats" */
export function repeatsText(c: FlakyCase | SignalVariesCase): string {
  return `${countsText('verdicts' in c ? c.verdicts : c.signals)} over ${c.cellIds.length} repeats`;
}
