import type { Cell, Workload } from '../results.js';
import { cellId } from './cell-id.js';

export interface Axes {
  target: string[];
  session: string[];
  launch: string[];
  workload: Workload[];
  sever: string[];
}

/** A partial assignment of axis values, as in `include`/`exclude` entries. */
export type AxisPattern = Partial<Record<keyof Axes, string>>;

const AXIS_ORDER: (keyof Axes)[] = ['target', 'session', 'launch', 'workload', 'sever'];

/**
 * The cross product of the axes, minus every combination that matches an `exclude` pattern, plus
 * every `include` entry that names all axes (GitHub Actions `strategy.matrix` semantics, restricted
 * to whole cells: hangup-lab has no free-form extra keys to merge into existing combinations).
 * Order is deterministic: axes in declaration order, values in scenario order.
 */
export function expand(axes: Axes, exclude: AxisPattern[] = [], include: AxisPattern[] = []): Cell[] {
  let combos: Record<string, string>[] = [{}];
  for (const axis of AXIS_ORDER) {
    combos = combos.flatMap(c => axes[axis].map(v => ({ ...c, [axis]: v })));
  }
  const kept = combos.filter(c => !exclude.some(p => matches(c, p)));
  for (const inc of include) {
    if (AXIS_ORDER.every(a => inc[a] !== undefined) && !kept.some(c => AXIS_ORDER.every(a => c[a] === inc[a]))) {
      kept.push({ ...inc } as Record<string, string>);
    }
  }
  return kept.map(c => {
    const axesOfCell = {
      target: c.target!,
      session: c.session!,
      launch: c.launch!,
      workload: c.workload as Workload,
      sever: c.sever!,
    };
    return { id: cellId(axesOfCell), ...axesOfCell };
  });
}

export function matches(values: Record<string, string>, pattern: AxisPattern): boolean {
  return Object.entries(pattern).every(([k, v]) => values[k] === v);
}
