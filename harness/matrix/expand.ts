import { AXIS_NAMES, type AxisName, type Cell, type OnOff, type UserKind, type Workload, type YesNo } from '../results.js';
import { cellId } from './cell-id.js';

/** The values of every axis; an axis with one value is fixed. */
export type Axes = Record<AxisName, string[]>;

/** A partial assignment of axis values, as in `include`/`exclude` entries. */
export type AxisPattern = Partial<Record<AxisName, string>>;

/** One block of a scenario: its own axes over the scenario's defaults, its own exclude/include. */
export interface MatrixBlock {
  /** the block's `name:` in the scenario (else "matrices[i]"), for `run --block`; the loader always sets it */
  name?: string;
  axes: Axes;
  /**
   * The axes the scenario wrote as a matrix (under `axes:`, and `target`); the others carry the
   * scenario's defaults. In GitHub Actions terms these are the "original" matrix keys, which an
   * include may match on but never overwrite; a default is a value an include may set.
   */
  matrixAxes: readonly AxisName[];
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
 * GitHub Actions' `strategy.matrix` semantics, so a reader who knows those knows these:
 * - the cross product of the block's axes, minus every combination an `exclude` pattern matches
 *   (a pattern names some axes; the others match anything);
 * - then each `include` entry, in order: it is merged into every kept combination whose matrix
 *   axes (`matrixAxes`) it agrees with, setting the other axes it names (a default, or a value an
 *   earlier include set: "added values can be overwritten"); if it agrees with none, it becomes a
 *   new cell of its own, where axes it does not name take the block's first value. Cells created by
 *   an include are not matched by later includes, and excludes never remove included cells.
 * Blocks are concatenated and duplicates (same id) dropped, so blocks may overlap.
 * Order is deterministic: axes in AXIS_NAMES order, values in scenario order, the last varying
 * fastest, then new cells from includes in order, repetitions adjacent.
 */
export function expand(blocks: MatrixBlock[], opts: ExpandOptions = {}): Cell[] {
  const out: Cell[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    for (const c of blockCombinations(block)) {
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

/** One block's combinations (axis name → value), before ids and repetitions. */
export function blockCombinations(block: MatrixBlock): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const axis of AXIS_NAMES) combos = combos.flatMap(c => block.axes[axis].map(v => ({ ...c, [axis]: v })));
  const kept = combos.filter(c => !block.exclude.some(p => matches(c, p)));
  const added: Record<string, string>[] = [];
  for (const inc of block.include) {
    const agrees = (c: Record<string, string>) => block.matrixAxes.every(a => inc[a] === undefined || inc[a] === c[a]);
    let merged = false;
    for (const c of kept) {
      if (!agrees(c)) continue;
      Object.assign(c, inc);
      merged = true;
    }
    if (!merged) added.push(Object.fromEntries(AXIS_NAMES.map(a => [a, inc[a] ?? block.axes[a][0]!])));
  }
  return [...kept, ...added];
}

function toCellValues(c: Record<string, string>): Omit<Cell, 'id' | 'caseId' | 'rep'> {
  return {
    target: c.target!,
    server: c.server!,
    client: c.client!,
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
