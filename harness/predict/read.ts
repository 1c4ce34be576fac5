// Reading predict's inputs: an inspect report (--facts) and results files (--results). A file that
// is missing, unreadable or of another kind is one line naming the flag, the file and the fix.
import fs from 'node:fs';
import { BadInputError } from '../core/errors.js';
import { inspectReportSchema, type InspectReport } from '../inspect/report.js';
import { parseResults } from '../results-file.js';
import type { ResultsInput } from './types.js';

const INSPECT_FIX = 'give the JSON that `hangup-lab inspect --host HOST` wrote (./hangup-lab-reports/inspect/HOST.json)';

function readText(flag: string, file: string, fix: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(`hangup-lab predict: --${flag} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${fix}`);
  }
}

/** An inspect report's text, checked against its schema. */
export function parseInspectReport(text: string, file: string): InspectReport {
  const where = `hangup-lab predict: --facts ${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(`${where}: not JSON (${(e as Error).message}); ${INSPECT_FIX}`);
  }
  const kind = (raw as { kind?: unknown } | null)?.kind;
  if (kind !== 'hangup-lab-inspect') {
    // A results.json given for the facts is the likely mix-up: say which flag takes it.
    const isResults = typeof raw === 'object' && raw !== null && 'cells' in raw;
    throw new BadInputError(`${where}: not an inspect report (kind ${JSON.stringify(kind ?? null)})${isResults ? ', it is a results.json: give it to --results' : ''}; ${INSPECT_FIX}`);
  }
  const checked = inspectReportSchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new BadInputError(`${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; ${INSPECT_FIX} by this hangup-lab`);
  }
  return checked.data;
}

export function readInspectReport(file: string): InspectReport {
  return parseInspectReport(readText('facts', file, INSPECT_FIX), file);
}

/** A results.json, read by the one reader (upgrades included); its message gains the flag's name. */
export function readResultsInput(file: string): ResultsInput {
  const text = readText('results', file, 'give the results.json of a run (hangup-lab-reports/latest/results.json)');
  try {
    return { file, result: parseResults(text, file) };
  } catch (e) {
    if (e instanceof BadInputError) throw new BadInputError(`hangup-lab predict: --results ${e.message}`);
    throw e;
  }
}
