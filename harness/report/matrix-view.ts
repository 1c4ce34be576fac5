// The matrix layout shared by the human-readable reports, so the terminal and Markdown views
// always agree on which cell sits where: per target, one matrix per combination of the varying
// extra axes (axes.ts), rows session × launch × workload, columns the severs, and one slot per case
// holding all its repetitions.

import { VERDICTS, type AxisName, type CellResult, type RunResult, type Verdict } from '../results.js';
import { axisPairs, axisValue, axisValues, cellComparator, combos, inCombo, type Combo } from './axes.js';
import { checkNames } from './checks.js';
import { offset, oneLine } from './format.js';

export interface RowKey {
  session: string;
  launch: string;
  workload: string;
}

/** One case in the matrix: the repetitions of it, by rep. */
export interface Slot {
  caseId: string;
  cells: CellResult[];
}

export interface MatrixRow {
  key: RowKey;
  /** one per sever column; undefined when the run has no such cell (e.g. excluded) */
  slots: (Slot | undefined)[];
}

export interface MatrixView {
  target: string;
  /** the values of the varying extra axes this matrix shows; empty when none vary */
  combo: Combo;
  severs: string[];
  rows: MatrixRow[];
}

/** One sentence per verdict, for readers who did not write the harness. */
export const VERDICT_LEGEND: Readonly<Record<Verdict, string>> = {
  survived: 'The probe was still alive when the watch window closed, after the server had ended the session.',
  killed: 'The probe died of a signal; the time is from the sever to its death.',
  exited: 'The probe exited by itself, which it only does at its safety lifetime: a finding, not a pass.',
  'session-open': 'The server had not ended the session when the window closed, so nothing was survived yet.',
  'not-applicable': 'This way of severing cannot apply to this cell; Details gives the reason.',
  inconclusive: 'The harness could not judge this cell (Details gives the reason); never counted as a pass.',
};

/** Targets in axis order (declared, then only in cells), then any only a fingerprint names. */
export function targetNames(result: RunResult): string[] {
  const names = new Set(axisValues(result, 'target'));
  for (const t of result.targets) names.add(t.name);
  return [...names];
}

/** Rows in session × launch × workload order, the last axis varying fastest. */
export function rowKeys(result: RunResult): RowKey[] {
  const keys: RowKey[] = [];
  for (const session of axisValues(result, 'session'))
    for (const launch of axisValues(result, 'launch'))
      for (const workload of axisValues(result, 'workload')) keys.push({ session, launch, workload });
  return keys;
}

// JSON keeps the join unambiguous whatever characters the axis values contain.
export function slotKey(key: RowKey, sever: string): string {
  return JSON.stringify([key.session, key.launch, key.workload, sever]);
}

/**
 * The slots of the given cells. All axes are either laid out, in the combo or the target, so the
 * cells of one slot are repetitions of one case; should a runner ever put two cases there, they
 * still share the slot and show as disagreeing rather than one hiding the other.
 */
export function slotsOf(cells: CellResult[], order: (a: CellResult, b: CellResult) => number): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  for (const cell of [...cells].sort(order)) {
    const key = slotKey(cell, cell.sever);
    const slot = slots.get(key);
    if (slot) slot.cells.push(cell);
    else slots.set(key, { caseId: cell.caseId, cells: [cell] });
  }
  return slots;
}

/**
 * The matrices of one target, one per combination of the varying extra axes that has cells. Rows
 * and columns without a single cell in that matrix are left out: with many axes most combinations
 * only use a corner of the full grid.
 */
export function matrixViews(result: RunResult, target: string): MatrixView[] {
  const order = cellComparator(result);
  const ofTarget = result.cells.filter((c) => c.target === target);
  return combos(result).flatMap((combo) => {
    const cells = ofTarget.filter((c) => inCombo(c, combo));
    if (!cells.length) return [];
    const slots = slotsOf(cells, order);
    const severs = axisValues(result, 'sever').filter((s) => cells.some((c) => c.sever === s));
    const rows = rowKeys(result)
      .map((key) => ({ key, slots: severs.map((s) => slots.get(slotKey(key, s))) }))
      .filter((row) => row.slots.some((s) => s !== undefined));
    return [{ target, combo, severs, rows }];
  });
}

/** "debian-bookworm · user=root · clientAlive=1/2"; the combo alone with `withTarget` false. */
export function viewTitle(view: MatrixView, withTarget = true): string {
  return [...(withTarget ? [view.target] : []), axisPairs(view.combo)].filter((p) => p !== '').join(' · ');
}

/** The view's slots in reading order (row by row, left to right). */
export function slotsInOrder(view: MatrixView): Slot[] {
  return view.rows.flatMap((row) => row.slots.filter((s): s is Slot => s !== undefined));
}

export function cellsInOrder(view: MatrixView): CellResult[] {
  return slotsInOrder(view).flatMap((s) => s.cells);
}

export function rowLabel(key: RowKey, separator = ' / '): string {
  return [key.session, key.launch, key.workload].join(separator);
}

/** "pty / nohup / quiet × drop", with the repetition when the case ran more than once. */
export function cellLabel(cell: CellResult, separator = ' / ', repeated = false): string {
  return `${rowLabel(cell, separator)} × ${cell.sever}${repeated ? ` (rep ${cell.rep})` : ''}`;
}

/**
 * A cell named outside its matrix (latency table, checks): its row and sever, then the named axes
 * (those the run varied), then the repetition when the case ran more than once.
 */
export function caseLabel(
  cell: CellResult,
  axes: readonly AxisName[],
  separator = ' / ',
  repeated = false,
): string {
  const pairs = axisPairs(axes.map((a) => [a, axisValue(cell, a)] as const));
  return [cellLabel(cell, separator), pairs].filter((p) => p !== '').join(' · ') + (repeated ? ` (rep ${cell.rep})` : '');
}

/** The cases that ran more than once: their cells are named with the repetition. */
export function repeatedCases(cells: readonly CellResult[]): Set<string> {
  const seen = new Map<string, number>();
  for (const c of cells) seen.set(c.caseId, (seen.get(c.caseId) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([id]) => id));
}

/** Verdict counts in VERDICTS order, zero counts left out. */
export function verdictCounts(cells: readonly CellResult[]): [Verdict, number][] {
  return VERDICTS
    .map((v): [Verdict, number] => [v, cells.filter((c) => c.verdict === v).length])
    .filter(([, n]) => n > 0);
}

const bareSignal = (signal: string) => signal.replace(/^SIG/, '');

/** How a cell's outcome reads in a slot, by the room there is: documents, terminals, wide runs. */
export type CellStyle = 'long' | 'short' | 'compact';

/** The outcome without its time: repetitions that agree on this agree on the outcome. */
export function outcomeText(cell: CellResult, style: CellStyle): string {
  switch (cell.verdict) {
    case 'survived':
      return style === 'compact' ? 'surv' : 'survived';
    case 'killed':
      if (!cell.signal) return style === 'compact' ? 'kill' : 'killed';
      if (style === 'long') return `killed ${cell.signal}`;
      return style === 'short' ? `killed ${bareSignal(cell.signal)}` : bareSignal(cell.signal);
    case 'exited':
      return style === 'compact' ? 'exit' : 'exited';
    case 'session-open':
      return style === 'long' ? 'session-open' : 'open';
    case 'not-applicable':
      return 'n/a';
    case 'inconclusive':
      return style === 'long' ? 'inconclusive' : '??';
  }
}

/** The compact codes, for the terminal's legend when it has to use them. */
export const COMPACT_LEGEND =
  'surv = survived · HUP, TERM, … = killed by that signal · exit = exited · open = session still open · n/a = not applicable · ?? = inconclusive';

/**
 * The distinct outcomes of a slot with how many repetitions had each, in verdict order. More than
 * one entry means the repetitions disagreed, and every report must show that.
 */
export function tally(slot: Slot, style: CellStyle): { text: string; cells: CellResult[] }[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of slot.cells) {
    const text = outcomeText(cell, style);
    groups.set(text, [...(groups.get(text) ?? []), cell]);
  }
  const rank = (cells: CellResult[]) => VERDICTS.indexOf(cells[0]!.verdict);
  return [...groups]
    .map(([text, cells]) => ({ text, cells }))
    .sort((a, b) => rank(a.cells) - rank(b.cells) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** "+5.10 s" for one time, "+5.10 s … +5.60 s" for a spread; null when no cell has one. */
function deathTimes(cells: CellResult[]): string | null {
  const times = cells.map((c) => c.deathMs).filter((t): t is number => t !== null);
  if (!times.length) return null;
  const [lo, hi] = [offset(Math.min(...times)), offset(Math.max(...times))];
  return lo === hi ? lo : `${lo} … ${hi}`;
}

/**
 * A slot's text: one outcome ("killed SIGHUP (+0.04 s)"), agreeing repetitions ("3× survived"),
 * or disagreeing ones ("2× survived / 1× killed SIGHUP"). Documents add the time of death.
 */
export function slotOutcome(slot: Slot | undefined, style: CellStyle): string {
  if (!slot) return style === 'long' ? '—' : '-';
  const repeated = slot.cells.length > 1;
  const parts = tally(slot, style).map(({ text, cells }) => {
    const times = style === 'long' && (cells[0]!.verdict === 'killed' || cells[0]!.verdict === 'exited') ? deathTimes(cells) : null;
    const count = repeated ? (style === 'compact' ? `${cells.length}×` : `${cells.length}× `) : '';
    return `${count}${text}${times ? ` (${times})` : ''}`;
  });
  return parts.join(style === 'compact' ? '/' : ' / ');
}

/** The checks of a slot that did not pass, as names: what a matrix cell can afford to say. */
export function slotCheckFlags(slot: Slot | undefined): { failed: string[]; unknown: string[] } {
  const cells = slot?.cells ?? [];
  return { failed: checkNames(cells, 'failed'), unknown: checkNames(cells, 'unknown') };
}

/** Markdown's matrix cell: the outcome, then any check that failed or could not be answered. */
export function longSlotText(slot: Slot | undefined): string {
  const { failed, unknown } = slotCheckFlags(slot);
  const notes = [...failed.map((n) => `${n} failed`), ...unknown.map((n) => `${n} unknown`)];
  return [slotOutcome(slot, 'long'), ...notes].join(' · ');
}

/** The terminal's marker: "!" a check failed, "*" a check could not be answered. */
export function checkMarker(slot: Slot | undefined): string {
  const { failed, unknown } = slotCheckFlags(slot);
  return failed.length ? '!' : unknown.length ? '*' : '';
}

export const CHECK_MARKER_LEGEND = '! = a check failed · * = a check could not be answered';

/** A reason or detail fit for one line, with a placeholder so a bullet never ends in a colon. */
export function reasonText(text: string): string {
  return oneLine(text) || '(no reason recorded)';
}
