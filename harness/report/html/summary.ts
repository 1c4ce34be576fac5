// "What happened": the few lines at the top of the page, above the heatmaps, that say what a
// reader would otherwise scroll for: how the run came out, how many cells ended which way, and
// what needs a look (failed expectations, flaky cases, inconclusive cells and why). Computed from
// the RunResult alone, like every report; the lines link to the sections that hold the details.

import type { CellResult, RunResult, Verdict } from '../../results.js';
import { sortedCells } from '../axes.js';
import { checkSummaries } from '../checks.js';
import { claimCounts } from '../claims.js';
import { columnsNoun, compareViews, comparedCounts } from '../compare.js';
import { summaryText } from '../expectations.js';
import { determinismChecked, flakyHeadline } from '../flaky.js';
import { plural } from '../format.js';
import { reasonText, targetNames, verdictCounts } from '../matrix-view.js';
import { raceEntries } from '../rates.js';
import { verdictChip } from './cell-link.js';
import { esc } from './escape.js';

export interface SummaryLine {
  /** what the line is about, also the link text when it links */
  topic: string;
  text: string;
  tone: 'pass' | 'fail' | 'plain';
  /** the section with the details */
  href: string | null;
}

export interface WhatHappened {
  /** PASS or FAIL and why, when the run could fail at all (expectations, or a repeated case) */
  verdict: SummaryLine | null;
  /** "16 cells on debian-bookworm" */
  scope: string;
  /** verdicts in VERDICTS order, zero counts left out; `note` breaks killed down by signal */
  counts: { verdict: Verdict; count: number; note: string }[];
  lines: SummaryLine[];
}

/** "SIGHUP 24 · SIGPIPE 6": the killed cells by signal, most first. */
function signalsText(cells: readonly CellResult[]): string {
  const by = new Map<string, number>();
  for (const c of cells) if (c.verdict === 'killed') by.set(c.signal ?? 'signal unknown', (by.get(c.signal ?? 'signal unknown') ?? 0) + 1);
  return [...by]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s, n]) => `${s} ${n}`)
    .join(' · ');
}

/**
 * The gist of a reason, for grouping: up to its first ": " or "; " (but not after fewer than a few
 * words), without parenthesised details (pids, exit codes), at most one line long. "the setup
 * failed 3 times; last: timed out …" → "the setup failed 3 times".
 */
export function reasonGist(reason: string): string {
  const text = reasonText(reason).replace(/\s+\([^()]*\)/g, '');
  const cut = [...text.matchAll(/[:;] /g)].find((m) => m.index >= 24)?.index ?? text.length;
  const head = text.slice(0, cut);
  return head.length > 90 ? `${head.slice(0, 89)}…` : head;
}

/**
 * "2× the setup failed 3 times · 1× the watcher saw no death …": the commonest reasons of these
 * cells, counted by gist with its numbers ignored (a timeout of 236 s and one of 176 s are one
 * reason), the gist shown as the first cell had it; sorted by count, ties in the cells' order.
 */
export function mainReasons(cells: readonly CellResult[], most = 3): string {
  const groups = new Map<string, { gist: string; n: number }>();
  for (const c of cells) {
    const gist = reasonGist(c.reason);
    const key = gist.replace(/\d+(?:\.\d+)?/g, '#');
    const g = groups.get(key);
    if (g) g.n += 1;
    else groups.set(key, { gist, n: 1 });
  }
  const sorted = [...groups.values()].sort((a, b) => b.n - a.n);
  // One reason for all of them: a count would only repeat the number of cells.
  if (sorted.length === 1) return sorted[0]!.gist;
  const shown = sorted.slice(0, most).map((g) => `${g.n}× ${g.gist}`);
  const rest = sorted.slice(most).reduce((n, g) => n + g.n, 0);
  return [...shown, ...(rest ? [`${rest}× other reasons`] : [])].join(' · ');
}

export function whatHappened(result: RunResult): WhatHappened {
  const lines: SummaryLine[] = [];
  const add = (topic: string, text: string, tone: SummaryLine['tone'], href: string | null) => lines.push({ topic, text, tone, href });

  if (result.shard) {
    const { index, count } = result.shard;
    add(`Shard ${index}/${count}`, `${plural(result.cells.length, 'cell')} of a plan of ${result.plan.length}; \`hangup-lab merge\` puts the shards together.`, 'fail', null);
  }
  if (result.flaky.length) add('Flaky', flakyHeadline(result), 'fail', '#flaky');
  // In axis order, not run order: which gist stands for a group must not depend on timing.
  const inconclusive = sortedCells(result).filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length) {
    add('Inconclusive', `${plural(inconclusive.length, 'cell')}, never counted as a pass: ${mainReasons(inconclusive)}.`, result.strict ? 'fail' : 'plain', null);
  }
  const failedChecks = checkSummaries(result).filter((s) => s.failed > 0);
  if (failedChecks.length) add('Checks', `${failedChecks.map((s) => `${s.name} failed in ${plural(s.failed, 'cell')}`).join(' · ')}.`, 'plain', '#checks');
  const races = raceEntries(result).filter((e) => !e.flaky).length;
  if (races) add('Races', `${plural(races, 'declared race')} read as ${races === 1 ? 'a survival rate' : 'survival rates'}, not failing.`, 'plain', '#races');
  const views = compareViews(result);
  if (views.length) {
    const { compared, differ } = comparedCounts(views);
    const noun = columnsNoun(views[0]!);
    add(`Across ${noun.many}`, `${differ} of ${plural(compared, 'case')} run on more than one ${noun.one} differ${differ === 1 ? 's' : ''}.`, 'plain', '#across');
  }
  if (result.claims) add('Claims', `${claimCounts(result) || 'none judged'} (${result.claims.article}).`, 'plain', '#claims');

  const targets = targetNames(result).filter((t) => result.cells.some((c) => c.target === t));
  const on = targets.length === 1 ? `on ${targets[0]}` : `on ${plural(targets.length, 'target')}`;
  const reps = result.repeat > 1 ? `, ${result.repeat} repetitions per case` : '';
  const judged = result.expectations.length > 0 || determinismChecked(result);
  const verdict = judged ? summaryText(result) : null;
  return {
    verdict: verdict === null ? null : { topic: 'Expectations', text: verdict, tone: verdict.startsWith('FAIL') ? 'fail' : 'pass', href: result.expectations.length ? '#expectations' : result.flaky.length ? '#flaky' : null },
    scope: `${plural(result.cells.length, 'cell')} ${on}${reps}`,
    counts: verdictCounts(result.cells).map(([verdict, count]) => ({ verdict, count, note: verdict === 'killed' ? signalsText(result.cells) : '' })),
    lines,
  };
}

/** The summary as plain lines: what the tests read, and what a text report could print. */
export function whatHappenedText(w: WhatHappened): string[] {
  const counts = w.counts.map((c) => `${c.count} ${c.verdict}${c.note ? ` (${c.note})` : ''}`).join(', ');
  return [...(w.verdict ? [w.verdict.text] : []), `${w.scope}: ${counts || 'none ran'}.`, ...w.lines.map((l) => `${l.topic}: ${l.text}`)];
}

function lineHtml(l: SummaryLine): string {
  const topic = l.href ? `<a href="${esc(l.href)}">${esc(l.topic)}</a>` : esc(l.topic);
  return `<li${l.tone === 'plain' ? '' : ` class="${l.tone}"`}>${topic}: ${esc(l.text)}</li>`;
}

export function summarySection(result: RunResult): string {
  const w = whatHappened(result);
  const races = raceEntries(result).length;
  const chips = [
    ...w.counts.map((c) => verdictChip(c.verdict, `${c.verdict} ${c.count}`) + (c.note ? ` <span class="muted">(${esc(c.note)})</span>` : '')),
    // What a repeated run adds, as chips beside the verdicts, so the count line says it at a glance.
    ...(result.flaky.length ? [`<a class="chip flaky-badge" href="#flaky">${esc(plural(result.flaky.length, 'case'))} flaky</a>`] : []),
    ...(races ? [`<a class="chip race-badge" href="#races">${esc(plural(races, 'race'))}</a>`] : []),
  ];
  const verdict = w.verdict
    ? `<p class="run-verdict ${w.verdict.tone}">${esc(w.verdict.text)}${w.verdict.href ? ` <a href="${esc(w.verdict.href)}">details</a>` : ''}</p>`
    : '';
  const tone = w.verdict?.tone ?? (w.lines.some((l) => l.tone === 'fail') ? 'fail' : '');
  return (
    `<section id="summary"${tone ? ` class="tone-${tone}"` : ''} aria-label="what happened">${verdict}` +
    `<p>${esc(w.scope)}: ${chips.join(' ') || 'none ran'}</p>` +
    (w.lines.length ? `<ul>${w.lines.map(lineHtml).join('')}</ul>` : '') +
    '</section>'
  );
}
