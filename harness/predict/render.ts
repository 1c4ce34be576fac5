// The terminal form of a prediction: the host's deciding facts, one row per launch × sever with the
// predicted outcome and the cells it rests on (or why none), then the surprises. A pure function of
// the prediction, as `--json` writes it.
import { plural } from '../report/format.js';
import type { PredictedOutcome, Prediction, PredictionRow } from './schema.js';

export const NO_MATCH = 'no measurement matches: run it';

export function outcomeText(o: Pick<PredictedOutcome, 'verdict' | 'signal'>): string {
  return o.signal ? `${o.verdict} ${o.signal}` : o.verdict;
}

/** The predicted-outcome column: one outcome, every outcome with its count, or none. */
export function predictedText(r: PredictionRow): string {
  if (r.status === 'no-match') return NO_MATCH;
  if (r.status === 'predicted') return outcomeText(r.outcomes[0]!);
  return `cells disagree: ${r.outcomes.map(o => `${outcomeText(o)} ×${o.count}`).join(', ')}`;
}

/** The evidence column: how many cells it rests on, or which facts the nearest cells differ in. */
export function basisText(r: PredictionRow): string {
  if (r.status !== 'no-match') return plural(r.outcomes.reduce((n, o) => n + o.count, 0), 'cell');
  const near = r.nearest!;
  const facts = r.differs.map(d => `${d.fact} (host ${d.host}, measured ${d.measured.join('/')})`).join(', ');
  return `${near.cells === 1 ? 'the nearest cell differs' : `the nearest ${near.cells} cells differ`} in ${facts}`;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)));
  // The last column is not padded: it may be long, and trailing blanks help no one.
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export function renderPrediction(p: Prediction): string {
  const manyWorkloads = new Set(p.rows.map(r => r.workload)).size > 1;
  const header = ['session', 'launch', ...(manyWorkloads ? ['workload'] : []), 'sever', 'predicted outcome', 'based on'];
  const rows = p.rows.map(r => [r.session, r.launch, ...(manyWorkloads ? [r.workload] : []), r.sever, predictedText(r), basisText(r)]);
  const files = p.results.map(r => `${r.file} (${plural(r.cells, 'cell')})`).join(', ');
  const counts = (['predicted', 'disagree', 'no-match'] as const).map(s => p.rows.filter(r => r.status === s).length);
  return [
    `prediction for ${p.facts.host} (inspected ${p.facts.inspectedAt}), from measured cells of ${files}`,
    `workload ${p.filters.workload.join(', ')}${p.filters.session ? `; session ${p.filters.session.join(', ')}` : ''}`,
    '',
    'deciding facts of the host (unknown matches no measurement):',
    ...p.deciding.map(d => `  ${d.fact.padEnd(19)}${d.value}`),
    '',
    ...(p.rows.length ? table(header, rows) : ['no measured cells pass the filters: give other --workload/--session, or results that have them']),
    '',
    `${counts[0]} predicted, ${counts[1]} where the matching cells disagree, ${counts[2]} without a matching measurement`,
    ...(p.surprises.length
      ? ['', 'settings known to surprise:', ...p.surprises.map(s => `  ! ${s.fact} = ${s.value}: ${s.why}${s.cells.length ? ` (measured: ${plural(s.cells.length, 'cell')}, e.g. ${s.cells[0]!.id})` : ''}`)]
      : []),
  ].join('\n') + '\n';
}
