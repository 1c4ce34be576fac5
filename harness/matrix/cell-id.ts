import { createHash } from 'node:crypto';

/**
 * Axes added after ids were first published, with the value every earlier cell had without naming
 * it: a cell at that value leaves the axis out of its hash, so it keeps the id it always had (a
 * history, a flaky case, a claim's evidence still find it), and only new combinations get new ids.
 */
// A fact of history, not today's default (server/ and client/ registries): written out here.
const IMPLICIT_BEFORE: Record<string, string> = { server: 'openssh', client: 'openssh' };

/**
 * A stable id: a short hash of the axis values (and the repetition number, when there are several),
 * so the same cell has the same id in every run, shard and merge. Keys are sorted so the order
 * they are written in never matters.
 */
export function cellId(values: Record<string, string | number>): string {
  const named = Object.entries(values).filter(([axis, v]) => IMPLICIT_BEFORE[axis] !== v);
  const canonical = JSON.stringify(Object.fromEntries(named.sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
