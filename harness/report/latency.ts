// How long each side took to notice that the network path had broken, as a distribution over the
// repetitions of a case, next to what the keepalive settings predict. Two predictions, because the
// man page and practice disagree: sshd_config(5) says the session ends after about
// ClientAliveInterval × ClientAliveCountMax, but the counter is only checked when the next interval
// fires, so (CountMax + 1) × Interval is the earliest a real sshd can end it. The table shows which
// one the measurements are near instead of assuming either.

import type { AxisName, CellResult, RunResult } from '../results.js';
import { parseAlive, type Alive } from '../scenario/values.js';
import { resolveSever, severs } from '../sever/registry.js';
import { parseSeverValue, type SeverMethod } from '../sever/types.js';
import { axisValues, cellComparator, splitAxes, varyingAxes } from './axes.js';
import { interval, plural, wholeSeconds } from './format.js';
import { caseLabel } from './matrix-view.js';

/**
 * The sever of a stored cell and its parameter (its default when the cell gives none), looked up
 * in the registry by the name the cell carries. The traits a report reads (does the sever break
 * the path silently, does it freeze the client) are facts of the plug-in's code, not of a run, so
 * results.json does not repeat them and the report stays a pure function of it. A name this
 * version does not know (a results file of another version) has no traits: nothing is assumed.
 */
export function storedSever(sever: string): { method: SeverMethod; param: number | null } | null {
  if (!severs.has(parseSeverValue(sever).name)) return null;
  const { method, param } = resolveSever(sever);
  return { method, param: param !== null && Number.isFinite(param) ? param : null };
}

export type Keepalive = Alive;

/**
 * "1/2" → interval 1 s, CountMax 2, by the scenario's own parser; "off", and anything the scenario
 * would have refused, → null (a report reads what a run stored and never throws on it).
 */
export function parseKeepalive(value: string): Keepalive | null {
  try {
    return parseAlive(value);
  } catch {
    return null;
  }
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
  /** cells that had no value (the side had not noticed when the window closed) */
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

/**
 * A client the sever froze (sleep: SIGSTOP for N seconds) can notice nothing until it wakes, so no
 * ServerAlive prediction applies to it; what it did after waking is what there is to read.
 */
export interface Asleep {
  /** how long it slept: the sever's parameter ("sleep:16" → 16 s), its default when the cell gives none */
  seconds: number | null;
  /** ms from waking (the "client resumed" timeline event) to the client noticing */
  afterWake: Distribution;
}

export interface SideLatency {
  side: Side;
  /** the keepalive setting that predicts this side: clientAlive (sshd) or serverAlive (ssh) */
  setting: string;
  prediction: Prediction | null;
  /** over the repetitions in which the path broke; the others had nothing to notice */
  dist: Distribution;
  /** the client side of a sleep sever; null otherwise */
  asleep: Asleep | null;
}

export interface LatencyCase {
  caseId: string;
  /** the repetitions, in rep order */
  cells: CellResult[];
  /**
   * repetitions in which the path never broke (pathBrokeMs null: e.g. a NAT flow that traffic kept
   * alive): nothing to detect, so they are in neither side's distribution nor its missing count
   */
  neverBroke: number;
  server: SideLatency;
  client: SideLatency;
}

function since(pathBrokeMs: number | null, ms: number | null | undefined): number | null {
  return pathBrokeMs === null || ms === null || ms === undefined ? null : ms - pathBrokeMs;
}

/** Cells that measure a detection: a silent break, some keepalive on, and the sever applied. */
export function isLatencyCell(cell: CellResult): boolean {
  return (
    storedSever(cell.sever)?.method.silentBreak !== undefined &&
    (cell.clientAlive !== 'off' || cell.serverAlive !== 'off') &&
    cell.verdict !== 'not-applicable'
  );
}

/** When a slept client woke, ms after the sever: the runner's timeline event, else the parameter. */
function wokeAtMs(cell: CellResult): number | null {
  const event = (cell.timeline ?? []).find((e) => e.event === 'client resumed');
  if (event) return event.atMs;
  const s = storedSever(cell.sever)?.param ?? null;
  return s === null ? null : s * 1000;
}

function asleep(cells: CellResult[]): Asleep | null {
  const sever = cells.length ? storedSever(cells[0]!.sever) : null;
  if (!sever?.method.silentBreak?.freezesClient) return null;
  const exits = cells.map((c) => {
    const woke = wokeAtMs(c);
    return woke === null ? null : since(woke, c.clientEnd?.exitMs);
  });
  return { seconds: sever.param, afterWake: distribution(exits) };
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
    const broke = cells.filter((c) => c.pathBrokeMs !== null);
    return {
      caseId,
      cells,
      neverBroke: cells.length - broke.length,
      server: {
        side: 'server',
        setting: first.clientAlive,
        prediction: predict(first.clientAlive),
        dist: distribution(broke.map((c) => since(c.pathBrokeMs, c.sessionEndedMs))),
        asleep: null,
      },
      client: {
        side: 'client',
        setting: first.serverAlive,
        prediction: predict(first.serverAlive),
        dist: distribution(broke.map((c) => since(c.pathBrokeMs, c.clientEnd?.exitMs))),
        asleep: asleep(broke),
      },
    };
  });
}

/**
 * What the latency table shows: only the cases that ran more than once (one sample is no
 * distribution, and in a big run the single ones would bury the rest; the matrices and Details
 * already hold their outcome and times), labelled by the axes that vary among them.
 */
export interface LatencyTable {
  /** the repeated cases, in reading order */
  cases: LatencyCase[];
  /** the cases that ran once: counted, not listed */
  single: LatencyCase[];
  /** the axes that tell the listed cases apart besides row, sever and the keepalive columns */
  labelAxes: AxisName[];
  /** the axes the run varied that have one value across the listed cases: said once */
  common: [AxisName, string][];
}

export function latencyTable(result: RunResult): LatencyTable {
  const all = latencyCases(result);
  const cases = all.filter((c) => c.cells.length > 1);
  const single = all.filter((c) => c.cells.length === 1);
  const { varying, common } = splitAxes(
    cases.flatMap((c) => c.cells),
    latencyLabelAxes(result),
  );
  return { cases, single, labelAxes: varying, common };
}

/**
 * "47 more network cases ran once and are not listed (20 drop, 17 reject, …); see …"; null when none did.
 * The severs in axis order, so the count reads like the matrices' columns.
 */
export function singleCasesText(result: RunResult, table: LatencyTable, where: string): string | null {
  const single = table.single;
  if (!single.length) return null;
  const counts = new Map<string, number>();
  for (const c of single) counts.set(c.cells[0]!.sever, (counts.get(c.cells[0]!.sever) ?? 0) + 1);
  const severs = axisValues(result, 'sever').filter((s) => counts.has(s));
  const bySever = severs.map((s) => `${counts.get(s)} ${s}`).join(', ');
  const verb = single.length === 1 ? 'ran once and is' : 'ran once and are';
  const what = plural(single.length, table.cases.length ? 'more network case' : 'network case');
  return `${what} ${verb} not listed (${bySever}); ${where}.`;
}

// ---- Text shared by the Markdown table and the terminal's compact one ----

/**
 * "5.10 / 5.30 / 5.60 s"; one sample is just "5.30 s"; none is "—". `tight`, for the terminal,
 * drops the spaces around the slashes and the unit (its table says once that times are seconds).
 */
export function distributionText(d: Distribution, tight = false): string {
  if (d.median === null || d.min === null || d.max === null) return '—';
  const unit = tight ? '' : ' s';
  const n = (ms: number) => (ms / 1000).toFixed(2);
  if (d.samples.length === 1) return n(d.median) + unit;
  return [d.min, d.median, d.max].map(n).join(tight ? '/' : ' / ') + unit;
}

/** "2 s / 3 s" (Interval × CountMax / (CountMax + 1) × Interval), tight "2/3"; "—" when off. */
export function predictionText(p: Prediction | null, tight = false): string {
  if (!p) return '—';
  if (!tight) return `${wholeSeconds(p.manPageMs)} / ${wholeSeconds(p.plusOneMs)}`;
  const n = (ms: number) => wholeSeconds(ms).replace(/ s$/, '');
  return `${n(p.manPageMs)}/${n(p.plusOneMs)}`;
}

const MAN_PAGE = 'Interval × CountMax';
const PLUS_ONE = '(CountMax + 1) × Interval';
const SETTING_NAME: Record<Side, string> = { server: 'ClientAlive', client: 'ServerAlive' };

/** Within this fraction of a prediction, the median "is close to" it. */
export const CLOSE_ENOUGH = 0.2;

/** Which prediction the median is near, computed; the words never assume an answer. */
export function closeness(medianMs: number, p: Prediction): string {
  // A ratio of a negative time reads as nonsense ("about -0.2 ×"); what it means is that the side
  // learnt of the break by other means (a reset, a failed write) before the break was recorded.
  if (medianMs < 0) return 'neither — it noticed before the break was recorded, so not through a keepalive';
  const err = (pred: number) => (pred > 0 ? Math.abs(medianMs - pred) / pred : Infinity);
  const [eMan, ePlus] = [err(p.manPageMs), err(p.plusOneMs)];
  if (Math.min(eMan, ePlus) <= CLOSE_ENOUGH) return `close to ${eMan < ePlus ? MAN_PAGE : PLUS_ONE}`;
  // (CountMax + 1) × Interval is always the larger prediction.
  if (medianMs > p.plusOneMs) return `neither — about ${(medianMs / p.plusOneMs).toFixed(1)} × ${PLUS_ONE}`;
  if (medianMs < p.manPageMs && p.manPageMs > 0)
    return `neither — about ${(medianMs / p.manPageMs).toFixed(1)} × ${MAN_PAGE}`;
  return 'neither — between the two';
}

function asleepFor(a: Asleep): string {
  return a.seconds === null ? 'asleep' : `asleep ${wholeSeconds(a.seconds * 1000)}`;
}

/** "0.42 s after waking"; a time that rounds to zero reads as what it is. */
function afterWaking(ms: number): string {
  return ms < 5 ? 'at once on waking' : `${interval(ms)} after waking`;
}

/** "server: 5.30 s median of 3 vs 2 s / 3 s predicted: neither — about 1.8 × (CountMax + 1) × Interval" */
export function sideReading(s: SideLatency): string {
  const d = s.dist;
  if (d.median === null) {
    if (s.asleep) return `${s.side}: no detection in any of ${plural(d.missing, 'repetition')} (${asleepFor(s.asleep)} first)`;
    const setting = s.prediction ? `${predictionText(s.prediction)} predicted` : `${SETTING_NAME[s.side]} off`;
    return `${s.side}: no detection in any of ${plural(d.missing, 'repetition')} (${setting})`;
  }
  const none = d.missing ? ` (${plural(d.missing, 'more repetition')} had none)` : '';
  const measured = `${interval(d.median)} median of ${d.samples.length}${none}`;
  if (s.asleep) {
    // A frozen client runs no timers: the keepalive prediction does not apply, waking does.
    const woke = s.asleep.afterWake.median;
    const after = woke === null ? '' : `: noticed ${afterWaking(woke)} (median)`;
    const slept = s.asleep.seconds === null ? 'part of it asleep' : `${wholeSeconds(s.asleep.seconds * 1000)} of it asleep`;
    return `${s.side}: ${measured}, ${slept} (no prediction applies)${after}`;
  }
  if (!s.prediction) return `${s.side}: ${measured}; ${SETTING_NAME[s.side]} off, no prediction`;
  return `${s.side}: ${measured} vs ${predictionText(s.prediction)} predicted: ${closeness(d.median, s.prediction)}`;
}

/** The path's own words for why it never broke: only a flow through a middlebox (a NAT) can be kept alive by traffic. */
function keptAlive(c: LatencyCase): string {
  const first = c.cells[0]!;
  const byTraffic = storedSever(first.sever)?.method.silentBreak?.keptAliveByTraffic === true;
  return byTraffic || first.severLayer === 'middlebox' ? 'the flow was kept alive' : 'the sever never cut it';
}

/**
 * The readings of a case, one per line: the sides, and first whether the path broke at all
 * (pathBrokeMs null: there was nothing to detect, which is not the same as nobody noticing).
 */
export function caseReadings(c: LatencyCase): string[] {
  const n = c.cells.length;
  if (c.neverBroke === n) {
    const all = n === 1 ? 'in its one repetition' : `in any of ${n} repetitions`;
    return [`path never broke ${all} (pathBrokeMs null): ${keptAlive(c)}; nothing to detect`];
  }
  const partial = c.neverBroke
    ? [`path never broke in ${c.neverBroke} of ${n} repetitions (${keptAlive(c)}); the readings are over the other ${n - c.neverBroke}`]
    : [];
  return [...partial, sideReading(c.server), sideReading(c.client)];
}

export function caseReading(c: LatencyCase): string {
  return caseReadings(c).join('; ');
}

/**
 * The axes a latency case may need named besides its row and sever: those the run varied, except
 * the keepalive settings, which get columns of their own. latencyTable keeps the ones that vary
 * among the cases it lists.
 */
export function latencyLabelAxes(result: RunResult): AxisName[] {
  return varyingAxes(result).filter((a) => a !== 'clientAlive' && a !== 'serverAlive');
}

export const LATENCY_COLUMNS = [
  'case',
  'ClientAlive',
  'ServerAlive',
  'n',
  'path broke',
  'server noticed (min / median / max)',
  'server: none',
  'server predicted (I×C / (C+1)×I)',
  'client noticed (min / median / max)',
  'client: none',
  'client predicted (I×C / (C+1)×I)',
] as const;

/** The terminal's shorter names for the same columns; its title line spells them out. */
export const LATENCY_COLUMNS_TIGHT = ['case', 'CA', 'SA', 'n', 'broke', 'server', 'none', 'pred', 'client', 'none', 'pred'] as const;


/** One table row per case, in LATENCY_COLUMNS order; `tight` for the terminal. */
export function latencyRow(c: LatencyCase, labelAxes: readonly AxisName[], tight = false): string[] {
  const never = c.neverBroke === c.cells.length;
  const side = (s: SideLatency) => [
    never ? (tight ? 'never broke' : 'path never broke') : distributionText(s.dist, tight),
    never ? '—' : String(s.dist.missing),
    s.asleep ? (tight ? asleepFor(s.asleep).replace(/ s$/, '') : asleepFor(s.asleep)) : predictionText(s.prediction, tight),
  ];
  return [
    caseLabel(c.cells[0]!, labelAxes, tight ? '/' : ' / '),
    c.server.setting,
    c.client.setting,
    String(c.cells.length),
    String(c.cells.length - c.neverBroke),
    ...side(c.server),
    ...side(c.client),
  ];
}
