// Matching an inspected host against measured cells: pure, over the inspect report and results
// already read. A row is one (session, launch, workload, sever) of the results; its prediction is
// what the measured cells that share the host's deciding facts did, all of it.
import type { InspectReport } from '../inspect/report.js';
import { DECIDING_FACTS, hostValues, UNKNOWN } from './deciding.js';
import type { CellRef, PredictedOutcome, Prediction, PredictionRow } from './schema.js';
import { PREDICT_SCHEMA_VERSION } from './schema.js';
import { predictSurprises } from './surprises.js';
import type { Filters, Measured, ResultsInput } from './types.js';

export type { Filters, Measured, ResultsInput } from './types.js';

interface Difference {
  fact: string;
  host: string;
  measured: string;
  why: string;
}

/** Every measured cell of the inputs that passes the filters, in the files' order. */
export function measuredCells(inputs: readonly ResultsInput[], filters: Filters): Measured[] {
  return inputs.flatMap(({ file, result }) => {
    const fps = new Map(result.targets.map(t => [t.key, t]));
    return result.cells
      .filter(c => filters.workload.includes(c.workload) && (!filters.session || filters.session.includes(c.session)))
      .map(cell => ({ file, cell, fp: fps.get(cell.serverKey) }));
  });
}

/** The deciding facts in which a cell differs from the host (a fact unknown on the host always differs). */
export function differences(report: InspectReport, m: Measured): Difference[] {
  return DECIDING_FACTS.filter(f => !f.decides || f.decides(m.cell)).flatMap(f => {
    const host = f.host(report);
    const measured = f.cell(m.cell, m.fp);
    return host !== UNKNOWN && host === measured ? [] : [{ fact: f.name, host, measured, why: f.why }];
  });
}

const ref = (m: Measured): CellRef => ({ file: m.file, id: m.cell.id });

/** The outcomes of cells, grouped by verdict and signal, the most frequent first (then first seen). */
export function outcomesOf(cells: readonly Measured[]): PredictedOutcome[] {
  const by = new Map<string, PredictedOutcome>();
  for (const m of cells) {
    const key = `${m.cell.verdict} ${m.cell.signal ?? ''}`;
    const o = by.get(key) ?? { verdict: m.cell.verdict, signal: m.cell.signal, count: 0, cells: [] };
    o.count++;
    o.cells.push(ref(m));
    by.set(key, o);
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

/** One row: the matching cells' outcomes, or the nearest cells' differences when none match. */
export function predictRow(report: InspectReport, cells: readonly Measured[]): PredictionRow {
  const first = cells[0]!.cell;
  const row = { session: first.session, launch: first.launch, workload: first.workload, sever: first.sever };
  const diffs = cells.map(m => ({ m, d: differences(report, m) }));
  const matching = diffs.filter(x => !x.d.length).map(x => x.m);
  if (matching.length) {
    const outcomes = outcomesOf(matching);
    // The facts that decided at least one matching cell (a keepalive fact decides a drop, not a logout).
    const decided = DECIDING_FACTS.filter(f => matching.some(m => !f.decides || f.decides(m.cell)));
    return {
      ...row,
      status: outcomes.length === 1 ? 'predicted' : 'disagree',
      outcomes,
      matched: decided.map(f => ({ fact: f.name, value: f.host(report) })),
      differs: [],
      nearest: null,
    };
  }
  const fewest = Math.min(...diffs.map(x => x.d.length));
  const nearest = diffs.filter(x => x.d.length === fewest);
  const differs = new Map<string, { fact: string; host: string; measured: string[]; why: string }>();
  for (const { d } of nearest) {
    for (const x of d) {
      const e = differs.get(x.fact) ?? { fact: x.fact, host: x.host, measured: [], why: x.why };
      if (!e.measured.includes(x.measured)) e.measured.push(x.measured);
      differs.set(x.fact, e);
    }
  }
  return { ...row, status: 'no-match', outcomes: [], matched: [], differs: [...differs.values()], nearest: { cells: nearest.length, differences: fewest } };
}

/** Cells grouped by row, rows in the order their first cell appears (the runs' plan order). */
export function rowsOf(cells: readonly Measured[]): Measured[][] {
  const rows = new Map<string, Measured[]>();
  for (const m of cells) {
    const key = [m.cell.session, m.cell.launch, m.cell.workload, m.cell.sever].join('\0');
    rows.set(key, [...(rows.get(key) ?? []), m]);
  }
  return [...rows.values()];
}

/** The whole prediction for a host: its deciding facts, one row per measured combination, surprises. */
export function predict(report: InspectReport, factsFile: string, inputs: readonly ResultsInput[], filters: Filters): Prediction {
  const cells = measuredCells(inputs, filters);
  const rows = rowsOf(cells).map(r => predictRow(report, r));
  return {
    schemaVersion: PREDICT_SCHEMA_VERSION,
    kind: 'hangup-lab-predict',
    facts: { file: factsFile, host: report.destination.host, inspectedAt: report.inspectedAt },
    results: inputs.map(i => ({ file: i.file, scenario: i.result.scenario.name, cells: i.result.cells.length })),
    filters: { workload: [...filters.workload], session: filters.session ? [...filters.session] : null },
    deciding: hostValues(report),
    rows,
    // Evidence for a surprise may come from any workload, not only the filtered ones.
    surprises: predictSurprises(report, rows, measuredCells(inputs, { workload: allWorkloads(inputs), session: null })),
  };
}

function allWorkloads(inputs: readonly ResultsInput[]): string[] {
  return [...new Set(inputs.flatMap(i => i.result.cells.map(c => c.workload)))];
}
