// How a cell is named and linked anywhere on the page: its glyph, its words, its tooltip, and the
// two kinds of link to its detail view (the one heatmap element per cell, and references).

import type { AxisName, CellResult, Verdict } from '../../results.js';
import { axisValue } from '../axes.js';
import { offset } from '../format.js';
import { caseLabel, outcomeText } from '../matrix-view.js';
import { cellHref, esc } from './escape.js';
import { VERDICT_GLYPHS } from './style.js';

/** The verdict's glyph; hidden from screen readers, which get the verdict from the words or the title. */
export function glyph(verdict: Verdict): string {
  return `<span class="g" aria-hidden="true">${esc(VERDICT_GLYPHS[verdict])}</span>`;
}

/**
 * "HUP" + "+0.04 s": the signal is what a killed cell has to say (colour and glyph say killed);
 * an inconclusive cell says so in full, as "??" reads like a rendering fault.
 */
export function cellWords(cell: CellResult): { main: string; time: string } {
  const main =
    cell.verdict === 'killed' ? outcomeText(cell, 'compact') : cell.verdict === 'inconclusive' ? 'inconclusive' : outcomeText(cell, 'short');
  const timed = (cell.verdict === 'killed' || cell.verdict === 'exited') && cell.deathMs !== null;
  return { main, time: timed ? offset(cell.deathMs!) : '' };
}

export function cellTitle(cell: CellResult, repeated: boolean): string {
  const { main, time } = cellWords(cell);
  return `${caseLabel(cell, [], ' / ', repeated)} · ${cell.verdict}${main !== cell.verdict ? ` (${main})` : ''}${time ? ` ${time}` : ''} · ${cell.reason}`;
}

/**
 * The element the filters, the browser test and a click all find a cell by: exactly one per cell.
 * `rep` is the small square of one repetition in a repeated case's slot: the glyph only.
 */
export function cellLink(cell: CellResult, axes: readonly AxisName[], repeated: boolean, shape: 'full' | 'rep', extra = ''): string {
  const { main, time } = cellWords(cell);
  const data = axes.map((a) => ` data-ax-${a.toLowerCase()}="${esc(axisValue(cell, a))}"`).join('');
  const body = shape === 'rep' ? glyph(cell.verdict) : `<span>${glyph(cell.verdict)} ${esc(main)}</span>${time ? `<small>${esc(time)}</small>` : ''}`;
  return (
    `<a class="c${shape === 'rep' ? ' rep' : ''} v-${esc(cell.verdict)}" href="${cellHref(cell.id)}" data-cell-id="${esc(cell.id)}"${data}` +
    ` title="${esc(cellTitle(cell, repeated))}">${body}${extra}</a>`
  );
}

/** A link to a cell from elsewhere (lists, other tables): no data-cell-id, so each cell has one. */
export function cellRef(cell: CellResult, text: string): string {
  return `<a class="chip v-${esc(cell.verdict)}" href="${cellHref(cell.id)}" title="${esc(cellTitle(cell, true))}">${glyph(cell.verdict)} ${esc(text)}</a>`;
}

/** A verdict's chip with a count or a word after it, for the summary and the legend. */
export function verdictChip(verdict: Verdict, text: string, cls = 'chip', title = ''): string {
  return `<span class="${cls} v-${esc(verdict)}"${title ? ` title="${esc(title)}"` : ''}>${glyph(verdict)} ${esc(text)}</span>`;
}
