import { createHash } from 'node:crypto';

/**
 * A stable id: a short hash of the axis values (and the repetition number, when there are several),
 * so the same cell has the same id in every run, shard and merge. Keys are sorted so the order
 * they are written in never matters.
 */
export function cellId(values: Record<string, string | number>): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
