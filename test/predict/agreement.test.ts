// Did the prediction hold, cell by cell: agree, disagree, no prediction, not judged.
import t from 'tap';
import { agreement, renderAgreement } from '../../harness/predict/agreement.js';
import type { Prediction, PredictionRow } from '../../harness/predict/schema.js';
import type { RunResult } from '../../harness/results.js';

const row = (launch: string, status: PredictionRow['status'], verdict: 'killed' | 'survived' = 'killed', signal: string | null = 'SIGHUP'): PredictionRow => ({
  session: 'pty', launch, workload: 'quiet', sever: 'logout', status,
  outcomes: status === 'no-match' ? [] : [{ verdict, signal, count: 2, cells: [] }],
  matched: [], differs: [], nearest: status === 'no-match' ? { cells: 1, differences: 1 } : null,
});
const prediction = { rows: [row('background', 'predicted'), row('nohup', 'predicted', 'survived', null), row('setsid', 'no-match'), row('disown', 'predicted')] } as unknown as Prediction;
const cell = (launch: string, verdict: string, signal: string | null = null, reason = '') => ({ id: `id-${launch}`, session: 'pty', launch, workload: 'quiet', sever: 'logout', verdict, signal, reason });
const run = { cells: [cell('background', 'killed', 'SIGHUP'), cell('nohup', 'killed', 'SIGTERM'), cell('setsid', 'survived'), cell('disown', 'not-applicable', null, 'why not'), cell('tmux', 'survived')] } as unknown as RunResult;

t.test('each observed cell beside its prediction', async t => {
  const rows = agreement(prediction, run);
  t.same(rows.map(r => r.agreement), ['agree', 'disagree', 'no prediction', 'not judged', 'no prediction']);
  t.equal(rows[1]!.observed, 'killed SIGTERM');
  t.equal(rows[3]!.observed, 'not-applicable: why not');
  t.equal(rows[4]!.predicted, 'no measured cell of this combination');
  t.match(renderAgreement(rows), /5 cells: 1 agree, 1 disagree, 2 no prediction, 1 not judged/);
});
