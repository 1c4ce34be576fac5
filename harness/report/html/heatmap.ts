// The heatmaps: per target and combination of the varying extra axes, rows session × launch ×
// workload, columns the severs, a slot per case. The filters and the legend come with them.

import { AXIS_NAMES, VERDICTS, type AxisName, type RunResult } from '../../results.js';
import { axisPairs, axisValues, fixedExtraAxes } from '../axes.js';
import { checkSummaries } from '../checks.js';
import { determinismChecked, flakyCaseIds, repDetail } from '../flaky.js';
import { plural } from '../format.js';
import {
  VERDICT_LEGEND,
  cellsInOrder,
  matrixViews,
  rowLabel,
  slotCheckFlags,
  slotOutcome,
  tally,
  targetNames,
  viewTitle,
  type MatrixView,
  type Slot,
} from '../matrix-view.js';
import { raceEntries } from '../rates.js';
import { cellHref, esc } from './escape.js';
import { cellLink, cellWords, glyph, verdictChip } from './cell-link.js';

/** The axes the filters offer: every one with more than one value in this run. */
export function filterAxes(result: RunResult): AxisName[] {
  return AXIS_NAMES.filter((a) => axisValues(result, a).length > 1);
}

function flags(slot: Slot): string {
  const { failed, unknown } = slotCheckFlags(slot);
  return [...failed.map((n) => `⚑ ${n} failed`), ...unknown.map((n) => `? ${n} unknown`)]
    .map((f) => `<span class="flag">${esc(f)}</span>`)
    .join('');
}

/** The case ids a heatmap slot is badged for: flaky ones, and declared races (not flaky). */
interface Marks {
  flaky: Set<string>;
  races: Set<string>;
}

function marksOf(result: RunResult): Marks {
  return { flaky: flakyCaseIds(result), races: new Set(raceEntries(result).map((e) => e.entry.caseId)) };
}

/**
 * A repeated case in one slot, in three short lines at most: its most common outcome with how many
 * repetitions had it ("✕ HUP 2/3", coloured by that verdict), a small square per repetition (each
 * its own link and colour, so the minority is visible too), and a marker when they disagree. The
 * whole story (every repetition with its reason) is in the tooltip and the detail views; listing
 * it in the slot made a flaky case six lines in a row of one-liners.
 */
function repeatedSlot(slot: Slot, axes: readonly AxisName[], marks: Marks): string {
  const groups = tally(slot, 'short');
  // tally is in verdict order; the most common outcome leads, ties keep that order.
  const lead = groups.reduce((best, g) => (g.cells.length > best.cells.length ? g : best), groups[0]!);
  const first = lead.cells[0]!;
  const disagree = groups.length > 1;
  const isFlaky = slot.cells.some((c) => marks.flaky.has(c.caseId));
  const isRace = !isFlaky && slot.cells.some((c) => marks.races.has(c.caseId));
  const badge = isFlaky
    ? '<a class="flaky-badge" href="#flaky" title="the repetitions disagree on the verdict: see Flaky">flaky</a>'
    : isRace
      ? '<a class="race-badge" href="#races" title="a declared race: see Races">race</a>'
      : disagree
        ? '<span class="differ-badge" title="the repetitions agree on the verdict but not on the signal">≠</span>'
        : '';
  const kind = isFlaky ? 'flaky: ' : isRace ? 'race: ' : disagree ? 'signal varies: ' : '';
  const tip = [`${kind}${slotOutcome(slot, 'long')}`, ...slot.cells.map((c) => `r${c.rep} ${repDetail(c)}`)].join('\n');
  const fraction = `${lead.cells.length}/${slot.cells.length}`;
  return (
    `<td class="multi v-${esc(first.verdict)}${disagree ? ' disagree' : ''}${isFlaky ? ' flaky' : ''}" title="${esc(tip)}">` +
    `<a class="lead" href="${cellHref(first.id)}">${glyph(first.verdict)} ${esc(cellWords(first).main)}<span class="frac">${esc(fraction)}</span></a>` +
    `<span class="reps">${slot.cells.map((c) => cellLink(c, axes, true, 'rep')).join('')}${badge}</span>${flags(slot)}</td>`
  );
}

function slotCell(slot: Slot | undefined, axes: readonly AxisName[], marks: Marks): string {
  if (!slot) return '<td class="empty"></td>';
  if (slot.cells.length > 1) return repeatedSlot(slot, axes, marks);
  const cell = slot.cells[0]!;
  return `<td class="one v-${esc(cell.verdict)}">${cellLink(cell, axes, false, 'full', flags(slot))}</td>`;
}

function heatmap(view: MatrixView, axes: readonly AxisName[], marks: Marks, titled: boolean): string {
  const head = `<tr><th class="row">session / launch / workload</th>${view.severs.map((s) => `<th class="col">${esc(s)}</th>`).join('')}</tr>`;
  const rows = view.rows.map(
    (row) => `<tr><th class="row">${esc(rowLabel(row.key))}</th>${row.slots.map((s) => slotCell(s, axes, marks)).join('')}</tr>`,
  );
  const title = viewTitle(view, false);
  // A target with one matrix and no combo: its heading already says everything, so no second one.
  const h3 = titled
    ? `<h3>${esc(view.target)}${title ? ` · ${esc(title)}` : ''} <span class="muted">(${esc(plural(cellsInOrder(view).length, 'cell'))})</span></h3>`
    : '';
  return `<section class="view">${h3}<table class="heat"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/**
 * One line of swatches (the sentences behind them fold away: the legend must not push the
 * heatmap below the first screen), then only the marks this run can show.
 */
function legend(result: RunResult, races: boolean): string {
  const repeated = determinismChecked(result);
  const checks = checkSummaries(result).length > 0;
  const swatches = VERDICTS.map((v) => verdictChip(v, v, 'sw', VERDICT_LEGEND[v]));
  const marks = [
    ...(repeated
      ? [
          `<span><span class="sw" style="border:1px solid var(--line);background:#fff">${glyph('killed')} HUP<span class="frac">2/3</span></span> <span class="muted">a repeated case: its commonest outcome, how many had it, a square per repetition</span></span>`,
          '<span><span class="flaky-badge">flaky</span> <span class="muted">they disagree on the verdict</span></span>',
          '<span><span class="differ-badge">≠</span> <span class="muted">only the signal differs</span></span>',
        ]
      : []),
    ...(races ? ['<span><span class="race-badge">race</span> <span class="muted">a declared race</span></span>'] : []),
    ...(checks ? ['<span class="muted">⚑ a check failed · ? a check had no answer</span>'] : []),
  ];
  const sentences = VERDICTS.map((v) => `<dt>${verdictChip(v, v)}</dt><dd>${esc(VERDICT_LEGEND[v])}</dd>`).join('');
  const more =
    (repeated
      ? '<dt><span class="flaky-badge">flaky</span></dt><dd>The case ran several times and the repetitions disagreed on the verdict, not only the signal or the time: the run fails (see Flaky). The black corner marks every slot whose repetitions disagree.</dd>'
      : '') +
    (races ? '<dt><span class="race-badge">race</span></dt><dd>Declared to race in the system under test: how often it survived is in Races.</dd>' : '') +
    (checks ? '<dt>⚑ / ?</dt><dd>A check did not pass (⚑) or could not be answered (?).</dd>' : '');
  return (
    `<div class="legend">${swatches.join('')}${marks.join('')}` +
    `<details><summary>What the colours and marks mean</summary><dl>${sentences}${more}</dl>` +
    '<p class="muted">Click a cell for its timeline, processes and log. Text: the outcome (a killed probe\'s signal) and the time of death after the sever; hover for the reason.</p></details></div>'
  );
}

function filtersForm(result: RunResult): string {
  const axes = filterAxes(result);
  if (!axes.length) return '';
  const sets = axes.map((a) => {
    const boxes = axisValues(result, a).map(
      (v) => `<label><input type="checkbox" name="${a.toLowerCase()}" value="${esc(v)}" checked> ${esc(v)}</label>`,
    );
    return `<fieldset><legend>${esc(a)}</legend>${boxes.join('')}</fieldset>`;
  });
  // Hidden until the script runs: without it the boxes would do nothing.
  return `<form id="filters" hidden>${sets.join('')}<button type="reset">show all</button> <span id="filter-count"></span></form>`;
}

export function heatmapsSection(result: RunResult): string {
  // The filters stick to the top while the heatmaps scroll by, and only then.
  const axes = filterAxes(result);
  const marks = marksOf(result);
  const fixed = fixedExtraAxes(result);
  const blocks = targetNames(result).map((target) => {
    const views = matrixViews(result, target);
    const single = views.length === 1 && viewTitle(views[0]!, false) === '';
    const count = single ? ` <span class="muted">(${esc(plural(cellsInOrder(views[0]!).length, 'cell'))})</span>` : '';
    return (
      `<div class="target-block"><h2 class="target" id="target-${esc(target)}">${esc(target)}${count}</h2>` +
      (views.length ? `<div class="views">${views.map((v) => heatmap(v, axes, marks, !single)).join('')}</div>` : '<p class="muted">No cells ran on this target.</p>') +
      '</div>'
    );
  });
  // Several targets go side by side where the screen has room (their row labels wrap to make it):
  // a second target on the first screen is worth more than the empty right half of it.
  return (
    `<section id="heatmaps"><h2>Heatmaps</h2>${filtersForm(result)}${legend(result, marks.races.size > 0)}` +
    (fixed.length ? `<p class="muted fixed">Every cell: ${esc(axisPairs(fixed))}</p>` : '') +
    `<div class="targets${blocks.length > 1 ? ' side' : ''}">${blocks.join('')}</div></section>`
  );
}
