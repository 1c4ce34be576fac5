import { AXIS_NAMES, type AxisName, type Cell, type OnOff, type UserKind, type Workload, type YesNo } from '../results.js';
import { cellId } from './cell-id.js';

/** The values of every axis; an axis with one value is fixed. */
export type Axes = Record<AxisName, string[]>;

/** A partial assignment of axis values, as in `include`/`exclude` entries. */
export type AxisPattern = Partial<Record<AxisName, string>>;

/** One block of a scenario: its own axes over the scenario's defaults, its own exclude/include. */
export interface MatrixBlock {
  axes: Axes;
  exclude: AxisPattern[];
  include: AxisPattern[];
  /** how often detection-latency cases of this block run (see ExpandOptions.repeats) */
  latencyRepeats: number;
}

export interface ExpandOptions {
  /** how many times to run a cell of a block (detection-latency cases repeat); default once */
  repeats?: (cell: Omit<Cell, 'id' | 'caseId' | 'rep'>, block: MatrixBlock) => number;
}

/**
 * The cross product of one block's axes, minus every combination that matches an `exclude`
 * pattern, plus every `include` entry as a whole cell (axes it does not name take the block's first
 * value). That is GitHub Actions' `strategy.matrix` for exclude; for include it is narrower on
 * purpose: an include never edits existing cells, so a reader can count cells from the file.
 * Blocks are concatenated and duplicates (same id) dropped, so blocks may overlap.
 * Order is deterministic: axes in AXIS_NAMES order, values in scenario order, the last varying
 * fastest, repetitions adjacent.
 */
export function expand(blocks: MatrixBlock[], opts: ExpandOptions = {}): Cell[] {
  const out: Cell[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    let combos: Record<string, string>[] = [{}];
    for (const axis of AXIS_NAMES) combos = combos.flatMap(c => block.axes[axis].map(v => ({ ...c, [axis]: v })));
    const kept = combos.filter(c => !block.exclude.some(p => matches(c, p)));
    for (const inc of block.include) {
      const whole = Object.fromEntries(AXIS_NAMES.map(a => [a, inc[a] ?? block.axes[a][0]!]));
      if (!kept.some(c => AXIS_NAMES.every(a => c[a] === whole[a]))) kept.push(whole);
    }
    for (const c of kept) {
      const values = toCellValues(c);
      const caseId = cellId(values);
      const n = Math.max(1, opts.repeats?.(values, block) ?? 1);
      for (let rep = 1; rep <= n; rep++) {
        // The first repetition is the case itself: the same id whether or not it repeats, so a
        // case listed in two blocks runs once.
        const id = rep === 1 ? caseId : cellId({ ...values, rep });
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ id, caseId, ...values, rep });
      }
    }
  }
  return out;
}

function toCellValues(c: Record<string, string>): Omit<Cell, 'id' | 'caseId' | 'rep'> {
  return {
    target: c.target!,
    user: c.user as UserKind,
    session: c.session!,
    launch: c.launch!,
    workload: c.workload as Workload,
    sever: c.sever!,
    clientAlive: c.clientAlive!,
    serverAlive: c.serverAlive!,
    tcpKeepAlive: c.tcpKeepAlive as YesNo,
    kernel: c.kernel!,
    killUserProcesses: c.killUserProcesses as YesNo,
    linger: c.linger as OnOff,
    huponexit: c.huponexit as OnOff,
  };
}

export function matches(values: Record<string, string | number>, pattern: AxisPattern): boolean {
  return Object.entries(pattern).every(([k, v]) => String(values[k]) === v);
}
