// The checks plug-ins record (can a new session reattach to tmux, did the unit restart, was the
// session usable after the nap), summarised once for every report. A check that could not be
// answered is counted on its own, never folded into passed or failed.

import type { CellResult, Check, RunResult } from '../results.js';
import { sortedCells } from './axes.js';

export type CheckOutcome = 'passed' | 'failed' | 'unknown';

export function checkOutcome(check: Check): CheckOutcome {
  return check.ok === true ? 'passed' : check.ok === false ? 'failed' : 'unknown';
}

export interface CheckSummary {
  name: string;
  passed: number;
  failed: number;
  unknown: number;
  /** every answer to this check, cells in reading order */
  entries: { cell: CellResult; check: Check }[];
}

/** One summary per check name, names in alphabetical order. */
export function checkSummaries(result: RunResult): CheckSummary[] {
  const byName = new Map<string, CheckSummary>();
  for (const cell of sortedCells(result)) {
    for (const check of cell.checks ?? []) {
      let s = byName.get(check.name);
      if (!s) byName.set(check.name, (s = { name: check.name, passed: 0, failed: 0, unknown: 0, entries: [] }));
      s[checkOutcome(check)] += 1;
      s.entries.push({ cell, check });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** "reattach 1 passed, 1 failed" (zero counts left out). */
export function checkCountsText(s: CheckSummary): string {
  const counts = (['passed', 'failed', 'unknown'] as const).filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
  return `${s.name} ${counts.join(', ')}`;
}

/** The checks of these cells that did not pass, failed before unknown. */
export function notPassing(cells: readonly CellResult[]): Check[] {
  const all = cells.flatMap((c) => c.checks ?? []);
  return [...all.filter((c) => c.ok === false), ...all.filter((c) => c.ok === null)];
}

/** Distinct names of the checks with this outcome among these cells, alphabetically. */
export function checkNames(cells: readonly CellResult[], outcome: CheckOutcome): string[] {
  const names = cells.flatMap((c) => (c.checks ?? []).filter((k) => checkOutcome(k) === outcome).map((k) => k.name));
  return [...new Set(names)].sort();
}
