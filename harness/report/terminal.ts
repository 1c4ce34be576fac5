import type { CellResult, RunResult, TargetFingerprint, Verdict } from '../results.js';
import { axisPairs, axisValues, fixedExtraAxes, networkPathsText, varyingExtraAxes } from './axes.js';
import { checkCountsText, checkSummaries } from './checks.js';
import {
  configMismatches,
  configPairs,
  fingerprintOneLiner,
  fingerprintsInOrder,
  opensshRelease,
  serversWithoutFingerprint,
} from './fingerprint.js';
import { oneLine, plural, seconds } from './format.js';
import { LATENCY_COLUMNS_TIGHT, caseReadings, latencyRow, latencyTable, singleCasesText } from './latency.js';
import {
  CHECK_MARKER_LEGEND,
  COMPACT_LEGEND,
  caseLabel,
  cellLabel,
  cellsInOrder,
  checkMarker,
  matrixViews,
  reasonText,
  repeatedCases,
  rowLabel,
  slotOutcome,
  targetNames,
  verdictCounts,
  viewTitle,
  type CellStyle,
  type MatrixView,
  type Slot,
} from './matrix-view.js';
import { columnsNoun, compareViews, comparedCounts, differences, shortColumnNames, type CompareView } from './compare.js';
import { failingCells, summaryText } from './expectations.js';
import { claimCounts, claimRows, claimWithSource } from './claims.js';
import { setupSummary } from './setup.js';
import { caseName, determinismChecked, flakyEntries, repOutcome, signalVariesEntries } from './flaky.js';
import { otherRatesLine, raceEntries } from './rates.js';
import type { Reporter } from './types.js';

const ANSI = { green: 32, red: 31, yellow: 33, magenta: 35, cyan: 36, dim: 2 } as const;
type Colour = keyof typeof ANSI;

const VERDICT_COLOUR: Record<Verdict, Colour> = {
  survived: 'green',
  killed: 'red',
  exited: 'yellow',
  'session-open': 'yellow',
  'not-applicable': 'dim',
  inconclusive: 'magenta',
};
/** Repetitions that disagree get a colour of their own: no single verdict's colour would be true. */
const MIXED_COLOUR: Colour = 'cyan';

const GUTTER = '  ';
/** Beyond this many columns a matrix wraps in most terminals; then cells use the compact codes. */
const MAX_WIDTH = 120;

/** Text plus the colour it is shown in; widths are always measured on the plain text. */
interface Span {
  text: string;
  colour?: Colour;
}

function paint(span: Span, color: boolean): string {
  return color && span.colour ? `\x1b[${ANSI[span.colour]}m${span.text}\x1b[0m` : span.text;
}

function slotSpan(slot: Slot | undefined, style: CellStyle): Span {
  const text = slotOutcome(slot, style) + checkMarker(slot);
  if (!slot) return { text, colour: 'dim' };
  const verdicts = new Set(slot.cells.map((c) => c.verdict));
  return { text, colour: verdicts.size === 1 ? VERDICT_COLOUR[slot.cells[0]!.verdict] : MIXED_COLOUR };
}

/** Pads outside the escape codes, so coloured and plain tables line up the same way. */
function renderTable(rows: Span[][], color: boolean): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((s, i) => (widths[i] = Math.max(widths[i] ?? 0, s.text.length)));
  return rows.map((row) =>
    row
      .map((s, i) => paint(s, color) + ' '.repeat((widths[i] ?? 0) - s.text.length))
      .join(GUTTER)
      .trimEnd(),
  );
}

function withRule(header: Span[], body: Span[][]): Span[][] {
  return [header, header.map((s) => ({ text: '-'.repeat(s.text.length) })), ...body];
}

/**
 * "prefix a · b · c" broken at the separators so no line passes MAX_WIDTH; continuation lines are
 * indented by two spaces. An item longer than a line stays whole.
 */
function wrapList(prefix: string, items: readonly string[], separator = ' · '): string[] {
  const lines: string[] = [];
  let line = prefix;
  let fresh = true;
  for (const item of items) {
    const next = fresh ? line + item : line + separator + item;
    if (!fresh && next.length > MAX_WIDTH) {
      lines.push(line + separator.trimEnd());
      line = '  ' + item;
    } else line = next;
    fresh = false;
  }
  return [...lines, line];
}

// ---- Compact layout, for runs with many sever columns ----

/** "client-kill" → "c-kill", "nat-expiry:10" → "n-expiry:10": the last word keeps it readable. */
function abbreviate(sever: string): string {
  const i = sever.indexOf(':');
  const [name, param] = i < 0 ? [sever, ''] : [sever.slice(0, i), sever.slice(i)];
  const words = name.split('-');
  return words.length < 2 ? sever : [...words.slice(0, -1).map((w) => w.slice(0, 1)), words.at(-1)].join('-') + param;
}

/** Column abbreviations for the whole run; a clash keeps both names whole rather than guess. */
function columnNames(result: RunResult): Map<string, string> {
  const severs = axisValues(result, 'sever');
  const short = severs.map(abbreviate);
  return new Map(severs.map((s, i) => [s, short.filter((x) => x === short[i]).length > 1 ? s : short[i]!]));
}

interface Layout {
  style: CellStyle;
  columns: Map<string, string>;
}

function matrixRows(view: MatrixView, layout: Layout): Span[][] {
  const header: Span[] = [
    { text: 'session/launch/workload' },
    ...view.severs.map((s) => ({ text: layout.columns.get(s) ?? s })),
  ];
  const body = view.rows.map((row) => [{ text: rowLabel(row.key, '/') }, ...row.slots.map((s) => slotSpan(s, layout.style))]);
  return withRule(header, body);
}

/** Words where the matrices fit in MAX_WIDTH, codes (and short column names) where they do not. */
function chooseLayout(result: RunResult, views: MatrixView[]): Layout {
  const wide: Layout = { style: 'short', columns: new Map() };
  const fits = views.every((v) => renderTable(matrixRows(v, wide), false).every((l) => l.length <= MAX_WIDTH));
  return fits ? wide : { style: 'compact', columns: columnNames(result) };
}

// ---- Several targets side by side ----

const DIFFERS_COLOUR: Colour = 'yellow';

function compareRows(view: CompareView, layout: Layout): Span[][] {
  const header: Span[] = [{ text: 'session/launch/workload' }, ...view.severs.map((s) => ({ text: layout.columns.get(s) ?? s }))];
  const body = view.rows.map((row) => [
    { text: rowLabel(row.key, '/') },
    ...row.slots.map((slot): Span => {
      if (!slot) return { text: '-', colour: 'dim' };
      if (!slot.differs) {
        // One outcome stands for every target, but the check marker must cover them all: taken from
        // the first target alone, a check that failed only on another one vanished from the view.
        const first = slot.byColumn.find((x) => x !== undefined)!;
        const all = { caseId: first.caseId, cells: slot.byColumn.flatMap((x) => x?.cells ?? []) };
        const span = slotSpan(first, layout.style);
        return { ...span, text: slotOutcome(first, layout.style) + checkMarker(all) };
      }
      // Compact codes keep three targets in one column: "≠ HUP|surv|surv".
      return { text: `≠ ${slot.byColumn.map((x) => (x ? slotOutcome(x, 'compact') : '-')).join('|')}`, colour: DIFFERS_COLOUR };
    }),
  ]);
  return withRule(header, body);
}

/** The columns grouped by what they saw, in first-seen order: "survived: a, b · open: c" (12 stacks in one line). */
function byOutcome(slots: readonly (Slot | undefined)[], names: readonly string[]): string {
  const groups = new Map<string, string[]>();
  slots.forEach((x, i) => {
    const outcome = x ? slotOutcome(x, 'short') : 'not run';
    groups.set(outcome, [...(groups.get(outcome) ?? []), names[i]!]);
  });
  return [...groups].map(([outcome, cols]) => `${outcome}: ${cols.join(', ')}`).join(' · ');
}

function compareSection(result: RunResult, views: CompareView[], perTarget: MatrixView[], layout: Layout, color: boolean): string[] {
  const repeated = repeatedCases(result.cells);
  const attention = perTarget.flatMap((v) => {
    const lines = attentionLines(v, repeated);
    return lines.length ? [[viewTitle(v), ...lines].join('\n')] : [];
  });
  const short = shortColumnNames(views[0]!.columns);
  const { compared, differ } = comparedCounts(views);
  const diffs = differences(views);
  const sections = views.map((v) => {
    const title = v.combo.length ? wrapList('', axisPairs(v.combo).split(' · ')) : [];
    return [...title, ...renderTable(compareRows(v, layout), color)].join('\n');
  });
  const head = [
    `side by side: ${views[0]!.columns.join(' · ')}`,
    `${differ} of ${plural(compared, 'case')} differ between ${columnsNoun(views[0]!).many}${differ ? ` (≠ a|b|c = outcomes on ${short.join('|')})` : ''}; details in report.md`,
  ];
  const list = diffs.length
    ? [
        'differences:',
        ...diffs.map(
          (d) =>
            `  ${rowLabel(d.key, '/')} × ${d.sever}${d.combo.length ? ` [${axisPairs(d.combo)}]` : ''}: ` +
            (short.length > 3 ? byOutcome(d.slot.byColumn, short) : d.slot.byColumn.map((x, i) => `${short[i]} ${x ? slotOutcome(x, 'short') : '-'}`).join(' · ')),
        ),
      ]
    : [];
  return [head.join('\n'), ...sections, ...(list.length ? [list.join('\n')] : []), ...attention];
}

// ---- Sections ----

/** One line per claim: id, verdict, condition; the full text is in report.md. */
export function claimLines(result: RunResult): string[] {
  if (!result.claims) return [];
  const rows = claimRows(result);
  const width = Math.max(...rows.map((r) => r.outcome.claim.id.length));
  return [
    `claims of ${result.claims.article}: ${claimCounts(result)}`,
    ...rows.flatMap(({ outcome: o, evidence }) => [
      `  ${o.claim.id.padEnd(width)}  ${o.verdict.padEnd(11)}  ${oneLine(claimWithSource(o.claim, result))}`,
      `  ${' '.repeat(width)}  ${' '.repeat(11)}  ${oneLine(o.condition)}; cells ${evidence.slice(0, 4).join(' ')}${evidence.length > 4 ? ' …' : ''}`,
    ]),
    ...result.claims.untestable.map((u) => `  not tested: ${oneLine(u.claim)} (${oneLine(u.why)})`),
  ];
}

function expectationLines(result: RunResult): string[] {
  if (!result.expectations.length) return [];
  const failing = failingCells(result);
  const repeated = repeatedCases(result.cells);
  return [
    `expectations: ${summaryText(result)}`,
    ...failing.flatMap(({ cell, lines }) => [
      `  ✗ ${cell.target} ${caseLabel(cell, varyingExtraAxes(result), '/', repeated.has(cell.caseId))} (${cell.id})`,
      ...lines.map((l) => `      ${oneLine(l)}`),
    ]),
  ];
}

/**
 * The flaky cases near the top, like failing cells: each with its verdict counts and what every
 * repetition came to; then the cases whose signal varied, which do not fail the run.
 */
function flakyLines(result: RunResult): string[] {
  const flaky = flakyEntries(result);
  const varies = signalVariesEntries(result);
  const name = (cell: CellResult) => caseName(result, cell, '/', ' ');
  return [
    ...(flaky.length
      ? [
          `flaky: ${plural(flaky.length, 'case')} whose repetitions disagree on the verdict (fails the run; an inconclusive repetition counts):`,
          ...flaky.flatMap((f) => [`  ~ ${name(f.cells[0]!)}: ${f.counts}`, ...(f.rate ? [`      ${f.rate}`] : []), ...repLines(f.cells)]),
        ]
      : []),
    ...(varies.length
      ? [
          `signal varies: ${plural(varies.length, 'case')} killed every time, but not by the same signal (not failing):`,
          ...varies.map((v) => `  ${name(v.cells[0]!)}: ${v.counts}`),
        ]
      : []),
  ];
}

/** "r1 survived · r2 killed SIGHUP at +5.65 s · …", wrapped under a case. */
function repLines(cells: readonly CellResult[]): string[] {
  return wrapList('      ', cells.map((c) => `r${c.rep} ${repOutcome(c)}`));
}

/**
 * After the flaky cases, as neither fails the run: each declared race with how often it survived
 * and why it races, then one line for the other cases that ran more than once.
 */
function rateLines(result: RunResult): string[] {
  const races = raceEntries(result);
  const others = otherRatesLine(result);
  return [
    ...(races.length
      ? [
          `races: ${plural(races.length, 'case')} declared to race in the system under test (a rate, not failing while every repetition is judged):`,
          ...races.flatMap((e) => [
            `  ≈ ${caseName(result, e.cells[0]!, '/', ' ')}${e.flaky ? ' (flaky: a repetition was not judged)' : ''}`,
            `      ${e.counts}`,
            ...(e.why.length ? wrapList('      why: ', e.why.map(oneLine), '; ') : []),
            ...repLines(e.cells),
          ]),
        ]
      : []),
    ...(others ? wrapList('repeats: ', others.split('; '), '; ') : []),
  ];
}

/** The run's verdict, last: when it has expectations, or repeated a case (so it checked determinism). */
function statusLine(result: RunResult): string | null {
  if (result.expectations.length) return `expectations: ${summaryText(result)}`;
  return determinismChecked(result) ? `result: ${summaryText(result)}` : null;
}

function countsLine(view: MatrixView): string {
  const counts = verdictCounts(cellsInOrder(view)).map(([v, n]) => `${v} ${n}`);
  return `counts: ${counts.length ? counts.join(', ') : 'no cells'}`;
}

/**
 * Inconclusive cells are the ones a human must look at, so each gets its reason spelled out. Cells
 * that share a reason are listed under it once, one line per matrix row, instead of repeating it.
 */
function attentionLines(view: MatrixView, repeated: Set<string>): string[] {
  const inconclusive = cellsInOrder(view).filter((c) => c.verdict === 'inconclusive');
  if (!inconclusive.length) return [];
  const byReason = new Map<string, CellResult[]>();
  for (const c of inconclusive) {
    const reason = reasonText(c.reason);
    byReason.set(reason, [...(byReason.get(reason) ?? []), c]);
  }
  const items = [...byReason].flatMap(([reason, cells], i) => {
    if (cells.length === 1) return [`  ${i + 1}. ${cellLabel(cells[0]!, '/', repeated.has(cells[0]!.caseId))}: ${reason}`];
    const rows = new Map<string, string[]>();
    for (const c of cells) {
      const row = rowLabel(c, '/');
      const sever = c.sever + (repeated.has(c.caseId) ? ` (rep ${c.rep})` : '');
      rows.set(row, [...(rows.get(row) ?? []), sever]);
    }
    return [`  ${i + 1}. ${plural(cells.length, 'cell')}: ${reason}`, ...[...rows].map(([row, severs]) => `       ${row} × ${severs.join(', ')}`)];
  });
  return [`inconclusive, needs attention (${inconclusive.length}):`, ...items];
}

function matrixSection(view: MatrixView, layout: Layout, repeated: Set<string>, color: boolean): string {
  const title = wrapList('', viewTitle(view).split(' · '));
  return [...title, ...renderTable(matrixRows(view, layout), color), countsLine(view), ...attentionLines(view, repeated)].join('\n');
}

function latencySection(result: RunResult): string[] {
  const table = latencyTable(result);
  const single = singleCasesText(result, table, 'see the matrices');
  if (!table.cases.length) return single ? [`detection latency: ${single}`] : [];
  const body = table.cases.map((c) => latencyRow(c, table.labelAxes, true).map((text) => ({ text })));
  // One line per reading: a case's readings together would not fit a terminal line.
  const readings = table.cases.flatMap((c) => [
    `  ${caseLabel(c.cells[0]!, table.labelAxes, '/')}, CA ${c.server.setting}, SA ${c.client.setting}:`,
    ...caseReadings(c).map((r) => `    ${r}`),
  ]);
  return [
    [
      'detection latency in seconds, from the path breaking to each side noticing: min/median/max over the repetitions',
      '(CA/SA: ClientAlive/ServerAlive; broke: repetitions in which the path broke; none: of those, the ones in which',
      ' that side had not noticed when the window closed; pred: Interval×CountMax / (CountMax+1)×Interval)',
      ...(single ? [single] : []),
      ...(table.common.length ? wrapList('all cases below: ', table.common.map(([a, v]) => `${a}=${v}`)) : []),
      ...renderTable(withRule(LATENCY_COLUMNS_TIGHT.map((text) => ({ text })), body), false),
      ...readings,
    ].join('\n'),
  ];
}

function checksLine(result: RunResult): string[] {
  const summaries = checkSummaries(result);
  return summaries.length ? [`checks: ${summaries.map(checkCountsText).join(' · ')}`] : [];
}

function legendLines(layout: Layout, views: MatrixView[]): string[] {
  const slots = views.flatMap((v) => v.rows.flatMap((r) => r.slots));
  const lines: string[] = [];
  if (layout.style === 'compact') {
    lines.push(...wrapList('legend: ', COMPACT_LEGEND.split(' · ')));
    const renamed = [...layout.columns].filter(([full, short]) => full !== short);
    if (renamed.length) lines.push(...wrapList('columns: ', renamed.map(([full, short]) => `${short} = ${full}`)));
  }
  if (slots.some((s) => s && s.cells.length > 1)) lines.push('N× = N repetitions of one case; "a / b" = they disagreed');
  if (slots.some((s) => checkMarker(s) !== '')) lines.push(`${CHECK_MARKER_LEGEND} (report.md: Checks)`);
  return lines;
}

/**
 * One line per server, or, when a target ran under several configurations, one line for them all:
 * their settings are in the matrix titles already. A config the server did not take is flagged
 * under it, named by the settings that tell the configurations apart.
 */
function serverLines(result: RunResult): string[] {
  const groups = new Map<string, TargetFingerprint[]>();
  for (const fp of fingerprintsInOrder(result)) {
    const key = JSON.stringify([fp.name, opensshRelease(fp)]);
    groups.set(key, [...(groups.get(key) ?? []), fp]);
  }
  return [...groups.values()].flatMap((fps) => {
    if (fps.length === 1)
      return [...wrapList('', `server ${fingerprintOneLiner(fps[0]!)}`.split(' · ')), ...configMismatches(fps[0]!).map((m) => `  ! ${m}`)];
    const first = fps[0]!;
    const varying = configPairs(first)
      .map(([axis]) => axis)
      .filter((_, i) => new Set(fps.map((fp) => configPairs(fp)[i]![1])).size > 1);
    const release = opensshRelease(first);
    const lead = `servers ${first.name}: ${release ? `${release} · ` : ''}${fps.length} configurations`;
    const head = varying.length ? wrapList(`${lead} varying `, varying, ', ') : [lead];
    const flagged = fps.flatMap((fp) => {
      const which = axisPairs(configPairs(fp).filter(([axis]) => varying.includes(axis)));
      return configMismatches(fp).map((m) => `  ! ${which ? `${which}: ` : ''}${m}`);
    });
    return [...head, ...flagged];
  });
}

function headerLines(result: RunResult): string[] {
  const fixed = fixedExtraAxes(result);
  const paths = networkPathsText(result);
  const unknown = serversWithoutFingerprint(result).map((k) => `server ${k}: no fingerprint recorded`);
  return [
    `hangup-lab: ${oneLine(result.scenario.name)} — ${plural(result.cells.length, 'cell')} in ${seconds(result.durationMs)}` +
      (result.repeat > 1 ? `, ${result.repeat} repeats per case` : '') +
      (result.shard ? ` (shard ${result.shard.index}/${result.shard.count} of ${result.plan.length} cells)` : ''),
    ...(fixed.length ? wrapList('fixed: ', fixed.map(([a, v]) => `${a}=${v}`)) : []),
    ...(result.sshdConfig ? [`sshd config: ${result.sshdConfig.file} (${result.sshdConfig.lines} lines, sha256 ${result.sshdConfig.sha256.slice(0, 12)}), after the harness drop-in`] : []),
    ...(paths ? [`${paths[0]}: ${paths[1]}`] : []),
    ...serverLines(result),
    ...unknown,
  ];
}

export const terminal: Reporter = {
  name: 'terminal',
  fileName: null,
  summary: 'the verdict matrices, detection latencies and checks, for reading in a terminal',
  render(result, opts = {}) {
    const color = opts.color ?? false;
    const repeated = repeatedCases(result.cells);
    const views = targetNames(result).flatMap((t) => matrixViews(result, t));
    const compared = compareViews(result);
    const layout = chooseLayout(result, views);
    const expectations = expectationLines(result);
    const flaky = flakyLines(result);
    const rates = rateLines(result);
    const status = statusLine(result);
    const sections = [
      headerLines(result).join('\n'),
      // Failing cells and flaky cases first, so a CI log shows them without scrolling; the summary
      // closes the output too.
      ...(expectations.length > 1 ? [expectations.join('\n')] : []),
      ...(flaky.length ? [flaky.join('\n')] : []),
      ...(rates.length ? [rates.join('\n')] : []),
      ...(result.claims ? [claimLines(result).join('\n')] : []),
      ...(compared.length ? compareSection(result, compared, views, layout, color) : views.map((v) => matrixSection(v, layout, repeated, color))),
      ...latencySection(result),
      [...checksLine(result), ...legendLines(layout, views)].join('\n'),
      ...((line: string | null) => (line ? [`setup: ${line}`] : []))(setupSummary(result)),
      ...(status ? [status] : []),
    ].filter((s) => s !== '');
    return sections.join('\n\n') + '\n';
  },
};
