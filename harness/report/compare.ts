// The same matrix on several targets, side by side: one matrix per combination of the varying
// extra axes (as matrix-view.ts lays them out), where each slot holds the case's outcome on every
// target and says whether they differ. This is the view an admin moving between distros or
// OpenSSH versions reads first.

import type { CellResult, RunResult } from '../results.js';
import { axisValues, cellComparator, combos, inCombo, type Combo } from './axes.js';
import { rowKeys, slotKey, slotsOf, tally, targetNames, type RowKey, type Slot } from './matrix-view.js';

export interface CompareSlot {
  /** one per target of the view, in its order; undefined where that target has no such case */
  byTarget: (Slot | undefined)[];
  /** the targets that ran the case disagree on its outcome (verdict and signal, not times) */
  differs: boolean;
}

export interface CompareView {
  combo: Combo;
  targets: string[];
  severs: string[];
  rows: { key: RowKey; slots: (CompareSlot | undefined)[] }[];
}

/** What a slot's repetitions saw, without counts or times: equal keys are equal outcomes. */
export function outcomeKey(slot: Slot): string {
  return tally(slot, 'long')
    .map(t => t.text)
    .join(' / ');
}

/** Side-by-side views, or none when the run has a single target. */
export function compareViews(result: RunResult): CompareView[] {
  const targets = targetNames(result).filter(t => result.cells.some(c => c.target === t));
  if (targets.length < 2) return [];
  const order = cellComparator(result);
  return combos(result).flatMap(combo => {
    const cells = result.cells.filter(c => inCombo(c, combo));
    if (!cells.length) return [];
    const byTarget = targets.map(t => slotsOf(cells.filter(c => c.target === t), order));
    const severs = axisValues(result, 'sever').filter(s => cells.some(c => c.sever === s));
    const rows = rowKeys(result)
      .map(key => ({
        key,
        slots: severs.map((s): CompareSlot | undefined => {
          const slots = byTarget.map(m => m.get(slotKey(key, s)));
          const present = slots.filter((x): x is Slot => x !== undefined);
          if (!present.length) return undefined;
          return { byTarget: slots, differs: new Set(present.map(outcomeKey)).size > 1 };
        }),
      }))
      .filter(row => row.slots.some(s => s !== undefined));
    return [{ combo, targets, severs, rows }];
  });
}

export interface Difference {
  combo: Combo;
  key: RowKey;
  sever: string;
  slot: CompareSlot;
}

/** Every case whose outcome differs between targets, in reading order. */
export function differences(views: readonly CompareView[]): Difference[] {
  return views.flatMap(v =>
    v.rows.flatMap(row =>
      row.slots.flatMap((slot, i): Difference[] => (slot?.differs ? [{ combo: v.combo, key: row.key, sever: v.severs[i]!, slot }] : [])),
    ),
  );
}

/** How many cases ran on more than one target, and how many of those differ. */
export function comparedCounts(views: readonly CompareView[]): { compared: number; differ: number } {
  const slots = views.flatMap(v => v.rows.flatMap(r => r.slots)).filter((s): s is CompareSlot => s !== undefined);
  const compared = slots.filter(s => s.byTarget.filter(Boolean).length > 1);
  return { compared: compared.length, differ: compared.filter(s => s.differs).length };
}

/**
 * Short names for targets in tight places: the part after the prefix they all share
 * ("debian-bullseye", "debian-trixie" → "bullseye", "trixie").
 */
export function shortTargetNames(targets: readonly string[]): string[] {
  if (targets.length < 2) return [...targets];
  const parts = targets.map(t => t.split('-'));
  let common = 0;
  while (parts.every(p => p.length > common + 1 && p[common] === parts[0]![common])) common++;
  return parts.map(p => p.slice(common).join('-'));
}

/** The cells of a compared case on one target (for the Differences list). */
export function cellsOn(slot: CompareSlot, i: number): CellResult[] {
  return slot.byTarget[i]?.cells ?? [];
}
