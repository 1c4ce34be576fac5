// Did the predictions hold? Each cell a run on the server itself observed (`run --host`) beside
// what the prediction for that server said of the same session × launch × workload × sever:
// agree, disagree, or no prediction (none matched, or the matching cells disagreed). A cell the
// run could not judge says so and counts for neither. Pure: a prediction and a results file in.
import type { CellResult, RunResult } from '../results.js';
import { outcomeText, predictedText } from './render.js';
import type { Prediction } from './schema.js';

export type Agreement = 'agree' | 'disagree' | 'no prediction' | 'not judged';

export interface AgreementRow {
  session: string;
  launch: string;
  workload: string;
  sever: string;
  predicted: string;
  observed: string;
  agreement: Agreement;
  /** the observed cell's id, in the run's results */
  cell: string;
}

/** A reason in the table's column: its start (the results file has it whole). */
const REASON_CHARS = 70;

function observedText(c: CellResult): string {
  const reason = c.reason.length > REASON_CHARS ? `${c.reason.slice(0, REASON_CHARS - 1)}…` : c.reason;
  if (c.verdict === 'not-applicable' || c.verdict === 'inconclusive') return `${c.verdict}: ${reason}`;
  return outcomeText({ verdict: c.verdict, signal: c.verdict === 'killed' ? c.signal : null });
}

/** One row per observed cell, in the run's order. */
export function agreement(p: Prediction, run: RunResult): AgreementRow[] {
  return run.cells.map(c => {
    const row = p.rows.find(r => r.session === c.session && r.launch === c.launch && r.workload === c.workload && r.sever === c.sever);
    const base = { session: c.session, launch: c.launch, workload: c.workload, sever: c.sever, observed: observedText(c), cell: c.id };
    const predicted = row ? predictedText(row) : 'no measured cell of this combination';
    if (c.verdict === 'not-applicable' || c.verdict === 'inconclusive') return { ...base, predicted, agreement: 'not judged' as const };
    if (!row || row.status !== 'predicted') return { ...base, predicted, agreement: 'no prediction' as const };
    const o = row.outcomes[0]!;
    // A kill is the same outcome only by the same signal: SIGHUP and logind's SIGTERM are different stories.
    const same = o.verdict === c.verdict && (c.verdict !== 'killed' || o.signal === c.signal);
    return { ...base, predicted, agreement: same ? ('agree' as const) : ('disagree' as const) };
  });
}

/** The table as text, with its counts. */
export function renderAgreement(rows: readonly AgreementRow[]): string {
  const header = ['session', 'launch', 'workload', 'sever', 'predicted', 'observed (run --host)', 'agreement'];
  const cells = rows.map(r => [r.session, r.launch, r.workload, r.sever, r.predicted, r.observed, r.agreement]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  const count = (a: Agreement) => rows.filter(r => r.agreement === a).length;
  const counts = (['agree', 'disagree', 'no prediction', 'not judged'] as const).map(a => `${count(a)} ${a}`).join(', ');
  return [line(header), ...cells.map(line), '', `${rows.length} cells: ${counts}`, ''].join('\n');
}
