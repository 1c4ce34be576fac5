// Reading a saved results.json: one reader for every place that reads one (merge, bench, the
// schedule's history), so an older file is upgraded the same way everywhere and a file that is not
// a results.json gets one clear line instead of a crash deep inside a report.
import { BadInputError } from './core/errors.js';
import { SCHEMA_VERSION, type RunResult } from './results.js';

/** The oldest schema this version can upgrade; older files were written before the format settled. */
export const OLDEST_READABLE_SCHEMA = 4;

type Json = Record<string, unknown>;

/**
 * One step per schema version, each taking a result of version v to v + 1. Steps only add what the
 * newer version has and the older could not know; they never guess an observation.
 */
const UPGRADES: Record<number, (r: Json) => Json> = {
  // v5 adds each cell's setup tries. A v4 run retried nothing: every cell had exactly one try.
  4: r => ({
    ...r,
    schemaVersion: 5,
    cells: (r.cells as Json[]).map(c => ({ ...c, setup: { attempts: 1, failures: [] } })),
  }),
};

/** Parse and upgrade a results.json's text; `file` names it in messages. */
export function parseResults(text: string, file: string): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(`${file}: not JSON (${(e as Error).message}); give a results.json written by hangup-lab`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as Json).cells) || typeof (raw as Json).schemaVersion !== 'number') {
    throw new BadInputError(`${file}: not a hangup-lab results.json (no schemaVersion or cells); give the results.json of a run`);
  }
  let r = raw as Json;
  const version = r.schemaVersion as number;
  if (version > SCHEMA_VERSION) {
    throw new BadInputError(`${file}: schemaVersion ${version} is newer than this hangup-lab reads (${SCHEMA_VERSION}); upgrade hangup-lab`);
  }
  if (version < OLDEST_READABLE_SCHEMA) {
    throw new BadInputError(`${file}: schemaVersion ${version} is older than this hangup-lab can upgrade (${OLDEST_READABLE_SCHEMA}); run the scenario again`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) r = UPGRADES[v]!(r);
  return r as unknown as RunResult;
}
