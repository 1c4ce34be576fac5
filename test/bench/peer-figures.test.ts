// The peer's ratio: its mean seconds per completed cell over the harness's wall per cell; failed
// peer cells are listed and not counted; the verdicts are compared where both judged.
import t from 'tap';
import { peerFigures, peerText, type PeerCellRun, type PeerRun } from '../../harness/bench/peer-figures.js';
import { parseScript } from '../../harness/bench/peer.js';
import { fixtureCopy } from '../report/fixtures.js';

function peerOf(cells: PeerCellRun[]): PeerRun {
  return { schemaVersion: 1, image: 'hangup-lab/debian-bookworm:x', how: '2 cells', loadAverage: { start: [1, 2, 3], end: [4, 5, 6] }, cells };
}

const cellRun = (id: string, wallMs: number, outcome: PeerCellRun['outcome'], phases: [string, number][] = []): PeerCellRun => ({
  id,
  session: 'pty',
  launch: 'nohup',
  workload: 'quiet',
  sever: 'logout',
  waitMs: 3000,
  wallMs,
  phases,
  outcome,
  ...(outcome ? {} : { error: 'exit 1: peer: no login' }),
});

t.test('ratio = peer seconds per cell / (harness wall / cells); failed cells excluded and listed', async t => {
  const run = fixtureCopy();
  run.durationMs = 16_000;
  run.cells = run.cells.slice(0, 8);
  const [a, b] = run.cells;
  const peer = peerOf([
    cellRun(a!.id, 10_000, a!.verdict === 'killed' ? 'killed' : 'survived', [['boot-and-setup', 4], ['wait', 3]]),
    cellRun(b!.id, 14_000, 'killed', [['boot-and-setup', 6], ['wait', 3]]),
    cellRun('nope', 99_000, null),
  ]);
  const f = peerFigures(peer, run);
  t.equal(f.perCellS, 12);
  t.equal(f.harnessWallPerCellS, 2);
  t.equal(f.ratio, 6);
  t.same(f.phases, [['boot-and-setup', 5], ['wait', 3]], 'per completed cell, largest first');
  t.equal(f.failed.length, 1);
  t.equal(f.harnessSubsetCellS, (a!.timing.durationMs + b!.timing.durationMs) / 2000);
  const text = peerText(peer, f);
  t.match(text, /peer \/ harness {12}6\.0×/);
  t.match(text, /failed, not counted: pty\/nohup\/quiet × logout: exit 1: peer: no login/);
  t.match(text, /load average {14}1\.00 2\.00 3\.00 at its start, 4\.00 5\.00 6\.00 at its end/);
});

t.test('verdicts: compared only where the harness said survived or killed', async t => {
  const run = fixtureCopy();
  const judged = run.cells.filter(c => c.verdict === 'survived' || c.verdict === 'killed').slice(0, 2);
  const other = run.cells.find(c => c.verdict !== 'survived' && c.verdict !== 'killed')!;
  const flip = (v: string) => (v === 'survived' ? 'killed' : 'survived');
  const f = peerFigures(peerOf([cellRun(judged[0]!.id, 1000, judged[0]!.verdict as 'killed'), cellRun(judged[1]!.id, 1000, flip(judged[1]!.verdict)), cellRun(other.id, 1000, 'killed')]), run);
  t.same({ same: f.agree.same, compared: f.agree.compared, differ: f.agree.differ.length }, { same: 1, compared: 2, differ: 1 });
});

t.test('no completed cell: no ratio, the reasons', async t => {
  const peer = peerOf([cellRun('x', 5000, null)]);
  const text = peerText(peer, peerFigures(peer, fixtureCopy()));
  t.match(text, /no ratio: no peer cell completed/);
  t.notMatch(text, /peer \/ harness/);
});

t.test("the script's output: marks and result; a failure keeps its last words", async t => {
  t.same(parseScript({ code: 0, stdout: 'phase boot-and-setup 1.819\nphase wait 3.006\nresult survived\n', stderr: '' }), {
    phases: [
      ['boot-and-setup', 1.819],
      ['wait', 3.006],
    ],
    outcome: 'survived',
  });
  t.same(parseScript({ code: 1, stdout: 'phase boot-and-setup 1.8\n', stderr: 'Failed to connect to bus\npeer: setting up c1 failed\n' }), {
    phases: [['boot-and-setup', 1.8]],
    outcome: null,
    error: 'exit 1: peer: setting up c1 failed',
  });
  t.same(parseScript({ code: 0, stdout: 'note the ssh client had exited before the sever: the session was over\nresult survived\n', stderr: '' }).notes, [
    'the ssh client had exited before the sever: the session was over',
  ]);
  t.equal(parseScript({ code: null, stdout: 'result killed\n', stderr: '' }).outcome, null, 'killed by a signal: not a result');
});
