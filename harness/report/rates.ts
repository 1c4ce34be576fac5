// The rates of results.json as the reports show them: every declared race with how often it
// survived and why it races, and one line for the other cases that ran more than once. The rates
// are derived once (results.ts) and stored in the file; the reports read them from there, so a
// report never counts repetitions of its own.

import { patternMatches } from '../expect/judge.js';
import type { CellResult, Rate, RunResult } from '../results.js';
import { plural } from './format.js';

export const RACE_RULE =
  'The scenario declares these cases to race in the system under test (races:), so their repetitions may disagree and ' +
  'how often each way is the finding: not flaky, not failing, as long as every repetition was judged (survived, killed ' +
  'or exited). The interval is the 95 % Wilson score interval of the survival rate over the judged repetitions.';

/** "10.8": a fraction as a percentage, one decimal at most (the file keeps three). */
function percent(fraction: number): string {
  return String(Number((fraction * 100).toFixed(1)));
}

/** "95 % interval 10.8–60.3 %", or why there is none. */
export function intervalText(rate: Rate): string {
  return rate.low === null || rate.high === null ? 'no interval: no repetition was judged' : `95 % interval ${percent(rate.low)}–${percent(rate.high)} %`;
}

/** "survived 3 of 10 (95 % interval 10.8–60.3 %)"; "… of 4 judged, of 5 runs …" when some were not. */
export function rateText(rate: Rate): string {
  const of = rate.judged === rate.runs ? `${rate.judged}` : `${rate.judged} judged, of ${rate.runs} runs`;
  return `survived ${rate.survived} of ${of} (${intervalText(rate)})`;
}

/** Shaped like a flaky case's entry (report/flaky.ts), so a report lists both the same way. */
export interface RaceEntry {
  entry: Rate;
  /** the repetitions, in rep order; ids the file does not hold are left out */
  cells: CellResult[];
  /** "survived 3 of 10 (95 % interval 10.8–60.3 %)" */
  counts: string;
  /** the why of every declaration the case matches */
  why: string[];
  /** a repetition was not judged, so the case is flaky after all */
  flaky: boolean;
}

/** The declared races that ran more than once, in the order of result.rates. */
export function raceEntries(result: RunResult): RaceEntry[] {
  const byId = new Map(result.cells.map((c) => [c.id, c]));
  const flaky = new Set(result.flaky.map((f) => f.caseId));
  return result.rates
    .filter((rate) => rate.race)
    .map((rate) => {
      const cells = rate.cellIds.map((id) => byId.get(id)).filter((c): c is CellResult => c !== undefined);
      const why = cells.length ? result.races.filter((r) => patternMatches(cells[0]!, r.where)).map((r) => r.why) : [];
      return { entry: rate, cells, counts: rateText(rate), why, flaky: flaky.has(rate.caseId) };
    })
    .filter((e) => e.cells.length > 0);
}

/** The rate of a case, when it ran more than once. */
export function rateOf(result: RunResult, caseId: string): Rate | undefined {
  return result.rates.find((r) => r.caseId === caseId);
}

/**
 * "14 cases ran 5 times; all agreed on the verdict; the widest 95 % interval of a survival rate:
 * 0–43.4 % (survived 0 of 5)": what the repeated cases that are not races add up to, with the
 * interval that says how little agreeing N times proves. Null when no such case ran.
 */
export function otherRatesLine(result: RunResult): string | null {
  const others = result.rates.filter((r) => !r.race);
  if (!others.length) return null;
  const runs = others.map((r) => r.runs);
  const [least, most] = [Math.min(...runs), Math.max(...runs)];
  const times = least === most ? `${least} times` : `${least} to ${most} times`;
  const flakyIds = new Set(result.flaky.map((f) => f.caseId));
  const flaky = others.filter((r) => flakyIds.has(r.caseId)).length;
  const one = others.length === 1;
  const agreed =
    flaky === others.length
      ? `${one ? 'it is' : 'all are'} flaky`
      : flaky
        ? `${others.length - flaky} agreed on the verdict, ${flaky} flaky`
        : `${one ? 'it' : 'all'} agreed on the verdict`;
  const width = (r: Rate) => (r.low === null || r.high === null ? -1 : r.high - r.low);
  const widest = others.reduce((w, r) => (width(r) > width(w) ? r : w));
  const tail = width(widest) < 0 ? '' : `; the widest 95 % interval of a survival rate: ${percent(widest.low!)}–${percent(widest.high!)} % (survived ${widest.survived} of ${widest.judged})`;
  const noun = result.rates.length > others.length ? 'other case' : 'case';
  return `${plural(others.length, noun)} ran ${times}; ${agreed}${tail}`;
}
