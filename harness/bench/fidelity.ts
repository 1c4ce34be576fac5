// Do two runs of one scenario agree? Used to show that a loaded machine gives the same verdicts as
// a quiet one (`bench --load`, test/docker/fidelity-load.test.ts). Pure: a function of the two
// results, so it can be recomputed from saved files.
import type { CellResult, RunResult } from '../results.js';
import { AXIS_NAMES } from '../results.js';

export interface CaseDifference {
  /** the case, in axis words */
  label: string;
  a: string[];
  b: string[];
}

export interface Agreement {
  cases: number;
  differences: CaseDifference[];
  /** cells that could not be judged, per run, with their reasons */
  inconclusive: { a: CellResult[]; b: CellResult[] };
  /** cells whose setup needed more than one try, per run */
  retried: { a: number; b: number };
}

/** A case by its axis values (the case id would do, but a label is what a reader needs). */
export function caseLabel(c: CellResult): string {
  return AXIS_NAMES.map(a => `${a}=${c[a]}`).join(' ');
}

/**
 * The verdicts of every case in both runs, compared as sets (a case repeated N times in one run
 * is compared by the verdicts its repetitions reached, not by their order). Signals are not part
 * of the comparison: the few cases where the system under test races (which of TERM and HUP
 * arrives first) are reported by `signalVaries`, not as disagreement.
 */
export function agreement(a: RunResult, b: RunResult): Agreement {
  const verdicts = (r: RunResult) => {
    const m = new Map<string, Set<string>>();
    for (const c of r.cells) m.set(caseLabel(c), (m.get(caseLabel(c)) ?? new Set()).add(c.verdict));
    return m;
  };
  const va = verdicts(a);
  const vb = verdicts(b);
  const differences: CaseDifference[] = [];
  for (const label of new Set([...va.keys(), ...vb.keys()])) {
    const x = [...(va.get(label) ?? [])].sort();
    const y = [...(vb.get(label) ?? [])].sort();
    if (x.join() !== y.join()) differences.push({ label, a: x, b: y });
  }
  return {
    cases: new Set([...va.keys(), ...vb.keys()]).size,
    differences,
    inconclusive: { a: a.cells.filter(c => c.verdict === 'inconclusive'), b: b.cells.filter(c => c.verdict === 'inconclusive') },
    retried: { a: a.cells.filter(c => c.setup.attempts > 1).length, b: b.cells.filter(c => c.setup.attempts > 1).length },
  };
}

export function agreementText(g: Agreement, names: { a: string; b: string }): string {
  const lines = [
    `${names.a} vs ${names.b}: ${g.cases} cases, ${g.differences.length} with different verdicts`,
    `  inconclusive cells: ${names.a} ${g.inconclusive.a.length}, ${names.b} ${g.inconclusive.b.length}`,
    `  cells with a setup retry: ${names.a} ${g.retried.a}, ${names.b} ${g.retried.b}`,
    ...g.differences.map(d => `  ≠ ${d.label}: ${d.a.join('/') || '—'} vs ${d.b.join('/') || '—'}`),
    ...g.inconclusive.b.slice(0, 5).map(c => `  ? ${names.b}: ${caseLabel(c)}: ${c.reason}`),
  ];
  return lines.join('\n');
}
