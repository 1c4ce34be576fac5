// A cell's setup tries, as every report says them: nothing when the first try worked, else how
// many tries it took and why each failed one failed. Retries are part of the record: a reader who
// sees a verdict must be able to see that its login needed a second try (it never touched the
// verdict itself: nothing after the probe's start is ever retried).
import type { CellResult, RunResult } from '../results.js';
import { reasonText } from './matrix-view.js';

export function setupText(cell: Pick<CellResult, 'setup'>): string | null {
  const { attempts, failures } = cell.setup;
  if (attempts <= 1 && !failures.length) return null;
  return `setup took ${attempts} tr${attempts === 1 ? 'y' : 'ies'} (${failures.map(reasonText).join('; ')})`;
}

/** "3 cells needed a second setup try (5 retries in all)", or null when none did. */
export function setupSummary(result: Pick<RunResult, 'cells'>): string | null {
  const retried = result.cells.filter(c => c.setup.attempts > 1);
  if (!retried.length) return null;
  const retries = retried.reduce((n, c) => n + c.setup.attempts - 1, 0);
  return `${retried.length} cell${retried.length === 1 ? '' : 's'} needed more than one setup try (${retries} retr${retries === 1 ? 'y' : 'ies'} in all, before the probe started; verdicts are never retried)`;
}
