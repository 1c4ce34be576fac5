// How long each side took to notice that the network path had broken, as a distribution over the
// repetitions of a case, next to what the keepalive settings predict. Two predictions, because the
// man page and practice disagree: sshd_config(5) says the session ends after about
// ClientAliveInterval × ClientAliveCountMax, but the counter is only checked when the next interval
// fires, so (CountMax + 1) × Interval is the earliest a real sshd can end it. The table shows which
// one the measurements are near instead of assuming either.

import type { AxisName, CellResult, RunResult } from '../results.js';
import { cellComparator, varyingAxes } from './axes.js';
import { interval, plural, wholeSeconds } from './format.js';
import { caseLabel } from './matrix-view.js';

/** Severs that break the path silently: only a keepalive (or a write timing out) can notice them. */
export const LATENCY_SEVERS: readonly string[] = ['drop', 'reject', 'sleep', 'nat-expiry'];

/** "nat-expiry:10" → "nat-expiry". */
export function severMethod(sever: string): string {
  const i = sever.indexOf(':');
  return i < 0 ? sever : sever.slice(0, i);
}

export interface Keepalive {
  intervalS: number;
  countMax: number;
}

/** "1/2" → interval 1 s, CountMax 2; "off", an interval of 0 or anything unparsable → null. */
export function parseKeepalive(value: string): Keepalive | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) return null;
  const k = { intervalS: Number(m[1]), countMax: Number(m[2]) };
  return k.intervalS > 0 ? k : null;
}

export interface Prediction {
  /** Interval × CountMax, as the man pages put it */
  manPageMs: number;
  /** (CountMax + 1) × Interval: the check runs at the interval after the last unanswered probe */
  plusOneMs: number;
}

export function predict(setting: string): Prediction | null {
  const k = parseKeepalive(setting);
  if (!k) return null;
  return { manPageMs: k.intervalS * k.countMax * 1000, plusOneMs: (k.countMax + 1) * k.intervalS * 1000 };
}

export interface Distribution {
  /** the measured values, ascending */
  samples: number[];
  /** cells that had no value (the side never noticed in the window, or the path never broke) */
  missing: number;
  min: number | null;
  median: number | null;
  max: number | null;
}

/** The middle value; for an even count the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function distribution(values: readonly (number | null)[]): Distribution {
  const samples = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return {
    samples,
    missing: values.length - samples.length,
    min: samples[0] ?? null,
    median: median(samples),
    max: samples.at(-1) ?? null,
  };
}

export type Side = 'server' | 'client';

export interface SideLatency {
  side: Side;
  /** the keepalive setting that predicts this side: clientAlive (sshd) or serverAlive (ssh) */
  setting: string;
  prediction: Prediction | null;
  dist: Distribution;
}

export interface LatencyCase {
  caseId: string;
  /** the repetitions, in rep order */
  cells: CellResult[];
  server: SideLatency;
  client: SideLatency;
}

function since(pathBrokeMs: number | null, ms: number | null | undefined): number | null {
  return pathBrokeMs === null || ms === null || ms === undefined ? null : ms - pathBrokeMs;
}

/** Cells that measure a detection: a silent break, some keepalive on, and the sever applied. */
export function isLatencyCell(cell: CellResult): boolean {
  return (
    LATENCY_SEVERS.includes(severMethod(cell.sever)) &&
    (cell.clientAlive !== 'off' || cell.serverAlive !== 'off') &&
    cell.verdict !== 'not-applicable'
  );
}

/**
 * One entry per case, in reading order. The server noticed when the per-session sshd ended, the
 * client when the local ssh exited; both measured from when the path broke (pathBrokeMs), not from
 * the sever: for nat-expiry the two are seconds apart.
 */
export function latencyCases(result: RunResult): LatencyCase[] {
  const order = cellComparator(result);
  const byCase = new Map<string, CellResult[]>();
  for (const cell of [...result.cells].sort(order)) {
    if (isLatencyCell(cell)) byCase.set(cell.caseId, [...(byCase.get(cell.caseId) ?? []), cell]);
  }
  return [...byCase].map(([caseId, cells]) => {
    const first = cells[0]!;
    return {
      caseId,
      cells,
      server: {
        side: 'server',
        setting: first.clientAlive,
        prediction: predict(first.clientAlive),
        dist: distribution(cells.map((c) => since(c.pathBrokeMs, c.sessionEndedMs))),
      },
      client: {
        side: 'client',
        setting: first.serverAlive,
        prediction: predict(first.serverAlive),
        dist: distribution(cells.map((c) => since(c.pathBrokeMs, c.client?.exitMs))),
      },
    };
  });
}

// ---- Text shared by the Markdown table and the terminal's compact one ----

/** "5.10 / 5.30 / 5.60 s"; one sample is just "5.30 s"; none is "—". */
export function distributionText(d: Distribution): string {
  if (d.median === null || d.min === null || d.max === null) return '—';
  if (d.samples.length === 1) return interval(d.median);
  const n = (ms: number) => (ms / 1000).toFixed(2);
  return `${n(d.min)} / ${n(d.median)} / ${n(d.max)} s`;
}

/** "2 s / 3 s" (Interval × CountMax / (CountMax + 1) × Interval); "—" when the keepalive is off. */
export function predictionText(p: Prediction | null): string {
  return p ? `${wholeSeconds(p.manPageMs)} / ${wholeSeconds(p.plusOneMs)}` : '—';
}

const MAN_PAGE = 'Interval × CountMax';
const PLUS_ONE = '(CountMax + 1) × Interval';
const SETTING_NAME: Record<Side, string> = { server: 'ClientAlive', client: 'ServerAlive' };

/** Within this fraction of a prediction, the median "is close to" it. */
export const CLOSE_ENOUGH = 0.2;

/** Which prediction the median is near, computed; the words never assume an answer. */
export function closeness(medianMs: number, p: Prediction): string {
  const err = (pred: number) => (pred > 0 ? Math.abs(medianMs - pred) / pred : Infinity);
  const [eMan, ePlus] = [err(p.manPageMs), err(p.plusOneMs)];
  if (Math.min(eMan, ePlus) <= CLOSE_ENOUGH) return `close to ${eMan < ePlus ? MAN_PAGE : PLUS_ONE}`;
  // (CountMax + 1) × Interval is always the larger prediction.
  if (medianMs > p.plusOneMs) return `neither — about ${(medianMs / p.plusOneMs).toFixed(1)} × ${PLUS_ONE}`;
  if (medianMs < p.manPageMs && p.manPageMs > 0)
    return `neither — about ${(medianMs / p.manPageMs).toFixed(1)} × ${MAN_PAGE}`;
  return 'neither — between the two';
}

/** "server: 5.30 s median vs 2 s / 3 s predicted: neither — about 1.8 × (CountMax + 1) × Interval" */
export function sideReading(s: SideLatency): string {
  const d = s.dist;
  if (d.median === null) {
    const setting = s.prediction ? `${predictionText(s.prediction)} predicted` : `${SETTING_NAME[s.side]} off`;
    return `${s.side}: no detection in any of ${plural(d.missing, 'repetition')} (${setting})`;
  }
  const none = d.missing ? ` (${plural(d.missing, 'more repetition')} had none)` : '';
  const measured = `${interval(d.median)} median of ${d.samples.length}${none}`;
  if (!s.prediction) return `${s.side}: ${measured}; ${SETTING_NAME[s.side]} off, no prediction`;
  return `${s.side}: ${measured} vs ${predictionText(s.prediction)} predicted: ${closeness(d.median, s.prediction)}`;
}

export function caseReading(c: LatencyCase): string {
  return `${sideReading(c.server)}; ${sideReading(c.client)}`;
}

/**
 * The axes a latency case needs named besides its row and sever: those the run varied, except the
 * keepalive settings, which get columns of their own.
 */
export function latencyLabelAxes(result: RunResult): AxisName[] {
  return varyingAxes(result).filter((a) => a !== 'clientAlive' && a !== 'serverAlive');
}

export const LATENCY_COLUMNS = [
  'case',
  'ClientAlive',
  'ServerAlive',
  'n',
  'server noticed (min / median / max)',
  'server: none',
  'server predicted (I×C / (C+1)×I)',
  'client noticed (min / median / max)',
  'client: none',
  'client predicted (I×C / (C+1)×I)',
] as const;

/** One table row per case, in LATENCY_COLUMNS order. */
export function latencyRow(c: LatencyCase, labelAxes: readonly AxisName[], separator = ' / '): string[] {
  const side = (s: SideLatency) => [distributionText(s.dist), String(s.dist.missing), predictionText(s.prediction)];
  return [
    caseLabel(c.cells[0]!, labelAxes, separator),
    c.server.setting,
    c.client.setting,
    String(c.cells.length),
    ...side(c.server),
    ...side(c.client),
  ];
}
