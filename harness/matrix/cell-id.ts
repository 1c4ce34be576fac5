import { createHash } from 'node:crypto';
import type { Cell } from '../results.js';

/** Axis values that identify a cell; the id must not depend on anything else (order, run). */
export type CellAxes = Omit<Cell, 'id'>;

/**
 * A stable id: a short hash of the axis values, so the same cell has the same id in every run,
 * shard and merge. Keys are sorted so adding an axis later does not reshuffle existing ids' order.
 */
export function cellId(axes: CellAxes): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(axes).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
