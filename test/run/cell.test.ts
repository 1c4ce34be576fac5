import t from 'tap';
import { cellId } from '../../harness/matrix/cell-id.js';
import type { Cell } from '../../harness/results.js';
import { cellUser, loginUser, watchWindow } from '../../harness/run/cell.js';
import { severs } from '../../harness/sever/registry.js';
import { parseSeverValue } from '../../harness/sever/types.js';

function cell(o: Partial<Cell> = {}): Cell {
  const values = {
    target: 'debian-bookworm',
    user: 'lab' as const,
    session: 'pty',
    launch: 'nohup',
    workload: 'quiet' as const,
    sever: 'drop',
    clientAlive: 'off',
    serverAlive: 'off',
    tcpKeepAlive: 'yes' as const,
    kernel: 'default',
    killUserProcesses: 'no' as const,
    linger: 'off' as const,
    huponexit: 'off' as const,
    ...o,
  };
  const id = cellId(values);
  return { id, caseId: id, rep: 1, ...values };
}

/** The window of a cell, with its sever and parameter taken from the cell as runCell does. */
function windowOf(o: Partial<Cell>) {
  const c = cell(o);
  const { name, param } = parseSeverValue(c.sever);
  const sever = severs.get(name);
  return watchWindow(c, sever, sever.param ? (param === null ? sever.param.default : Number(param)) : null);
}

const session = (o: Partial<Cell>) => windowOf(o).sessionTimeoutMs;

t.test('watchWindow: ClientAlive 1/2 waits 2 × 3 × 1 s plus 5 s for the session, 15 s after it', async t => {
  t.same(windowOf({ clientAlive: '1/2' }), { sessionTimeoutMs: 11_000, afterSessionMs: 15_000 });
});

t.test('watchWindow: the session timeout grows with ClientAlive', async t => {
  t.equal(session({ clientAlive: '5/3' }), 2 * 4 * 5 * 1000 + 5000);
  t.equal(session({ clientAlive: '15/3' }), 125_000);
});

t.test('watchWindow: ClientAliveCountMax 0 (no disconnect) and ClientAlive off leave the 8 s floor', async t => {
  t.equal(session({ clientAlive: '1/0' }), 8000);
  t.equal(session({ clientAlive: 'off' }), 8000);
});

t.test('watchWindow: ServerAlive 5/2 waits (2 + 1) × 5 s = 15 s plus 5 s', async t => {
  t.same(windowOf({ serverAlive: '5/2' }), { sessionTimeoutMs: 20_000, afterSessionMs: 15_000 });
});

t.test('watchWindow: ServerAliveCountMax 0 still gives up after one interval', async t => {
  t.equal(session({ serverAlive: '4/0' }), 4000 + 5000);
  t.equal(session({ serverAlive: '1/0' }), 8000, 'under the floor');
});

t.test('watchWindow: the longest keepalive deadline wins', async t => {
  t.equal(session({ clientAlive: '1/2', serverAlive: '5/2' }), 20_000);
  t.equal(session({ clientAlive: '15/3', serverAlive: '5/2' }), 125_000);
});

t.test('watchWindow: kernel TCP keepalive counts with TCPKeepAlive yes and a short enough deadline', async t => {
  const fast = 'tcp_keepalive_time=10,tcp_keepalive_intvl=5,tcp_keepalive_probes=3';
  t.equal(session({ kernel: fast }), (10 + 5 * 3) * 1000 + 5000);
  t.equal(session({ kernel: fast, tcpKeepAlive: 'no' }), 8000, 'sshd does not enable SO_KEEPALIVE');
  t.equal(session({ kernel: 'tcp_keepalive_time=30,tcp_keepalive_intvl=10,tcp_keepalive_probes=9' }), 125_000, 'exactly 120 s still counts');
  t.equal(session({ kernel: 'tcp_keepalive_time=31,tcp_keepalive_intvl=10,tcp_keepalive_probes=9' }), 8000, 'past 120 s it is reported as open');
  t.equal(session({ kernel: 'tcp_keepalive_time=10' }), 8000, 'the other two keep their defaults: 10 + 75 × 9 s');
  t.equal(session({ kernel: 'default' }), 8000, 'the 2-hour default is not waited for');
});

t.test('watchWindow: tcp_retries2 adds the retransmission give-up time from a 200 ms RTO', async t => {
  t.equal(session({ kernel: 'tcp_retries2=5' }), 200 * 63 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=4' }), 200 * 31 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=3' }), 8000, '3 s + 5 s is the floor');
  t.equal(session({ kernel: 'tcp_retries2=9' }), 200 * 1023 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=10' }), 8000, 'above 9 it is not waited for');
  t.equal(session({ kernel: 'tcp_retries2=5', tcpKeepAlive: 'no' }), 200 * 63 + 5000, 'independent of TCPKeepAlive');
  t.equal(session({ kernel: 'net.ipv4.tcp_retries2=5' }), 200 * 63 + 5000, 'the full sysctl name works too');
});

t.test('watchWindow: sleep adds the nap, the resume watch, a round trip and a margin', async t => {
  // 20 s asleep + 20 s (the longest resume watch) + 3 s (round trip) + 2 s = 45 s.
  t.equal(session({ sever: 'sleep:20', clientAlive: '1/2' }), 11_000 + 45_000);
  t.equal(session({ sever: 'sleep', clientAlive: '1/2' }), 11_000 + 45_000, 'no parameter: the 20 s default');
  t.equal(session({ sever: 'sleep:60' }), 8000 + 85_000, 'added on top of the floor');
  t.equal(windowOf({ sever: 'sleep:60' }).afterSessionMs, 15_000);
});

t.test('watchWindow: nat-expiry adds the idle timeout plus 5 s', async t => {
  t.equal(session({ sever: 'nat-expiry:10' }), 8000 + 15_000);
  t.equal(session({ sever: 'nat-expiry' }), 8000 + 15_000, 'no parameter: the 10 s default');
  t.equal(session({ sever: 'nat-expiry:30', clientAlive: '1/2' }), 11_000 + 35_000);
});

t.test('watchWindow: the other severs add nothing', async t => {
  for (const sever of ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sshd-restart', 'hangup', 'group-kill']) {
    t.same(windowOf({ sever, clientAlive: '1/2' }), { sessionTimeoutMs: 11_000, afterSessionMs: 15_000 }, sever);
  }
});

t.test('watchWindow: every sever in the registry is covered by these tests', async t => {
  t.same(
    [...severs.names].sort(),
    ['client-kill', 'drop', 'group-kill', 'hangup', 'logout', 'nat-expiry', 'reject', 'sleep', 'sshd-kill', 'sshd-restart'],
  );
  t.same(
    severs.all.filter(s => s.extraWindowMs).map(s => s.name).sort(),
    ['nat-expiry', 'sleep'],
  );
});

t.test('cellUser: one valid, distinct login name per cell (and per repetition)', async t => {
  const a = cell();
  const b = cell({ sever: 'logout' });
  t.equal(cellUser(a), `hl${a.id}`);
  t.match(cellUser(a), /^[a-z][a-z0-9]{0,31}$/, "useradd's rules");
  t.not(cellUser(a), cellUser(b));
  t.not(cellUser({ ...a, id: cellId({ ...a, rep: 2 }), rep: 2 }), cellUser(a));
});

t.test('loginUser: root for root cells, the cell user otherwise', async t => {
  t.equal(loginUser(cell({ user: 'root' })), 'root');
  const lab = cell();
  t.equal(loginUser(lab), cellUser(lab));
});
