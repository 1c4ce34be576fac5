// The same matrix on several stacks, side by side: one matrix per combination of the other varying
// extra axes (as matrix-view.ts lays them out), where each slot holds the case's outcome on every
// stack and says whether they differ. A stack is what a user could run: a target, and on it a
// server and a client implementation; the columns are the combinations of those that vary. This is
// the view an admin moving between distros, OpenSSH versions or SSH implementations reads first.

import type { AxisName, CellResult, RunResult } from '../results.js';
import { axisValue, axisValues, cellComparator, combos, inCombo, varyingExtraAxes, type Combo } from './axes.js';
import { rowKeys, slotKey, slotsOf, tally, type RowKey, type Slot } from './matrix-view.js';

/** The axes that make a stack; those that vary in a run are compared side by side. */
export const STACK_AXES = ['target', 'server', 'client'] as const satisfies readonly AxisName[];

export interface CompareSlot {
  /** one per column of the view, in its order; undefined where that stack has no such case */
  byColumn: (Slot | undefined)[];
  /** the stacks that ran the case disagree on its outcome (verdict and signal, not times) */
  differs: boolean;
}

export interface CompareView {
  combo: Combo;
  /** the stack axes that vary (the columns' meaning), e.g. ["target"] or ["server", "client"] */
  columnAxes: AxisName[];
  /** one label per stack: its values of columnAxes joined by " / " ("dropbear / paramiko") */
  columns: string[];
  severs: string[];
  rows: { key: RowKey; slots: (CompareSlot | undefined)[] }[];
}

/** What a slot's repetitions saw, without counts or times: equal keys are equal outcomes. */
export function outcomeKey(slot: Slot): string {
  return tally(slot, 'long')
    .map(t => t.text)
    .join(' / ');
}

/** The stack axes that take more than one value among the cells. */
function columnAxesOf(result: RunResult): AxisName[] {
  return STACK_AXES.filter(a => new Set(result.cells.map(c => axisValue(c, a))).size > 1);
}

const columnOf = (axes: readonly AxisName[]) => (c: CellResult) => axes.map(a => axisValue(c, a)).join(' / ');

/** Side-by-side views, or none when the run has a single stack. */
export function compareViews(result: RunResult): CompareView[] {
  const columnAxes = columnAxesOf(result);
  if (!columnAxes.length) return [];
  const order = cellComparator(result);
  const column = columnOf(columnAxes);
  // Columns in the axes' own order (the scenario's), whatever order the cells finished in.
  const columns = [...new Set([...result.cells].sort(order).map(column))];
  const splitBy = varyingExtraAxes(result).filter(a => !(columnAxes as readonly string[]).includes(a));
  return combos(result, splitBy).flatMap(combo => {
    const cells = result.cells.filter(c => inCombo(c, combo));
    if (!cells.length) return [];
    const byColumn = columns.map(col => slotsOf(cells.filter(c => column(c) === col), order));
    const severs = axisValues(result, 'sever').filter(s => cells.some(c => c.sever === s));
    const rows = rowKeys(result)
      .map(key => ({
        key,
        slots: severs.map((s): CompareSlot | undefined => {
          const slots = byColumn.map(m => m.get(slotKey(key, s)));
          const present = slots.filter((x): x is Slot => x !== undefined);
          if (!present.length) return undefined;
          return { byColumn: slots, differs: new Set(present.map(outcomeKey)).size > 1 };
        }),
      }))
      .filter(row => row.slots.some(s => s !== undefined));
    return [{ combo, columnAxes, columns, severs, rows }];
  });
}

/** What the columns are, in words: "targets", "server / client stacks". */
export function columnsNoun(view: Pick<CompareView, 'columnAxes'>): { one: string; many: string } {
  if (view.columnAxes.length === 1 && view.columnAxes[0] === 'target') return { one: 'target', many: 'targets' };
  const what = `${view.columnAxes.join(' / ')} stack`;
  return { one: what, many: `${what}s` };
}

export interface Difference {
  combo: Combo;
  key: RowKey;
  sever: string;
  slot: CompareSlot;
}

/** Every case whose outcome differs between stacks, in reading order. */
export function differences(views: readonly CompareView[]): Difference[] {
  return views.flatMap(v =>
    v.rows.flatMap(row =>
      row.slots.flatMap((slot, i): Difference[] => (slot?.differs ? [{ combo: v.combo, key: row.key, sever: v.severs[i]!, slot }] : [])),
    ),
  );
}

/** How many cases ran on more than one stack, and how many of those differ. */
export function comparedCounts(views: readonly CompareView[]): { compared: number; differ: number } {
  const slots = views.flatMap(v => v.rows.flatMap(r => r.slots)).filter((s): s is CompareSlot => s !== undefined);
  const compared = slots.filter(s => s.byColumn.filter(Boolean).length > 1);
  return { compared: compared.length, differ: compared.filter(s => s.differs).length };
}

/**
 * Short names for columns in tight places: the part after the prefix they all share
 * ("debian-bullseye", "debian-trixie" → "bullseye", "trixie").
 */
export function shortColumnNames(targets: readonly string[]): string[] {
  if (targets.length < 2) return [...targets];
  const parts = targets.map(t => t.split('-'));
  let common = 0;
  while (parts.every(p => p.length > common + 1 && p[common] === parts[0]![common])) common++;
  return parts.map(p => p.slice(common).join('-'));
}

/** The cells of a compared case on one stack (for the Differences list). */
export function cellsOn(slot: CompareSlot, i: number): CellResult[] {
  return slot.byColumn[i]?.cells ?? [];
}
