// Which axes a run varied and which it held fixed, derived from the results alone. The matrix lays
// out session × launch × workload rows and sever columns; every other axis that varied splits the
// matrix into one per combination, and every axis that did not is stated once.

import { AXIS_NAMES, type AxisName, type CellResult, type RunResult } from '../results.js';
import { plural } from './format.js';

/** The axes a matrix lays out as rows (the first three) and columns (sever). */
export const LAYOUT_AXES = ['session', 'launch', 'workload', 'sever'] as const satisfies readonly AxisName[];

/** The axes that split matrices when they vary; target is not here: each target has its section. */
export const EXTRA_AXES = [
  'user',
  'clientAlive',
  'serverAlive',
  'tcpKeepAlive',
  'kernel',
  'killUserProcesses',
  'linger',
  'huponexit',
] as const satisfies readonly AxisName[];
export type ExtraAxis = (typeof EXTRA_AXES)[number];

/** One matrix's values of the varying extra axes, in EXTRA_AXES order. */
export type Combo = readonly (readonly [ExtraAxis, string])[];

export function axisValue(cell: CellResult, axis: AxisName): string {
  return String(cell[axis]);
}

/**
 * Declared axis values first (scenario order), then any value only the cells carry: a cell must
 * never vanish from a report just because axes and cells disagree.
 */
export function axisValues(result: RunResult, axis: AxisName): string[] {
  // `?? []`: a hand-written or older results file may lack an axis; its cells still count.
  const values = new Set(result.axes[axis] ?? []);
  for (const cell of result.cells) values.add(axisValue(cell, axis));
  return [...values];
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
export function combos(result: RunResult): Combo[] {
  let all: (readonly [ExtraAxis, string])[][] = [[]];
  for (const axis of varyingExtraAxes(result)) {
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

/** The network paths the cells used, most used first: "direct (14 cells), nat (2 cells)". */
export function networkPaths(result: RunResult): [string, number][] {
  const counts = new Map<string, number>();
  for (const cell of result.cells) counts.set(cell.networkPath, (counts.get(cell.networkPath) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
}

/** ["network path", "direct"] or ["network paths", "direct (14 cells), nat (2 cells)"]; null: no cells. */
export function networkPathsText(result: RunResult): [string, string] | null {
  const paths = networkPaths(result);
  if (paths.length === 0) return null;
  // With one path the count adds nothing.
  if (paths.length === 1) return ['network path', paths[0]![0]];
  return ['network paths', paths.map(([p, n]) => `${p} (${plural(n, 'cell')})`).join(', ')];
}
