// The flaky and signal-varies cases of results.json as the reports show them: each entry with its
// repetitions' cells, a name, and one line per repetition. The lists themselves are computed once
// (expect/flaky.ts) and stored in the file; the reports read them from there, so every report, the
// exit code and a user's script agree on which cases are flaky.

import { repeatsText, type FlakyCase, type SignalVariesCase } from '../expect/flaky.js';
import type { CellResult, RunResult } from '../results.js';
import { varyingExtraAxes } from './axes.js';
import { offset, plural } from './format.js';
import { caseLabel, outcomeText, reasonText, repeatedCases } from './matrix-view.js';
import { rateOf, rateText } from './rates.js';
import { senderText } from './sender.js';

export const FLAKY_RULE =
  'Their repetitions disagree on the verdict, so one run of them says nothing. Every verdict counts as itself: ' +
  'an inconclusive repetition next to a killed one is flaky too (the harness could not see the second time what it saw ' +
  'the first), as is a not-applicable one (the session was over before the sever only sometimes). Any flaky case fails the run (exit 1). ' +
  'A case the scenario declares a race (races:) is flaky only when a repetition was not judged; otherwise it is a rate (see Races).';

export const SIGNAL_VARIES_RULE =
  'Killed in every repetition, but not by the same signal (e.g. SIGTERM from systemd one time, SIGHUP from the hangup ' +
  'the next): the verdict holds, so the run does not fail, but "what kills it" has more than one answer.';

export interface RepeatedEntry<C extends { caseId: string } = FlakyCase | SignalVariesCase> {
  entry: C;
  /** the repetitions, in rep order; ids the file does not hold are left out */
  cells: CellResult[];
  /** "3 killed, 2 survived over 5 repeats" */
  counts: string;
  /** a flaky case's survival rate, "survived 2 of 5 (95 % interval 11.8–76.9 %)" */
  rate?: string;
}

function entries<C extends FlakyCase | SignalVariesCase>(result: RunResult, list: readonly C[], withRate: boolean): RepeatedEntry<C>[] {
  const byId = new Map(result.cells.map((c) => [c.id, c]));
  return list
    .map((entry) => {
      const rate = withRate ? rateOf(result, entry.caseId) : undefined;
      return {
        entry,
        cells: entry.cellIds.map((id) => byId.get(id)).filter((c): c is CellResult => c !== undefined),
        counts: repeatsText(entry),
        ...(rate ? { rate: rateText(rate) } : {}),
      };
    })
    .filter((e) => e.cells.length > 0);
}

export const flakyEntries = (result: RunResult) => entries(result, result.flaky, true);
// Killed every time: the rate would say "survived 0 of n" about a case whose question is the signal.
export const signalVariesEntries = (result: RunResult) => entries(result, result.signalVaries, false);

/** The case ids of result.flaky, for marking slots and cells. */
export function flakyCaseIds(result: RunResult): Set<string> {
  return new Set(result.flaky.map((f) => f.caseId));
}

/** Did any case run more than once, i.e. could anything be flaky at all? */
export function determinismChecked(result: RunResult): boolean {
  return repeatedCases(result.cells).size > 0;
}

/**
 * "2 cases flaky of 14 cases that ran more than once.", or that none is (then that is a finding);
 * declared races that were let off are not among the cases said to agree.
 */
export function flakyHeadline(result: RunResult): string {
  const repeated = repeatedCases(result.cells).size;
  if (result.flaky.length) return `${plural(result.flaky.length, 'case')} flaky of ${plural(repeated, 'case')} that ran more than once.`;
  const races = result.rates.filter((r) => r.race).length;
  const others = repeated - races;
  const raceText = `${plural(races, 'declared race')} ${races === 1 ? 'is' : 'are'} read as ${races === 1 ? 'a rate' : 'rates'} (see Races)`;
  if (!others) return `No case is flaky: ${raceText}.`;
  const agree = `the repetitions of ${others === 1 ? `the one${races ? ' other' : ''} case` : `all ${others}${races ? ' other' : ''} cases`} that ran more than once agree on the verdict`;
  return `No case is flaky: ${races ? `${raceText}, and ${agree}` : agree}.`;
}

/** "debian-bookworm · pty / disown / quiet × drop · user=lab": a case, without a repetition. */
export function caseName(result: RunResult, cell: CellResult, separator = ' / ', join = ' · '): string {
  return `${cell.target}${join}${caseLabel(cell, varyingExtraAxes(result), separator)}`;
}

/** "killed SIGHUP at +5.65 s": one repetition's outcome, with the time of death when it has one. */
export function repOutcome(cell: CellResult): string {
  return `${outcomeText(cell, 'long')}${cell.deathMs !== null ? ` at ${offset(cell.deathMs)}` : ''}`;
}

/**
 * A repetition with what tells it from the others: its outcome, who sent the signal, and the
 * reason (an inconclusive repetition's reason is where the cause of the flakiness usually is).
 */
export function repDetail(cell: CellResult): string {
  const sender = cell.verdict === 'killed' ? senderText(cell) : null;
  return `${repOutcome(cell)}${sender ? ` from ${sender}` : ''} — ${reasonText(cell.reason)}`;
}
