// The HTML report: one self-contained file (inline CSS and JS, no network, opens from file://)
// with a heatmap per target and server config, the differences across targets, filters by axis,
// detection latency, checks, the servers, and a detail view for every cell (#cell-<id>). Rendered
// server-side, so everything but the filters and the terminal replay works without JavaScript.
// A pure function of the RunResult, like every report; all text from it is escaped (html/escape.ts).

import { VERDICTS, type AxisName, type CellResult, type RunResult } from '../results.js';
import { AXIS_NAMES } from '../results.js';
import { axisPairs, axisValue, axisValues, fixedExtraAxes, networkPathsText, varyingExtraAxes } from './axes.js';
import { checkOutcome, checkSummaries } from './checks.js';
import { cellsOn, columnsNoun, compareViews, comparedCounts, differences, shortColumnNames } from './compare.js';
import { expectationRows, expectedText, failingCells, summaryText, whereText } from './expectations.js';
import { configMismatches, configPairs, fingerprintRows, fingerprintsInOrder, serversWithoutFingerprint } from './fingerprint.js';
import { offset, plural, seconds } from './format.js';
import { LATENCY_COLUMNS, caseReading, latencyRow, latencyTable, singleCasesText } from './latency.js';
import { sshdConfigLine } from './markdown.js';
import {
  VERDICT_LEGEND,
  caseLabel,
  cellsInOrder,
  outcomeText,
  repeatedCases,
  rowLabel,
  slotCheckFlags,
  slotOutcome,
  tally,
  targetNames,
  matrixViews,
  verdictCounts,
  viewTitle,
  type MatrixView,
  type Slot,
} from './matrix-view.js';
import { cellDetail } from './html/cell-detail.js';
import { cellHref, esc, serverAnchor } from './html/escape.js';
import { SCRIPT } from './html/script.js';
import { CSS } from './html/style.js';
import { CLAIM_VERDICT_LEGEND, claimCounts, claimRows, claimWithSource } from './claims.js';
import {
  FLAKY_RULE,
  SIGNAL_VARIES_RULE,
  caseName,
  determinismChecked,
  flakyCaseIds,
  flakyEntries,
  flakyHeadline,
  repDetail,
  repOutcome,
  signalVariesEntries,
  type RepeatedEntry,
} from './flaky.js';
import { RACE_RULE, otherRatesLine, raceEntries } from './rates.js';
import type { Reporter } from './types.js';

// ---- A cell in a heatmap ----

/** The axes the filters offer: every one with more than one value in this run. */
function filterAxes(result: RunResult): AxisName[] {
  return AXIS_NAMES.filter((a) => axisValues(result, a).length > 1);
}

/** "HUP" + "+0.04 s": the signal is what a killed cell has to say (the colour says killed). */
function cellWords(cell: CellResult): { main: string; time: string } {
  const main = cell.verdict === 'killed' ? outcomeText(cell, 'compact') : outcomeText(cell, 'short');
  const timed = (cell.verdict === 'killed' || cell.verdict === 'exited') && cell.deathMs !== null;
  return { main, time: timed ? offset(cell.deathMs!) : '' };
}

function cellTitle(cell: CellResult, repeated: boolean): string {
  const { main, time } = cellWords(cell);
  return `${caseLabel(cell, [], ' / ', repeated)} · ${cell.verdict}${main !== cell.verdict ? ` (${main})` : ''}${time ? ` ${time}` : ''} · ${cell.reason}`;
}

/** The element the filters, the browser test and a click all find a cell by. */
function cellLink(cell: CellResult, axes: readonly AxisName[], repeated: boolean, chip: boolean, extra = ''): string {
  const { main, time } = cellWords(cell);
  const data = axes.map((a) => ` data-ax-${a.toLowerCase()}="${esc(axisValue(cell, a))}"`).join('');
  const body = chip ? `${esc(main)}${time ? ` ${esc(time)}` : ''}` : `${esc(main)}${time ? `<small>${esc(time)}</small>` : ''}`;
  return (
    `<a class="c v-${esc(cell.verdict)}" href="${cellHref(cell.id)}" data-cell-id="${esc(cell.id)}"${data}` +
    ` title="${esc(cellTitle(cell, repeated))}">${body}${extra}</a>`
  );
}

/** A link to a cell from elsewhere (lists, other tables): no data-cell-id, so each cell has one. */
function cellRef(cell: CellResult, text: string): string {
  return `<a class="chip v-${esc(cell.verdict)}" href="${cellHref(cell.id)}" title="${esc(cellTitle(cell, true))}">${esc(text)}</a>`;
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
 * One case: a single run fills the slot with its colour; repetitions get a chip each, and when
 * they disagree (tally has more than one outcome) the slot is outlined and says so. A flaky case
 * (the verdicts disagree, not only the signal) gets a badge that links to the Flaky section, a
 * declared race one that links to Races.
 */
function slotCell(slot: Slot | undefined, axes: readonly AxisName[], marks: Marks): string {
  if (!slot) return '<td class="empty"></td>';
  if (slot.cells.length === 1) {
    const cell = slot.cells[0]!;
    return `<td class="one v-${esc(cell.verdict)}">${cellLink(cell, axes, false, false, flags(slot))}</td>`;
  }
  const disagree = tally(slot, 'short').length > 1;
  const isFlaky = slot.cells.some((c) => marks.flaky.has(c.caseId));
  const isRace = !isFlaky && slot.cells.some((c) => marks.races.has(c.caseId));
  const badge = isFlaky ? '<a class="flaky-badge" href="#flaky">flaky</a> ' : isRace ? '<a class="race-badge" href="#races">race</a> ' : '';
  const cap = disagree ? `≠ ${slotOutcome(slot, 'short')}` : `${slot.cells.length} reps agree`;
  return (
    `<td class="multi${disagree ? ' disagree' : ''}${isFlaky ? ' flaky' : ''}" title="${esc(`${isFlaky ? 'flaky: ' : isRace ? 'race: ' : ''}${slotOutcome(slot, 'long')}`)}">` +
    `<span class="cap">${badge}${esc(cap)}</span><span class="chips">${slot.cells.map((c) => cellLink(c, axes, true, true)).join('')}</span>${flags(slot)}</td>`
  );
}

function heatmap(view: MatrixView, axes: readonly AxisName[], marks: Marks): string {
  const head = `<tr><th class="row">session / launch / workload</th>${view.severs.map((s) => `<th class="col">${esc(s)}</th>`).join('')}</tr>`;
  const rows = view.rows.map(
    (row) => `<tr><th class="row">${esc(rowLabel(row.key))}</th>${row.slots.map((s) => slotCell(s, axes, marks)).join('')}</tr>`,
  );
  const title = viewTitle(view, false);
  return (
    `<section class="view"><h3>${esc(view.target)}${title ? ` · ${esc(title)}` : ''} <span class="muted">(${esc(plural(cellsInOrder(view).length, 'cell'))})</span></h3>` +
    `<table class="heat"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

function legend(races: boolean): string {
  const items = VERDICTS.map(
    (v) => `<span class="item"><span class="sw v-${v}">${esc(v)}</span> <span class="muted">${esc(VERDICT_LEGEND[v])}</span></span>`,
  );
  return (
    `<div class="legend">${items.join('')}` +
    '<span class="item"><span class="sw" style="outline:3px dashed #6a1b9a;outline-offset:-3px">≠ disagree</span> <span class="muted">The case ran several times and the repetitions disagreed; each repetition is its own chip.</span></span>' +
    '<span class="item"><span class="sw flaky-badge">flaky</span> <span class="muted">The repetitions disagreed on the verdict, not only the signal or the time: the run fails (see Flaky).</span></span>' +
    (races ? '<span class="item"><span class="sw race-badge">race</span> <span class="muted">Declared to race in the system under test: how often it survived is in Races.</span></span>' : '') +
    '<span class="item"><span class="sw" style="background:#fff">⚑ check</span> <span class="muted">A check did not pass (⚑) or could not be answered (?).</span></span></div>'
  );
}

function heatmapsSection(result: RunResult): string {
  // The filters stick to the top while the heatmaps scroll by, and only then.
  const axes = filterAxes(result);
  const marks = marksOf(result);
  const blocks = targetNames(result).map((target) => {
    const views = matrixViews(result, target);
    return `<h2 id="target-${esc(target)}">${esc(target)}</h2>${views.length ? views.map((v) => heatmap(v, axes, marks)).join('') : '<p class="muted">No cells ran on this target.</p>'}`;
  });
  return `<section id="heatmaps"><h2>Heatmaps</h2>${filtersForm(result)}${legend(marks.races.size > 0)}<p class="muted">Click a cell for its timeline, processes and log. Text: the outcome (a killed probe's signal) and the time of death after the sever.</p>${blocks.join('')}</section>`;
}

// ---- Filters ----

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

// ---- Run-wide sections ----

function header(result: RunResult): string {
  const facts = [
    `started ${result.startedAt}`,
    `finished ${result.finishedAt}`,
    `took ${seconds(result.durationMs)}`,
    plural(result.cells.length, 'cell'),
    ...(result.repeat > 1 ? [`${result.repeat} repeats per case`] : []),
    `${result.tool.name} ${result.tool.version}`,
  ];
  const counts = [
    ...verdictCounts(result.cells).map(([v, n]) => `<span class="chip v-${v}">${esc(v)} ${n}</span>`),
    ...(result.flaky.length ? [`<a class="chip flaky-badge" href="#flaky">${esc(plural(result.flaky.length, 'case'))} flaky</a>`] : []),
    ...((n) => (n ? [`<a class="chip race-badge" href="#races">${esc(plural(n, 'race'))}</a>`] : []))(raceEntries(result).length),
  ];
  const fixed = fixedExtraAxes(result);
  const paths = networkPathsText(result);
  const lines = [
    `<p class="facts">${esc(facts.join(' · '))} · scenario <code>${esc(result.scenario.file)}</code></p>`,
    result.scenario.description ? `<p>${esc(result.scenario.description)}</p>` : '',
    `<p>${counts.join(' ')}</p>`,
    result.shard
      ? `<p class="fail">Shard ${esc(result.shard.index)}/${esc(result.shard.count)}: ${esc(plural(result.cells.length, 'cell'))} of a plan of ${esc(result.plan.length)}; \`hangup-lab merge\` puts the shards together.</p>`
      : '',
    fixed.length ? `<p class="muted">Fixed: ${esc(axisPairs(fixed))}</p>` : '',
    // The Markdown report's sentence, with its `code` spans made HTML.
    result.sshdConfig ? `<p>${esc(sshdConfigLine(result.sshdConfig)).replace(/`([^`]*)`/g, '<code>$1</code>')}</p>` : '',
    paths ? `<p class="muted">${esc(paths[0])}: ${esc(paths[1])}</p>` : '',
  ];
  return `<header><h1>hangup-lab: ${esc(result.scenario.name)}</h1>${lines.join('')}</header>`;
}

function toc(result: RunResult): string {
  const links: [string, string][] = [
    ...(result.expectations.length ? [['expectations', 'Expectations'] as [string, string]] : []),
    ...(determinismChecked(result) ? [['flaky', 'Flaky'] as [string, string]] : []),
    ...(raceEntries(result).length ? [['races', 'Races'] as [string, string]] : []),
    ...((v) => (v ? [['across', `Across ${columnsNoun(v).many}`] as [string, string]] : []))(compareViews(result)[0]),
    ['heatmaps', 'Heatmaps'],
    ['latency', 'Detection latency'],
    ['checks', 'Checks'],
    ['servers', 'Servers'],
  ];
  return `<nav class="toc">${links.map(([id, text]) => `<a href="#${id}">${esc(text)}</a>`).join('')}</nav>`;
}

/** Failing cells first: in CI this is the one thing the reader came for. */
function expectationsSection(result: RunResult): string {
  if (!result.expectations.length) return '';
  const summary = summaryText(result);
  const failing = failingCells(result);
  const repeated = repeatedCases(result.cells);
  const axes = varyingExtraAxes(result);
  const failBlock = failing.length
    ? `<h3>Failing cells (${failing.length})</h3>` +
      failing
        .map(
          ({ cell, lines }) =>
            `<div class="failing">${cellRef(cell, cell.verdict)} <b>${esc(cell.target)} · ${esc(caseLabel(cell, axes, ' / ', repeated.has(cell.caseId)))}</b>` +
            `<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>`,
        )
        .join('')
    : '';
  const rows = expectationRows(result).map(
    (r) =>
      `<tr><td>expect[${esc(r.expectation.index)}]</td><td>${esc(whereText(r.expectation))}</td><td>${esc(expectedText(r.expectation))}</td>` +
      `<td>${r.met}</td><td${r.failed ? ' class="fail"' : ''}>${r.failed}</td><td>${r.unjudged}</td><td>${r.notApplicable}</td><td>${esc(r.expectation.why || '—')}</td></tr>`,
  );
  return (
    `<section id="expectations"><h2>Expectations</h2><p class="${failing.length ? 'fail' : 'pass'}">${esc(summary)}${result.strict ? ' (strict: an inconclusive cell fails)' : ''}</p>` +
    failBlock +
    '<table><thead><tr><th>#</th><th>where</th><th>expected</th><th>met</th><th>failed</th><th>unjudged</th><th>n/a</th><th>why</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** A case with its counts, a chip per repetition, and what each repetition came to and why; `notes` (HTML) after the counts. */
function repeatedEntry(result: RunResult, e: RepeatedEntry<{ caseId: string }>, cls: string, notes = ''): string {
  const chips = e.cells.map((c) => cellRef(c, `r${c.rep} ${repOutcome(c)}`)).join('');
  const reps = e.cells.map((c) => `<li>rep ${esc(c.rep)} <code>${esc(c.id)}</code>: ${esc(repDetail(c))}</li>`).join('');
  return `<div class="${cls}"><b>${esc(caseName(result, e.cells[0]!))}</b> <span class="muted">case <code>${esc(e.entry.caseId)}</code></span>: ${esc(`${e.counts}${e.rate ? `; ${e.rate}` : ''}`)}${notes}<br>${chips}<ul>${reps}</ul></div>`;
}

/**
 * After the failing expectations, because a flaky case fails the run as they do; only when some
 * case ran more than once (then "none" is a finding too).
 */
function flakySection(result: RunResult): string {
  if (!determinismChecked(result)) return '';
  const flaky = flakyEntries(result);
  const varies = signalVariesEntries(result);
  const others = otherRatesLine(result);
  const head =
    (flaky.length ? `<p class="fail">${esc(flakyHeadline(result))}</p><p>${esc(FLAKY_RULE)}</p>` : `<p class="pass">${esc(flakyHeadline(result))}</p>`) +
    (others ? `<p class="muted">Repeated cases: ${esc(others)}.</p>` : '');
  return (
    `<section id="flaky"><h2>Flaky</h2>${head}${flaky.map((e) => repeatedEntry(result, e, 'failing')).join('')}` +
    (varies.length
      ? `<h3>Signal varies (not failing)</h3><p class="muted">${esc(SIGNAL_VARIES_RULE)}</p>${varies.map((e) => repeatedEntry(result, e, 'varies')).join('')}`
      : '') +
    '</section>'
  );
}

/**
 * After Flaky, as they do not fail the run: every declared race that ran more than once, with how
 * often it survived, why it races, and each repetition.
 */
function racesSection(result: RunResult): string {
  const races = raceEntries(result);
  if (!races.length) return '';
  const notes = (e: (typeof races)[number]) =>
    (e.flaky ? ' <a class="flaky-badge" href="#flaky">flaky</a> <span class="fail">a repetition was not judged</span>' : '') +
    e.why.map((w) => `<br><span class="muted">why: ${esc(w)}</span>`).join('');
  return `<section id="races"><h2>Races</h2><p>${esc(RACE_RULE)}</p>${races.map((e) => repeatedEntry(result, e, 'race', notes(e))).join('')}</section>`;
}

/** The article's claims: verdict, condition and the evidence cells, each opening its detail view. */
export function claimsSection(result: RunResult): string {
  if (!result.claims) return '';
  const verdictClass = { CONFIRMED: 'pass', REFUTED: 'fail', CONDITIONAL: 'cond', UNDECIDED: 'undecided' } as const;
  const rows = claimRows(result).map(({ outcome: o, evidence }) => {
    const links = evidence.map((id) => `<a href="${cellHref(id)}">${esc(id)}</a>`).join(' ');
    return (
      `<tr><td>${esc(o.claim.id)}</td><td>${esc(claimWithSource(o.claim, result))}</td><td class="${verdictClass[o.verdict]}"><b>${esc(o.verdict)}</b></td>` +
      `<td>${esc(o.condition)}</td><td>${esc(o.claim.explain || '—')}</td><td class="evidence">${links}</td></tr>`
    );
  });
  const untestable = result.claims.untestable.map((u) => `<li>${esc(u.claim)} — not tested: ${esc(u.why)}</li>`).join('');
  const legend = Object.entries(CLAIM_VERDICT_LEGEND).map(([v, t]) => `<li><b>${esc(v)}</b>: ${esc(t)}</li>`).join('');
  return (
    `<section id="claims"><h2>Claims of ${esc(result.claims.article)}: ${esc(result.claims.title)}</h2><p>${esc(claimCounts(result))}</p>` +
    '<table><thead><tr><th>#</th><th>claim (paraphrased)</th><th>verdict</th><th>when</th><th>what was measured</th><th>evidence cells</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>` +
    (untestable ? `<p>Not testable by this harness:</p><ul>${untestable}</ul>` : '') +
    `<ul class="legend-list">${legend}</ul></section>`
  );
}

/** Only the cases whose outcome differs between stacks: the view someone moving distros or implementations reads. */
function acrossTargetsSection(result: RunResult): string {
  const views = compareViews(result);
  if (!views.length) return '';
  const targets = views[0]!.columns;
  const short = shortColumnNames(targets);
  const { compared, differ } = comparedCounts(views);
  const rows = differences(views).map((d) => {
    const per = targets.map((_, i) => {
      const cells = cellsOn(d.slot, i);
      const slot = d.slot.byColumn[i];
      if (!cells.length || !slot) return '<td class="muted">not run</td>';
      return `<td>${esc(slotOutcome(slot, 'long'))}<br>${cells.map((c) => cellRef(c, `${short[i]} r${c.rep}`)).join('')}</td>`;
    });
    return `<tr><td>${esc(rowLabel(d.key))}</td><td>${esc(d.sever)}</td><td>${esc(axisPairs(d.combo) || '—')}</td>${per.join('')}</tr>`;
  });
  const noun = columnsNoun(views[0]!);
  const intro = `${differ} of ${plural(compared, 'case')} run on more than one ${noun.one} differ${differ === 1 ? 's' : ''} (verdict and signal compared, not times).`;
  return (
    `<section id="across"><h2>Across ${esc(noun.many)}: differences only</h2><p>${esc(intro)}</p>` +
    (rows.length
      ? `<table class="diffs"><thead><tr><th>session / launch / workload</th><th>sever</th><th>axes</th>${targets.map((t) => `<th>${esc(t)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p>No case differs.</p>') +
    '</section>'
  );
}

function latencySection(result: RunResult): string {
  const lt = latencyTable(result);
  const single = singleCasesText(result, lt, 'the heatmaps have their outcomes and times');
  const head = `<h2>Detection latency</h2><p class="muted">From the moment the network path broke to the moment each side noticed (server: the per-session sshd ended; client: the local ssh exited); min / median / max over the repetitions of cases that ran more than once.</p>`;
  if (!lt.cases.length) return `<section id="latency">${head}<p>${esc(single ?? 'No case measured a detection.')}</p></section>`;
  const rows = lt.cases.map((c) => {
    const [label, ...rest] = latencyRow(c, lt.labelAxes);
    const reps = c.cells.map((cell) => cellRef(cell, `r${cell.rep}`)).join('');
    return `<tr><td>${esc(label ?? '')}<br>${reps}</td>${rest.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`;
  });
  const readings = lt.cases.map((c) => `<li><b>${esc(latencyRow(c, lt.labelAxes)[0] ?? '')}</b>: ${esc(caseReading(c))}</li>`);
  return (
    `<section id="latency">${head}` +
    (lt.common.length ? `<p>All cases below: ${esc(axisPairs(lt.common))}.</p>` : '') +
    (single ? `<p class="muted">${esc(single)}</p>` : '') +
    `<table><thead><tr>${LATENCY_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>` +
    `<ul>${readings.join('')}</ul></section>`
  );
}

function checksSection(result: RunResult): string {
  const summaries = checkSummaries(result);
  if (!summaries.length) return '<section id="checks"><h2>Checks</h2><p class="muted">No cell asked a check.</p></section>';
  const repeated = repeatedCases(result.cells);
  const rows = summaries.map((s) => {
    const entries = s.entries.map(({ cell, check }) => {
      const o = checkOutcome(check);
      return `<li><span class="${o === 'passed' ? 'pass' : o === 'failed' ? 'fail' : 'muted'}">${esc(o)}</span> ${cellRef(cell, caseLabel(cell, [], ' / ', repeated.has(cell.caseId)))}${check.atMs === null ? '' : ` (${esc(offset(check.atMs))})`}: ${esc(check.detail)}</li>`;
    });
    return (
      `<tr><td>${esc(s.name)}</td><td>${s.passed}</td><td${s.failed ? ' class="fail"' : ''}>${s.failed}</td><td>${s.unknown}</td>` +
      `<td><details><summary>${esc(plural(s.entries.length, 'answer'))}</summary><ul>${entries.join('')}</ul></details></td></tr>`
    );
  });
  return (
    '<section id="checks"><h2>Checks</h2><table><thead><tr><th>check</th><th>passed</th><th>failed</th><th>unknown</th><th>cells</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function serversSection(result: RunResult): string {
  const blocks = fingerprintsInOrder(result).map((fp) => {
    const rows = fingerprintRows(result, fp);
    const sshd = Object.entries(fp.sshdEffective).map(([k, v]) => `${k} ${v}`);
    const mismatches = configMismatches(fp).map((m) => `<li class="fail">config mismatch: ${esc(m)}</li>`);
    return (
      `<section class="server" id="${esc(serverAnchor(fp.key))}"><h3>${esc(fp.name)} · ${esc(axisPairs(configPairs(fp)))}</h3>` +
      `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v || '—')}</td></tr>`).join('')}</table>` +
      (mismatches.length ? `<ul>${mismatches.join('')}</ul>` : '') +
      `<details><summary>Effective sshd -T (${sshd.length} selected lines)</summary><pre>${esc(sshd.join('\n'))}</pre></details></section>`
    );
  });
  const missing = serversWithoutFingerprint(result).map((k) => `<p class="muted">No fingerprint recorded for server ${esc(k)}.</p>`);
  return `<section id="servers"><h2>Servers</h2>${blocks.join('')}${missing.join('')}</section>`;
}

function details(result: RunResult): string {
  const repeated = repeatedCases(result.cells);
  // Every cell, in reading order; also one a heatmap could not place still gets its view.
  const cells = targetNames(result).flatMap((t) => matrixViews(result, t).flatMap(cellsInOrder));
  const placed = new Set(cells);
  const rest = result.cells.filter((c) => !placed.has(c));
  return `<section id="cells">${[...cells, ...rest].map((c) => cellDetail(result, c, repeated)).join('')}</section>`;
}

export function renderHtml(result: RunResult): string {
  const title = `hangup-lab: ${result.scenario.name}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: the report is a file, and its data is untrusted.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    header(result),
    toc(result),
    expectationsSection(result),
    flakySection(result),
    racesSection(result),
    claimsSection(result),
    acrossTargetsSection(result),
    heatmapsSection(result),
    latencySection(result),
    checksSection(result),
    serversSection(result),
    details(result),
    `</main><script>${SCRIPT}</script></body></html>`,
    '',
  ].join('\n');
}

export const html: Reporter = {
  name: 'html',
  fileName: 'report.html',
  summary: 'a self-contained HTML report (heatmaps, filters, a detail view per cell with timeline and process tree); opens from file://',
  render: renderHtml,
};
