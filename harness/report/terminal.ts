import type { CellResult, RunResult, Verdict } from '../results.js';
import {
  cellLabel,
  cellsInOrder,
  findTarget,
  fingerprintOneLiner,
  matrixView,
  oneLine,
  plural,
  rowLabel,
  seconds,
  shortCellText,
  targetNames,
  verdictCounts,
  type MatrixView,
} from './matrix-view.js';
import type { Reporter } from './types.js';

const ANSI = { green: 32, red: 31, yellow: 33, magenta: 35, dim: 2 } as const;
type Colour = keyof typeof ANSI;

const VERDICT_COLOUR: Record<Verdict, Colour> = {
  survived: 'green',
  killed: 'red',
  exited: 'yellow',
  'session-open': 'yellow',
  'not-applicable': 'dim',
  inconclusive: 'magenta',
};

const GUTTER = '  ';

/** Text plus the colour it is shown in; widths are always measured on the plain text. */
interface Span {
  text: string;
  colour?: Colour;
}

function paint(span: Span, color: boolean): string {
  return color && span.colour ? `\x1b[${ANSI[span.colour]}m${span.text}\x1b[0m` : span.text;
}

function cellSpan(cell: CellResult | undefined): Span {
  return { text: shortCellText(cell), colour: cell ? VERDICT_COLOUR[cell.verdict] : 'dim' };
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

function tableRows(view: MatrixView): Span[][] {
  const header: Span[] = [{ text: 'session/launch/workload' }, ...view.severs.map((text) => ({ text }))];
  const rule = header.map((s) => ({ text: '-'.repeat(s.text.length) }));
  const body = view.rows.map((row) => [{ text: rowLabel(row.key, '/') }, ...row.cells.map(cellSpan)]);
  return [header, rule, ...body];
}

function countsLine(cells: CellResult[]): string {
  const counts = verdictCounts(cells).map(([v, n]) => `${v} ${n}`);
  return `counts: ${counts.length ? counts.join(', ') : 'no cells'}`;
}

/** Inconclusive cells are the ones a human must look at, so each gets its reason spelled out. */
function attentionLines(cells: CellResult[]): string[] {
  const inconclusive = cells.filter((c) => c.verdict === 'inconclusive');
  if (!inconclusive.length) return [];
  return [
    `inconclusive, needs attention (${inconclusive.length}):`,
    ...inconclusive.map((c, i) => `  ${i + 1}. ${cellLabel(c, '/')}: ${oneLine(c.reason) || '(no reason recorded)'}`),
  ];
}

function targetSection(result: RunResult, target: string, color: boolean): string[] {
  const view = matrixView(result, target);
  const cells = cellsInOrder(view);
  return [target, ...renderTable(tableRows(view), color), countsLine(cells), ...attentionLines(cells)];
}

function headline(result: RunResult): string {
  const fingerprints = targetNames(result).map((n) => fingerprintOneLiner(n, findTarget(result, n)));
  const size = `${plural(result.cells.length, 'cell')} in ${seconds(result.durationMs)}`;
  return [`hangup-lab: ${result.scenario.name}`, ...fingerprints, size].join(' — ');
}

export const terminal: Reporter = {
  name: 'terminal',
  fileName: null,
  summary: 'one verdict matrix per target, for reading in a terminal',
  render(result, opts = {}) {
    const color = opts.color ?? false;
    const sections = targetNames(result).map((t) => targetSection(result, t, color).join('\n'));
    return [headline(result), ...sections].join('\n\n') + '\n';
  },
};
