// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one JSON
// array per event, [seconds since start, "o" | "i", text]. `asciinema play`/`cat` replay it.
import type { CellResult } from '../results.js';

export type Recording = NonNullable<CellResult['recording']>;

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** unix seconds when the recording began */
  timestamp: number;
  title: string;
}

export function castText(rec: Recording, meta: { timestamp: number; title: string }): string {
  const header: CastHeader = { version: 2, width: rec.width, height: rec.height, timestamp: meta.timestamp, title: meta.title };
  return [JSON.stringify(header), ...rec.events.map(e => JSON.stringify(e))].join('\n') + '\n';
}

/**
 * When a cell's recording began, in unix seconds, from results.json alone: the run's start plus
 * the cell's start and its wait for a server. The session opens a little later (user setup), so
 * this is a lower bound by under a second, which is what the header's whole seconds carry anyway.
 */
export function castTimestamp(runStartedAt: string, cell: Pick<CellResult, 'timing'>): number {
  return Math.floor((Date.parse(runStartedAt) + cell.timing.startedMs + cell.timing.serverWaitMs) / 1000);
}

/** Parse and check a cast: every line JSON, the header's fields, events in time order. Throws a line-numbered reason. */
export function parseCast(text: string): { header: CastHeader; events: [number, 'o' | 'i', string][] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const json = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${n}: not JSON (${(e as Error).message})`);
    }
  };
  const header = json(lines[0] ?? '', 1) as Partial<CastHeader>;
  if (header.version !== 2) throw new Error('line 1: header.version is not 2');
  for (const k of ['width', 'height', 'timestamp'] as const) {
    if (!(typeof header[k] === 'number' && Number.isInteger(header[k]) && header[k] >= 0)) throw new Error(`line 1: header.${k} is not a whole number`);
  }
  if (typeof header.title !== 'string') throw new Error('line 1: header.title is not a string');
  let last = 0;
  const events = lines.slice(1).map((line, i) => {
    const e = json(line, i + 2);
    if (!(Array.isArray(e) && e.length === 3 && typeof e[0] === 'number' && (e[1] === 'o' || e[1] === 'i') && typeof e[2] === 'string')) {
      throw new Error(`line ${i + 2}: not [seconds, "o"|"i", text]`);
    }
    if (e[0] < last) throw new Error(`line ${i + 2}: time ${e[0]} goes back (previous ${last})`);
    last = e[0];
    return e as [number, 'o' | 'i', string];
  });
  return { header: header as CastHeader, events };
}
