// Reading a saved results.json: one reader for every place that reads one (merge, bench, the
// schedule's history), so an older file is upgraded the same way everywhere and a file that is not
// a results.json gets one clear line instead of a crash deep inside a report.
import fs from 'node:fs';
import type { z } from 'zod';
import { BadInputError } from './core/errors.js';
import { runResultSchema } from './results-schema.js';
import { flakyCases, rates, signalVaries, SCHEMA_VERSION, type CellResult, type RunResult } from './results.js';

/**
 * The oldest schema this version can upgrade. v2 and older cannot be: v3 added observations they
 * never made (each cell's timing, the containers' boot times), and an upgrade must not invent them.
 */
export const OLDEST_READABLE_SCHEMA = 3;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The cells to derive from; none when one is not an object (the schema names it afterwards). */
function cellsOf(r: Json): CellResult[] {
  const cells = r.cells as unknown[];
  return cells.every(isObject) ? (cells as CellResult[]) : [];
}

/**
 * One step per schema version, each taking a result of version v to v + 1. Steps only add what the
 * newer version has and the older could not know; they never guess an observation. A cell that is
 * not an object is left alone: the schema names it afterwards.
 */
const UPGRADES: Record<number, (r: Json) => Json> = {
  // v4 adds --repeat and what is derived from repetitions. A v3 run had no --repeat: every case
  // ran once at least (repeat 1), detection-latency cases several times; `flaky` and
  // `signalVaries` are pure functions of the cells (results.ts), as `merge` recomputes them.
  // A v3 file written before results named the user's sshd_config has no `sshdConfig`; whether
  // the run had one is not known, so it is not guessed and the schema refuses the file.
  3: r => ({ ...r, schemaVersion: 4, repeat: 1, flaky: flakyCases(cellsOf(r), []), signalVaries: signalVaries(cellsOf(r)) }),
  // v5 adds each cell's setup tries. A v4 run retried nothing: every cell had exactly one try.
  4: r => ({
    ...r,
    schemaVersion: 5,
    cells: (r.cells as unknown[]).map(c => (isObject(c) ? { ...c, setup: { attempts: 1, failures: [] } } : c)),
  }),
  // v6 adds the server and client implementation axes; before them every cell was OpenSSH on both
  // sides (the ids stay the same: matrix/cell-id.ts). The cell's own `server` and `client` fields
  // were the fingerprint key and the client's end: they are renamed, so the axes can take the names.
  5: r => ({
    ...r,
    schemaVersion: 6,
    cells: (r.cells as unknown[]).map(c => {
      if (!isObject(c)) return c;
      const { server: serverKey, client: clientEnd, ...rest } = c;
      return { ...rest, server: 'openssh', client: 'openssh', serverKey, clientEnd };
    }),
    // Every cell's client was this machine's OpenSSH; each fingerprint recorded its version.
    clients: Array.isArray(r.targets) && isObject(r.targets[0]) && typeof r.targets[0].client === 'string' ? { openssh: r.targets[0].client } : {},
    // The fingerprint's `openssh` was the server's version when every server was OpenSSH.
    targets: Array.isArray(r.targets)
      ? r.targets.map(t => {
          if (!isObject(t)) return t;
          const { openssh: serverVersion, ...rest } = t;
          return { ...rest, server: 'openssh', serverVersion };
        })
      : r.targets,
  }),
  // v7 adds the scenario's race declarations and each repeated case's survival rate. A v6
  // scenario could not declare a race, so its `flaky` stands as written; `rates` is a pure
  // function of the cells.
  6: r => ({ ...r, schemaVersion: 7, races: [], rates: rates(cellsOf(r), []) }),
};

const FIX = `give a results.json written by hangup-lab (schemaVersion ${OLDEST_READABLE_SCHEMA} to ${SCHEMA_VERSION}), or run the scenario again`;

/** Parse, upgrade and validate a results.json's text; `file` names it in messages. */
export function parseResults(text: string, file: string): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(`${file}: not JSON (${(e as Error).message}); give a results.json written by hangup-lab`);
  }
  if (!isObject(raw) || !Array.isArray(raw.cells) || typeof raw.schemaVersion !== 'number') {
    throw new BadInputError(`${file}: not a hangup-lab results.json (no schemaVersion or cells); give the results.json of a run`);
  }
  let r = raw;
  const version = r.schemaVersion as number;
  if (version > SCHEMA_VERSION) {
    throw new BadInputError(`${file}: schemaVersion ${version} is newer than this hangup-lab reads (${SCHEMA_VERSION}); upgrade hangup-lab`);
  }
  if (version < OLDEST_READABLE_SCHEMA) {
    throw new BadInputError(`${file}: schemaVersion ${version} is older than this hangup-lab can upgrade (${OLDEST_READABLE_SCHEMA}); run the scenario again`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) r = UPGRADES[v]!(r);
  const checked = runResultSchema.safeParse(r);
  if (!checked.success) throw new BadInputError(`${file}: ${problem(checked.error.issues[0]!, r)}; ${FIX}`);
  // The file as written, not zod's copy: the schema has no defaults or transforms, and the copy
  // would reorder keys and drop any the schema does not name.
  return r as RunResult;
}

/** Read, upgrade and validate the results.json at `file`. */
export function readResults(file: string): RunResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  return parseResults(text, file);
}

/** "cells[3].verdict: "banana": expected one of …": where the first problem is, the value, what is wrong. */
function problem(issue: z.core.$ZodIssue, root: unknown): string {
  const where = issue.path.length
    ? issue.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
    : '(top level)';
  const value = issue.path.reduce<unknown>((v, k) => (isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
  if (value === undefined) return `${where}: missing`;
  const shown = Array.isArray(value) ? 'an array' : isObject(value) ? 'an object' : clip(JSON.stringify(value));
  return `${where}: ${shown}: ${issue.message.replace(/^Invalid (input|option): /, '')}`;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
