// The matrix layout shared by the human-readable reports, so the terminal and Markdown views
// always agree on which cell sits where.

import { VERDICTS, type CellResult, type RunResult, type TargetFingerprint, type Verdict } from '../results.js';

export interface RowKey {
  session: string;
  launch: string;
  workload: string;
}

export interface MatrixRow {
  key: RowKey;
  /** one slot per sever column; undefined when the run has no such cell (e.g. excluded) */
  cells: (CellResult | undefined)[];
}

export interface MatrixView {
  target: string;
  severs: string[];
  rows: MatrixRow[];
}

/** One sentence per verdict, for readers who did not write the harness. */
export const VERDICT_LEGEND: Readonly<Record<Verdict, string>> = {
  survived: 'The probe was still alive when the watch window closed, after the server had ended the session.',
  killed: 'The probe died of a signal; the time is from the sever to its death.',
  exited: 'The probe exited by itself, which it only does at its safety lifetime: a finding, not a pass.',
  'session-open': 'The server had not ended the session when the window closed, so nothing was survived yet.',
  'not-applicable': 'This way of severing cannot apply to this cell; Details gives the reason.',
  inconclusive: 'The harness could not judge this cell (Details gives the reason); never counted as a pass.',
};

type RowAxis = keyof RowKey;
type Axis = RowAxis | 'sever';

/**
 * Declared axis values first (scenario order), then any value only the cells carry: a cell must
 * never vanish from a report just because axes and cells disagree.
 */
function axisValues(result: RunResult, axis: Axis): string[] {
  const values = new Set(result.axes[axis]);
  for (const cell of result.cells) values.add(cell[axis]);
  return [...values];
}

/** Targets with a fingerprint first, then any that only appear in cells. */
export function targetNames(result: RunResult): string[] {
  const names = new Set(result.targets.map((t) => t.name));
  for (const cell of result.cells) names.add(cell.target);
  return [...names];
}

export function findTarget(result: RunResult, name: string): TargetFingerprint | undefined {
  return result.targets.find((t) => t.name === name);
}

/** Rows in session × launch × workload order, the last axis varying fastest. */
export function rowKeys(result: RunResult): RowKey[] {
  const keys: RowKey[] = [];
  for (const session of axisValues(result, 'session'))
    for (const launch of axisValues(result, 'launch'))
      for (const workload of axisValues(result, 'workload')) keys.push({ session, launch, workload });
  return keys;
}

export function matrixSevers(result: RunResult): string[] {
  return axisValues(result, 'sever');
}

// JSON keeps the join unambiguous whatever characters the axis values contain.
function slotKey(key: RowKey, sever: string): string {
  return JSON.stringify([key.session, key.launch, key.workload, sever]);
}

export function matrixRows(result: RunResult, target: string): MatrixRow[] {
  const bySlot = new Map<string, CellResult>();
  for (const cell of result.cells) {
    if (cell.target === target) bySlot.set(slotKey(cell, cell.sever), cell);
  }
  const severs = matrixSevers(result);
  return rowKeys(result).map((key) => ({ key, cells: severs.map((s) => bySlot.get(slotKey(key, s))) }));
}

export function matrixView(result: RunResult, target: string): MatrixView {
  return { target, severs: matrixSevers(result), rows: matrixRows(result, target) };
}

/** The view's cells in reading order (row by row, left to right). */
export function cellsInOrder(view: MatrixView): CellResult[] {
  return view.rows.flatMap((row) => row.cells.filter((c): c is CellResult => c !== undefined));
}

export function rowLabel(key: RowKey, separator = ' / '): string {
  return [key.session, key.launch, key.workload].join(separator);
}

export function cellLabel(cell: CellResult, separator = ' / '): string {
  return `${rowLabel(cell, separator)} × ${cell.sever}`;
}

/** Verdict counts in VERDICTS order, zero counts left out. */
export function verdictCounts(cells: readonly CellResult[]): [Verdict, number][] {
  return VERDICTS
    .map((v): [Verdict, number] => [v, cells.filter((c) => c.verdict === v).length])
    .filter(([, n]) => n > 0);
}

/** Terminal cells are narrow: a few characters per verdict. */
export function shortCellText(cell: CellResult | undefined): string {
  if (!cell) return '-';
  switch (cell.verdict) {
    case 'survived':
      return 'survived';
    case 'killed':
      return cell.signal ? `killed ${cell.signal.replace(/^SIG/, '')}` : 'killed';
    case 'exited':
      return 'exited';
    case 'session-open':
      return 'open';
    case 'not-applicable':
      return 'n/a';
    case 'inconclusive':
      return '??';
  }
}

/** Longer cell text for documents, with the time of death where known. */
export function longCellText(cell: CellResult | undefined): string {
  if (!cell) return '—';
  switch (cell.verdict) {
    case 'killed':
      return withTime(cell.signal ? `killed ${cell.signal}` : 'killed', cell.deathMs);
    case 'exited':
      return withTime('exited', cell.deathMs);
    case 'not-applicable':
      return 'n/a';
    default:
      return cell.verdict;
  }
}

function withTime(text: string, ms: number | null): string {
  return ms === null ? text : `${text} (${offset(ms)})`;
}

/** Milliseconds relative to the sever, as "+0.04 s". toFixed, not toLocaleString: deterministic. */
export function offset(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(2)} s`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Whitespace in free text (reasons, client lines) would break table rows and bullets. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const KEEPALIVE_KEYS = ['clientaliveinterval', 'clientalivecountmax', 'tcpkeepalive'] as const;

/** The sshd settings that decide when a dead connection is noticed, as far as the run recorded them. */
export function keepaliveSettings(fp: TargetFingerprint): [string, string][] {
  const lower = new Map(Object.entries(fp.sshdEffective).map(([k, v]) => [k.toLowerCase(), v]));
  return KEEPALIVE_KEYS.flatMap((k): [string, string][] => {
    const v = lower.get(k);
    return v === undefined ? [] : [[k, v]];
  });
}

/** "debian-bookworm (OpenSSH_9.2p1, clientaliveinterval 0, …)" */
export function fingerprintOneLiner(name: string, fp: TargetFingerprint | undefined): string {
  if (!fp) return `${name} (no fingerprint recorded)`;
  // `ssh -V` goes on about the OpenSSL build; the OpenSSH release is what a one-liner needs.
  const release = fp.openssh.split(',')[0]?.trim() ?? '';
  const parts = [release, ...keepaliveSettings(fp).map(([k, v]) => `${k} ${v}`)].filter((p) => p !== '');
  return parts.length ? `${name} (${parts.map(oneLine).join(', ')})` : name;
}
