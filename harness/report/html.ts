// The HTML report: one self-contained file (inline CSS and JS, no network, opens from file://).
// The first screen holds what a reader came for: a few lines of what happened (html/summary.ts)
// and the heatmaps (html/heatmap.ts); then expectations, flaky cases, races, claims, the
// differences across targets, detection latency, checks, the servers, and a detail view for every
// cell (#cell-<id>). Rendered server-side, so everything but the filters and the terminal replay
// works without JavaScript. A pure function of the RunResult, like every report; all text from it
// is escaped (html/escape.ts).

import type { RunResult } from '../results.js';
import { axisPairs, networkPathsText, varyingExtraAxes } from './axes.js';
import { checkOutcome, checkSummaries } from './checks.js';
import { cellsOn, columnsNoun, compareViews, comparedCounts, differences, shortColumnNames } from './compare.js';
import { expectationRows, expectedText, failingCells, summaryText, whereText } from './expectations.js';
import { configMismatches, configPairs, fingerprintRows, fingerprintsInOrder, serversWithoutFingerprint } from './fingerprint.js';
import { offset, plural, seconds } from './format.js';
import { LATENCY_COLUMNS, caseReading, latencyRow, latencyTable, singleCasesText } from './latency.js';
import { sshdConfigLine } from './markdown.js';
import { caseLabel, cellsInOrder, matrixViews, repeatedCases, rowLabel, slotOutcome, targetNames } from './matrix-view.js';
import { cellDetail } from './html/cell-detail.js';
import { cellRef } from './html/cell-link.js';
import { cellHref, esc, serverAnchor } from './html/escape.js';
import { heatmapsSection } from './html/heatmap.js';
import { SCRIPT } from './html/script.js';
import { CSS } from './html/style.js';
import { summarySection } from './html/summary.js';
import { CLAIM_VERDICT_LEGEND, claimCounts, claimRows, claimWithSource } from './claims.js';
import {
  FLAKY_RULE,
  SIGNAL_VARIES_RULE,
  caseName,
  determinismChecked,
  flakyEntries,
  flakyHeadline,
  repDetail,
  repOutcome,
  signalVariesEntries,
  type RepeatedEntry,
} from './flaky.js';
import { RACE_RULE, otherRatesLine, raceEntries } from './rates.js';
import type { Reporter } from './types.js';

// ---- Run-wide sections ----

/** The title and one line of facts; what the run found follows at once (summary, heatmaps). */
function header(result: RunResult): string {
  const facts = [
    `started ${result.startedAt}`,
    `took ${seconds(result.durationMs)}`,
    `${result.tool.name} ${result.tool.version}`,
  ];
  return (
    `<header><h1>hangup-lab: ${esc(result.scenario.name)}</h1>` +
    (result.scenario.description ? `<p>${esc(result.scenario.description)}</p>` : '') +
    `<p class="facts">scenario <code>${esc(result.scenario.file)}</code> · ${esc(facts.join(' · '))}</p></header>`
  );
}

/** The sections after the heatmaps (which follow right below), those this run has, in page order. */
function toc(result: RunResult): string {
  const links: [string, string][] = [
    ...(result.expectations.length ? [['expectations', 'Expectations'] as [string, string]] : []),
    ...(determinismChecked(result) ? [['flaky', 'Flaky'] as [string, string]] : []),
    ...(raceEntries(result).length ? [['races', 'Races'] as [string, string]] : []),
    ...(result.claims ? [['claims', 'Claims'] as [string, string]] : []),
    ...((v) => (v ? [['across', `Across ${columnsNoun(v).many}`] as [string, string]] : []))(compareViews(result)[0]),
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
  const paths = networkPathsText(result);
  const setup = [
    `<p class="muted">Run ${esc(result.startedAt)} to ${esc(result.finishedAt)}${result.repeat > 1 ? ` · ${esc(result.repeat)} repeats per case` : ''}.</p>`,
    // The Markdown report's sentence, with its `code` spans made HTML.
    result.sshdConfig ? `<p>${esc(sshdConfigLine(result.sshdConfig)).replace(/`([^`]*)`/g, '<code>$1</code>')}</p>` : '',
    paths ? `<p class="muted">${esc(paths[0])}: ${esc(paths[1])}</p>` : '',
  ];
  return `<section id="servers"><h2>Servers</h2>${setup.join('')}${blocks.join('')}${missing.join('')}</section>`;
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
    // What happened and where, before any explanation: the first screen is for the findings.
    header(result),
    summarySection(result),
    toc(result),
    heatmapsSection(result),
    expectationsSection(result),
    flakySection(result),
    racesSection(result),
    claimsSection(result),
    acrossTargetsSection(result),
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
  summary: 'a self-contained HTML report (summary, heatmaps, filters, a detail view per cell with timeline and process tree); opens from file://',
  render: renderHtml,
};
