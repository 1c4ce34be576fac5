// Determinism: a case that ran more than once (`--repeat N`, or a detection-latency case) must come
// out the same every time, or one run's verdict says nothing. This is the expectation every case
// has without the scenario writing it down, unless the scenario declares the case a race in the
// system under test (`races:`): then the disagreement is the finding, and `rates` says how often.
// Like judging expectations it is a pure function of the cell results (and the declarations), so
// `run`, `merge` and every report compute the same answer from results.json alone.

import type { FlakyCase, SignalVariesCase } from '../results.js';

// results.json's `flaky`, `signalVaries` and `rates`, their shapes and their derivation from the
// cells, live with the results contract: the reader upgrading an older file derives them too, and
// it sits below this layer. Re-exported here, where the rest of the harness looks for the
// determinism check.
export {
  derived,
  flakyCases,
  JUDGED_VERDICTS,
  rates,
  signalVaries,
  wilsonInterval,
  type Derived,
  type FlakyCase,
  type Race,
  type Rate,
  type SignalVariesCase,
} from '../results.js';

/** "3 killed, 2 survived": the counts of a flaky or signal-varies case, as they are in the file. */
export function countsText(counts: Readonly<Record<string, number | undefined>>): string {
  return Object.entries(counts)
    .map(([k, n]) => `${n ?? 0} ${k}`)
    .join(', ');
}

/** "3 killed, 2 survived over 5 repeats" */
export function repeatsText(c: FlakyCase | SignalVariesCase): string {
  return `${countsText('verdicts' in c ? c.verdicts : c.signals)} over ${c.cellIds.length} repeats`;
}
