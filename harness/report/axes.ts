// Which axes a run varied and which it held fixed, derived from the results alone. The matrix lays
// out session × launch × workload rows and sever columns; every other axis that varied splits the
// matrix into one per combination, and every axis that did not is stated once.

import { AXIS_NAMES, type AxisName, type CellResult, type RunResult } from '../results.js';
import { plural } from './format.js';

/** The axes a matrix lays out as rows (the first three) and columns (sever). */
export const LAYOUT_AXES = ['session', 'launch', 'workload', 'sever'] as const satisfies readonly AxisName[];

/** The axes that split matrices when they vary: all but the layout's and target (each target has its section). */
export const EXTRA_AXES = AXIS_NAMES.filter(
  (a): a is Exclude<AxisName, 'target' | (typeof LAYOUT_AXES)[number]> => a !== 'target' && !(LAYOUT_AXES as readonly string[]).includes(a),
);
export type ExtraAxis = (typeof EXTRA_AXES)[number];

/** One matrix's values of the varying extra axes, in EXTRA_AXES order. */
export type Combo = readonly (readonly [ExtraAxis, string])[];

export function axisValue(cell: CellResult, axis: AxisName): string {
  return String(cell[axis]);
}

/**
 * Declared axis values first (scenario order), then any value only the cells carry, sorted so the
 * order cells finished in never shows: a cell must never vanish from a report just because axes
 * and cells disagree.
 */
export function axisValues(result: RunResult, axis: AxisName): string[] {
  // `?? []`: a hand-written or older results file may lack an axis; its cells still count.
  const declared = result.axes[axis] ?? [];
  const extra = new Set(result.cells.map((c) => axisValue(c, axis)).filter((v) => !declared.includes(v)));
  return [...new Set(declared), ...[...extra].sort()];
}

/** The non-layout axes (target included) that took more than one value in this run. */
export function varyingAxes(result: RunResult): AxisName[] {
  const layout: readonly AxisName[] = LAYOUT_AXES;
  return AXIS_NAMES.filter((a) => !layout.includes(a) && axisValues(result, a).length > 1);
}

export function varyingExtraAxes(result: RunResult): ExtraAxis[] {
  return EXTRA_AXES.filter((a) => axisValues(result, a).length > 1);
}

/** The extra axes held at one value: stated once in a report's header instead of in every title. */
export function fixedExtraAxes(result: RunResult): [ExtraAxis, string][] {
  return EXTRA_AXES.flatMap((a): [ExtraAxis, string][] => {
    const values = axisValues(result, a);
    return values.length === 1 ? [[a, values[0]!]] : [];
  });
}

/** Every combination of the varying extra axes, in axis and value order (possibly empty ones). */
export function combos(result: RunResult, axes: readonly ExtraAxis[] = varyingExtraAxes(result)): Combo[] {
  let all: (readonly [ExtraAxis, string])[][] = [[]];
  for (const axis of axes) {
    const values = axisValues(result, axis);
    all = all.flatMap((c) => values.map((v) => [...c, [axis, v] as const]));
  }
  return all;
}

export function inCombo(cell: CellResult, combo: Combo): boolean {
  return combo.every(([axis, value]) => axisValue(cell, axis) === value);
}

/** "user=root · killUserProcesses=yes"; empty when nothing varies. */
export function axisPairs(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([axis, value]) => `${axis}=${value}`).join(' · ');
}

/**
 * Cells in reading order: by each axis's value order (AXIS_NAMES order), then repetition, then id,
 * so every list a report derives is the same whatever order the cells finished in.
 */
export function cellComparator(result: RunResult): (a: CellResult, b: CellResult) => number {
  const rank = new Map(AXIS_NAMES.map((axis) => [axis, new Map(axisValues(result, axis).map((v, i) => [v, i]))]));
  return (a, b) => {
    for (const axis of AXIS_NAMES) {
      const ranks = rank.get(axis)!;
      const d = ranks.get(axisValue(a, axis))! - ranks.get(axisValue(b, axis))!;
      if (d !== 0) return d;
    }
    return a.rep - b.rep || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

export function sortedCells(result: RunResult): CellResult[] {
  return [...result.cells].sort(cellComparator(result));
}

/**
 * Of these axes, the ones that take more than one value among the cells (a label must name them)
 * and the value of each of the others (stated once, above whatever lists the cells).
 */
export function splitAxes(
  cells: readonly CellResult[],
  axes: readonly AxisName[],
): { varying: AxisName[]; common: [AxisName, string][] } {
  const varying: AxisName[] = [];
  const common: [AxisName, string][] = [];
  for (const axis of axes) {
    const values = new Set(cells.map((c) => axisValue(c, axis)));
    if (values.size > 1) varying.push(axis);
    else if (values.size === 1) common.push([axis, [...values][0]!]);
  }
  return { varying, common };
}

/** The network paths the cells used, most used first: "direct (14 cells), nat (2 cells)". */
export function networkPaths(result: RunResult): [string, number][] {
  const counts = new Map<string, number>();
  for (const cell of result.cells) counts.set(cell.networkPath, (counts.get(cell.networkPath) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A path's kind: the word before its description ("NAT: host → router container …" → "NAT"), or
 * the whole text when it has no description ("direct").
 */
export function pathKind(path: string): string {
  const m = /^([^:]{1,40}):\s/.exec(path);
  return m ? m[1]!.trim() : path;
}

export interface PathInfo {
  path: string;
  kind: string;
  /** the kind, numbered when several paths share it ("NAT #1", "NAT #2"): short enough to repeat */
  label: string;
  /** the text after the kind, or "" */
  description: string;
  cells: number;
}

/** The paths the cells used, most used first, each with a short label. */
export function networkPathInfos(result: RunResult): PathInfo[] {
  const paths = networkPaths(result);
  const kinds = paths.map(([p]) => pathKind(p));
  return paths.map(([path, cells], i) => {
    const kind = kinds[i]!;
    const same = kinds.filter((k) => k === kind).length;
    const nth = kinds.slice(0, i + 1).filter((k) => k === kind).length;
    const description = kind === path ? '' : path.slice(path.indexOf(':') + 1).trim();
    return { path, kind, label: same > 1 ? `${kind} #${nth}` : kind, description, cells };
  });
}

/** The short label of one path (its kind, numbered if need be); the text itself if unknown. */
export function pathLabel(result: RunResult, path: string): string {
  return networkPathInfos(result).find((p) => p.path === path)?.label ?? path;
}

/**
 * ["network path", the path] or ["network paths", "direct (14 cells), NAT (2 cells on 2 paths)"]:
 * paths grouped by kind, since their full descriptions (router addresses, timeouts) do not fit a
 * line; null: no cells.
 */
export function networkPathsText(result: RunResult): [string, string] | null {
  const infos = networkPathInfos(result);
  if (infos.length === 0) return null;
  // With one path the count adds nothing.
  if (infos.length === 1) return ['network path', infos[0]!.path];
  const kinds = new Map<string, PathInfo[]>();
  for (const info of infos) kinds.set(info.kind, [...(kinds.get(info.kind) ?? []), info]);
  const groups = [...kinds].map(([kind, paths]) => {
    const cells = paths.reduce((n, p) => n + p.cells, 0);
    return { kind, cells, text: `${kind} (${plural(cells, 'cell')}${paths.length > 1 ? ` on ${paths.length} paths` : ''})` };
  });
  groups.sort((a, b) => b.cells - a.cells);
  return ['network paths', groups.map((g) => g.text).join(', ')];
}
