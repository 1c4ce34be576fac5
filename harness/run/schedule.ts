// The order cells start in. Results keep the plan's order; only the start order changes. Longest
// expected first (the LPT rule): a 20-second drop cell started last would hold the whole run
// 20 s past everything else, started first it overlaps with the short ones.
import fs from 'node:fs';
import type { Cell } from '../results.js';
import { parseResults } from '../results-file.js';
import { AFTER_SESSION_SETTLE_MS } from './cell.js';
import { planCell } from './plan.js';

/** Login, probe start, snapshots, cleanup: measured at 2–4 s per cell on a busy 2-core machine. */
const SETUP_MS = 3000;
/** A user manager stops UserStopDelaySec (10 s) after the last session. */
const USER_STOP_DELAY_MS = 10_000;

/** A rough expected duration, from the same window rules the cell itself will use. */
export function expectedMs(cell: Cell): number {
  const plan = planCell(cell);
  const ends = plan.sever.endsSession;
  // A session that may stay open (plan.ts) may take the whole window; the others end at once.
  const detect = !ends ? plan.settleMs : plan.mayStayOpen ? plan.window.sessionTimeoutMs : 500;
  const after = plan.waitsForUserManager ? USER_STOP_DELAY_MS + 1000 : AFTER_SESSION_SETTLE_MS;
  return SETUP_MS + detect + (ends ? after : 0);
}

/**
 * Indexes of `cells` in start order: longest expected first, plan order among equals. A previous
 * run's measured durations (by case id) are better predictions than rules, so they win.
 */
export function startOrder(cells: readonly Cell[], history: ReadonlyMap<string, number> = new Map()): number[] {
  const expected = cells.map(c => history.get(c.caseId) ?? expectedMs(c));
  return cells.map((_, i) => i).sort((a, b) => expected[b]! - expected[a]! || a - b);
}

/**
 * Durations of an earlier run's cells, by case id (the longest repetition), from a results.json
 * in the output directory; an unreadable or foreign file is no history, never an error.
 */
export function durationHistory(resultsFile: string): Map<string, number> {
  const history = new Map<string, number>();
  try {
    const r = parseResults(fs.readFileSync(resultsFile, 'utf8'), resultsFile);
    for (const c of r.cells ?? []) {
      const ms = c.timing?.durationMs;
      if (typeof ms === 'number') history.set(c.caseId, Math.max(ms, history.get(c.caseId) ?? 0));
    }
  } catch {
    // no earlier run: the rules above predict alone
  }
  return history;
}
