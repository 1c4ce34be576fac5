// The measured peer's cells are a fixed, stated choice: one per launch mode, the other axes as even
// as the matrix allows; only cells the peer script can do and the harness's plan calls applicable.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { parsePeerCan, peerCanRun, peerSubset, peerWaitMs } from '../../harness/bench/peer-subset.js';
import type { Cell } from '../../harness/results.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import { planCell } from '../../harness/run/plan.js';
import { loadScenario } from '../../harness/scenario/load.js';

const CAN = parsePeerCan(['session pty exec', 'launch foreground background disown nohup setsid tmux screen systemd-run-user', 'workload chatty quiet', 'sever logout client-kill sshd-kill drop', ''].join('\n'));
const applicable = (c: Cell) => planCell(c).supported === true;
const tally = (cells: Cell[], axis: keyof Cell) => {
  const m: Record<string, number> = {};
  for (const c of cells) m[String(c[axis])] = (m[String(c[axis])] ?? 0) + 1;
  return m;
};

t.test('the script says what it can do, and parsePeerCan reads it', async t => {
  const said = parsePeerCan(execFileSync('bash', ['scripts/peer.sh', '--can'], { encoding: 'utf8' }));
  t.same(said, CAN);
});

t.test('default scenario: 8 cells, each launch once, each sever twice, sessions and workloads 4 and 4, uncorrelated', async t => {
  const s = peerSubset(scenarioCells(loadScenario('scenarios/default.yaml')), CAN, applicable);
  t.equal(s.cells.length, 8);
  t.same(Object.values(tally(s.cells, 'launch')), [1, 1, 1, 1, 1, 1, 1, 1]);
  t.same(tally(s.cells, 'sever'), { 'client-kill': 2, logout: 2, 'sshd-kill': 2, drop: 2 });
  t.same(tally(s.cells, 'session'), { pty: 4, exec: 4 });
  t.same(tally(s.cells, 'workload'), { chatty: 4, quiet: 4 });
  // The pair term: not every pty cell has the same workload.
  t.ok(Object.values(tally(s.cells.filter(c => c.session === 'pty'), 'workload')).every(n => n < 4));
  t.ok(s.cells.every(applicable), 'no cell the harness calls not-applicable');
  t.match(s.how, /^8 cells of debian-bookworm: one per launch mode/);
});

t.test('the choice is fixed: the same scenario gives the same cells', async t => {
  const plan = scenarioCells(loadScenario('scenarios/default.yaml'));
  t.same(peerSubset(plan, CAN, applicable).cells.map(c => c.id), peerSubset([...plan], CAN, applicable).cells.map(c => c.id));
});

t.test('a cell with a value the script cannot do, or another target, is never picked', async t => {
  const plan = scenarioCells(loadScenario('scenarios/distros.yaml'));
  const s = peerSubset(plan, { ...CAN, launch: ['nohup', 'tmux'] }, applicable);
  t.same(s.cells.map(c => c.launch).sort(), ['nohup', 'tmux']);
  t.ok(s.cells.every(c => c.target === plan[0]!.target), 'the first target only');
  const root = { ...s.cells[0]!, user: 'root' as const };
  t.notOk(peerCanRun(root, CAN), 'root logins are left to the harness');
  t.same(peerSubset(plan, { session: ['mosh'] }, applicable).cells, []);
  t.match(peerSubset(plan, { session: ['mosh'] }, applicable).how, /^no cell the peer can run \(it can: session mosh;/);
});

t.test("the peer's sleep is the harness's deadline for that outcome", async t => {
  const window = { sessionTimeoutMs: 11_000, afterSessionMs: 15_000 };
  t.equal(peerWaitMs({ mayStayOpen: false, waitsForUserManager: false, window }, 3000), 3000, 'a process sever: the settle');
  t.equal(peerWaitMs({ mayStayOpen: true, waitsForUserManager: false, window }, 3000), 14_000, 'a network sever: the session deadline, then the settle');
  t.equal(peerWaitMs({ mayStayOpen: false, waitsForUserManager: true, window }, 3000), 15_000, 'a probe in the user manager: its stop and margin');
  t.equal(peerWaitMs({ mayStayOpen: true, waitsForUserManager: true, window }, 3000), 26_000);
});
