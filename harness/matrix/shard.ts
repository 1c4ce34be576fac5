import { createHash } from 'node:crypto';
import { BadInputError } from '../core/errors.js';
import type { Cell } from '../results.js';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

/** "2/3" → {index: 2, count: 3}; anything else is one line naming the flag and the fix. */
export function parseShard(text: string, where = '--shard'): Shard {
  const m = text.match(/^(\d+)\/(\d+)$/);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new BadInputError(`${where} "${text}": must be I/N with 1 <= I <= N <= 1000, e.g. 1/2`);
  }
  return { index, count };
}

/**
 * Which shard a cell belongs to: a function of its case id alone (a hash of its axis values), so
 * a cell stays in its shard when others are added or removed, every job of a CI matrix computes
 * the same split without talking to the others, and a case's repetitions stay together (its
 * latency distribution is measured on one machine).
 */
export function shardOf(cell: Pick<Cell, 'caseId'>, count: number): number {
  // Hashed again rather than read as hex, so any id string (a hand-written results file) has a shard.
  return (createHash('sha256').update(cell.caseId).digest().readUInt32BE(0) % count) + 1;
}

export function inShard(cell: Pick<Cell, 'caseId'>, shard: Shard | null): boolean {
  return shard === null || shardOf(cell, shard.count) === shard.index;
}
