import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { cellUser, loginUser, planCell } from '../../harness/run/plan.js';
import type { Cell } from '../../harness/results.js';
import { sessions } from '../../harness/session/registry.js';
import { severs } from '../../harness/sever/registry.js';
import { testCell } from '../fixtures/cell.js';

const windowOf = (o: Partial<Cell>) => planCell(testCell(o)).window;
const session = (o: Partial<Cell>) => windowOf(o).sessionTimeoutMs;

// ---- the watch window ----

t.test('window: ClientAlive 1/2 waits 2 × 3 × 1 s plus 5 s for the session, 15 s after it', async t => {
  t.same(windowOf({ clientAlive: '1/2' }), { sessionTimeoutMs: 11_000, afterSessionMs: 15_000 });
});

t.test('window: the session timeout grows with ClientAlive', async t => {
  t.equal(session({ clientAlive: '5/3' }), 2 * 4 * 5 * 1000 + 5000);
  t.equal(session({ clientAlive: '15/3' }), 125_000);
});

t.test('window: ClientAliveCountMax 0 (no disconnect) and ClientAlive off leave the 8 s floor', async t => {
  t.equal(session({ clientAlive: '1/0' }), 8000);
  t.equal(session({ clientAlive: 'off' }), 8000);
});

t.test('window: ServerAlive 5/2 waits (2 + 1) × 5 s = 15 s plus 5 s', async t => {
  t.same(windowOf({ serverAlive: '5/2' }), { sessionTimeoutMs: 20_000, afterSessionMs: 15_000 });
});

t.test('window: ServerAliveCountMax 0 still gives up after one interval', async t => {
  t.equal(session({ serverAlive: '4/0' }), 4000 + 5000);
  t.equal(session({ serverAlive: '1/0' }), 8000, 'under the floor');
});

t.test("window: each implementation's keepalive gives up in its own time (declared by the plug-in)", async t => {
  // Dropbear -K 2: 3 silent intervals, checked once per interval: 4 × 2 s, not OpenSSH 9.2's 2 × 4 × 2 s.
  t.equal(session({ server: 'dropbear', tcpKeepAlive: 'no', clientAlive: '2/3' }), 4 * 2 * 1000 + 5000);
  t.equal(session({ clientAlive: '2/3' }), 2 * 4 * 2 * 1000 + 5000, 'openssh, for comparison');
  t.equal(session({ client: 'dbclient', serverAlive: '5/2' }), 4 * 5 * 1000 + 5000, 'dbclient -K 5');
  t.equal(session({ client: 'ssh2', serverAlive: '5/2' }), 3 * 5 * 1000 + 5000, 'ssh2 keepaliveCountMax 2');
  t.equal(session({ client: 'asyncssh', serverAlive: '5/2' }), 3 * 5 * 1000 + 5000, 'asyncssh keepalive_count_max 2');
  t.equal(planCell(testCell({ client: 'dbclient', serverAlive: '3/2' })).loginWeight, Number.POSITIVE_INFINITY, 'dbclient: 4 × 3 s = 12 s of silence');
});

t.test('window: the longest keepalive deadline wins', async t => {
  t.equal(session({ clientAlive: '1/2', serverAlive: '5/2' }), 20_000);
  t.equal(session({ clientAlive: '15/3', serverAlive: '5/2' }), 125_000);
});

t.test('window: kernel TCP keepalive counts with TCPKeepAlive yes and a short enough deadline', async t => {
  const fast = 'tcp_keepalive_time=10,tcp_keepalive_intvl=5,tcp_keepalive_probes=3';
  t.equal(session({ kernel: fast }), (10 + 5 * 3) * 1000 + 5000);
  t.equal(session({ kernel: fast, tcpKeepAlive: 'no' }), 8000, 'sshd does not enable SO_KEEPALIVE');
  t.equal(session({ kernel: 'tcp_keepalive_time=30,tcp_keepalive_intvl=10,tcp_keepalive_probes=9' }), 125_000, 'exactly 120 s still counts');
  t.equal(session({ kernel: 'tcp_keepalive_time=31,tcp_keepalive_intvl=10,tcp_keepalive_probes=9' }), 8000, 'past 120 s it is reported as open');
  t.equal(session({ kernel: 'tcp_keepalive_time=10' }), 8000, 'the other two keep their defaults: 10 + 75 × 9 s');
  t.equal(session({ kernel: 'default' }), 8000, 'the 2-hour default is not waited for');
});

t.test('window: tcp_retries2 adds the retransmission give-up time from a 200 ms RTO', async t => {
  t.equal(session({ kernel: 'tcp_retries2=5' }), 200 * 63 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=4' }), 200 * 31 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=3' }), 8000, '3 s + 5 s is the floor');
  t.equal(session({ kernel: 'tcp_retries2=9' }), 200 * 1023 + 5000);
  t.equal(session({ kernel: 'tcp_retries2=10' }), 8000, 'above 9 it is not waited for');
  t.equal(session({ kernel: 'tcp_retries2=5', tcpKeepAlive: 'no' }), 200 * 63 + 5000, 'independent of TCPKeepAlive');
  t.equal(session({ kernel: 'net.ipv4.tcp_retries2=5' }), 200 * 63 + 5000, 'the full sysctl name works too');
});

t.test('window: sleep adds the nap, the resume watch, a round trip and a margin', async t => {
  // 20 s asleep + 20 s (the longest resume watch) + 3 s (round trip) + 2 s = 45 s.
  t.equal(session({ sever: 'sleep:20', clientAlive: '1/2' }), 11_000 + 45_000);
  t.equal(session({ sever: 'sleep', clientAlive: '1/2' }), 11_000 + 45_000, 'no parameter: the 20 s default');
  t.equal(session({ sever: 'sleep:60' }), 8000 + 85_000, 'added on top of the floor');
  t.equal(windowOf({ sever: 'sleep:60' }).afterSessionMs, 15_000);
});

t.test('window: nat-expiry adds the idle timeout plus 5 s', async t => {
  t.equal(session({ sever: 'nat-expiry:10' }), 8000 + 15_000);
  t.equal(session({ sever: 'nat-expiry' }), 8000 + 15_000, 'no parameter: the 10 s default');
  t.equal(session({ sever: 'nat-expiry:30', clientAlive: '1/2' }), 11_000 + 35_000);
});

t.test('window: the other severs add nothing', async t => {
  for (const sever of ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sshd-restart', 'hangup', 'group-kill']) {
    t.same(windowOf({ sever, clientAlive: '1/2' }), { sessionTimeoutMs: 11_000, afterSessionMs: 15_000 }, sever);
  }
});

t.test('window: every sever in the registry is covered by these tests', async t => {
  t.same(
    [...severs.names].sort(),
    ['client-kill', 'drop', 'group-kill', 'hangup', 'logout', 'nat-expiry', 'reject', 'sleep', 'sshd-kill', 'sshd-restart'],
  );
  t.same(
    severs.all.filter(s => s.extraWindowMs).map(s => s.name).sort(),
    ['nat-expiry', 'sleep'],
  );
});

// ---- the sever and its parameter ----

t.test('parameter: the number after the colon, else the sever’s default, null for severs without one', async t => {
  t.equal(planCell(testCell({ sever: 'sleep:7' })).param, 7);
  t.equal(planCell(testCell({ sever: 'sleep' })).param, 20);
  t.equal(planCell(testCell({ sever: 'nat-expiry' })).param, 10);
  t.equal(planCell(testCell({ sever: 'drop' })).param, null);
  t.equal(planCell(testCell({ sever: 'logout' })).sever.name, 'logout');
});

t.test('plug-ins: the cell’s own session kind, launch mode and sever', async t => {
  const p = planCell(testCell({ session: 'exec', launch: 'setsid', sever: 'reject' }));
  t.equal(p.session, sessions.get('exec'));
  t.equal(p.launch, launches.get('setsid'));
  t.equal(p.sever, severs.get('reject'));
  t.same(p.detectors, severs.get('reject').detectors);
  t.not(p.detectors, severs.get('reject').detectors, 'a copy: a result never shares the plug-in’s array');
});

t.test('supported: true, or the sever’s reason for this session and launch mode', async t => {
  t.equal(planCell(testCell({ sever: 'logout', launch: 'nohup' })).supported, true);
  t.match(planCell(testCell({ sever: 'logout', launch: 'foreground' })).supported, /foreground job holds the terminal/);
});

// ---- users ----

t.test('users: one valid, distinct login name per cell (and per repetition)', async t => {
  const a = testCell();
  const b = testCell({ sever: 'logout' });
  t.equal(cellUser(a), `hl${a.id}`);
  t.match(cellUser(a), /^[a-z][a-z0-9]{0,31}$/, "useradd's rules");
  t.not(cellUser(a), cellUser(b));
  t.not(cellUser(testCell({ rep: 2 })), cellUser(a));
  t.equal(planCell(a).cellUser, cellUser(a));
});

t.test('users: root logs in as root, every other cell as its own user', async t => {
  const root = testCell({ user: 'root' });
  t.equal(loginUser(root), 'root');
  t.equal(planCell(root).loginUser, 'root');
  t.equal(planCell(root).cellUser, cellUser(root), 'a root cell still has a user of its own, for the probe log');
  const lab = testCell();
  t.equal(planCell(lab).loginUser, cellUser(lab));
});

// ---- containers and paths ----

t.test('container: root cells and exclusive severs get one of their own', async t => {
  t.equal(planCell(testCell({ user: 'root' })).ownContainer, true);
  t.equal(planCell(testCell({ sever: 'sshd-restart' })).ownContainer, true);
  t.equal(planCell(testCell()).ownContainer, false);
});

t.test('grants: what the sever declares, nothing else', async t => {
  t.same(planCell(testCell({ sever: 'drop' })).capabilities, ['NET_ADMIN']);
  t.same(planCell(testCell({ sever: 'sleep:3' })).capabilities, ['NET_ADMIN']);
  t.same(planCell(testCell({ sever: 'nat-expiry:4' })).capabilities, [], 'the NAT router acts, not the target');
  t.same(planCell(testCell({ sever: 'client-kill' })).capabilities, []);
});

t.test('router: a NAT sever routes through a router whose idle timeout is its parameter', async t => {
  t.same(planCell(testCell({ sever: 'nat-expiry:4' })).router, { idleTimeoutS: 4 });
  t.same(planCell(testCell({ sever: 'nat-expiry' })).router, { idleTimeoutS: 10 }, 'the default');
  t.equal(planCell(testCell({ sever: 'drop' })).router, null);
});

t.test('login weight: an aggressive ServerAlive waits for the container to itself', async t => {
  t.equal(planCell(testCell({ serverAlive: '5/2' })).loginWeight, Number.POSITIVE_INFINITY, '(2 + 1) × 5 s = 15 s');
  t.equal(planCell(testCell({ serverAlive: '15/3' })).loginWeight, 1);
  t.equal(planCell(testCell({ serverAlive: 'off' })).loginWeight, 1);
});

// ---- derived facts, from the plug-ins' traits ----

t.test('the end of a session without a shell is its command returning', async t => {
  t.equal(planCell(testCell({ session: 'exec', sever: 'logout' })).endIsCommandReturn, true);
  t.equal(planCell(testCell({ session: 'exec-tty', sever: 'logout' })).endIsCommandReturn, true);
  t.equal(planCell(testCell({ session: 'pty', sever: 'logout' })).endIsCommandReturn, false, 'a shell is told to exit');
  t.equal(planCell(testCell({ session: 'exec', sever: 'client-kill' })).endIsCommandReturn, false);
});

t.test('a later login: its logout is a typed exit, and a foreground launch never lets it begin', async t => {
  const later = planCell(testCell({ session: 'later', launch: 'nohup-to-file', sever: 'logout' }));
  t.equal(later.endIsCommandReturn, false, 'the command that started the probe returned before; the later login is told to exit');
  t.equal(later.mayStayOpen, false);
  t.equal(later.supported, true);
  t.match(planCell(testCell({ session: 'later', launch: 'foreground', sever: 'client-kill' })).supported, /never returns, so there is no later login/, "the session's own table, for every sever");
});

t.test('may stay open: network severs, and a command’s end without a terminal', async t => {
  for (const sever of ['drop', 'reject', 'sleep', 'nat-expiry']) t.equal(planCell(testCell({ sever })).mayStayOpen, true, sever);
  for (const sever of ['logout', 'client-kill', 'sshd-kill']) t.equal(planCell(testCell({ sever })).mayStayOpen, false, sever);
  t.equal(planCell(testCell({ session: 'exec', sever: 'logout' })).mayStayOpen, true, 'a background job holds the pipes open');
  t.equal(planCell(testCell({ session: 'exec-tty', sever: 'logout' })).mayStayOpen, false, 'the terminal closes with the command');
});

t.test('settle: a sever that leaves the session up declares how long to watch, else 2 s', async t => {
  t.equal(planCell(testCell({ sever: 'sshd-restart' })).settleMs, 3000);
  t.equal(planCell(testCell({ sever: 'hangup' })).settleMs, 2000);
});

t.test('user manager: its probes wait for the manager to stop, unless linger keeps it', async t => {
  t.equal(planCell(testCell({ launch: 'systemd-run-user' })).waitsForUserManager, true);
  t.equal(planCell(testCell({ launch: 'systemd-run-user', linger: 'on' })).waitsForUserManager, false);
  t.equal(planCell(testCell({ launch: 'nohup' })).waitsForUserManager, false);
});

t.test('birth trace: a line that returns before its probe starts, on a terminal without a shell', async t => {
  t.equal(planCell(testCell({ session: 'exec-tty', launch: 'background' })).birthTrace, true);
  t.equal(planCell(testCell({ session: 'pty', launch: 'background' })).birthTrace, false, 'the shell stays');
  t.equal(planCell(testCell({ session: 'exec', launch: 'background' })).birthTrace, false, 'no terminal, no hangup');
});

t.test('launch traits agree: the user-manager modes are the ones the schedule waits for', async t => {
  t.same(
    launches.all.filter(l => l.protection === 'user-manager').map(l => l.name),
    launches.all.filter(l => l.inUserManager).map(l => l.name),
  );
  t.same(launches.all.filter(l => !l.protection).map(l => l.name), [], 'every launch mode says what protects its probe');
});

t.test('pure: the same cell, the same plan', async t => {
  const c = testCell({ sever: 'sleep:5', clientAlive: '1/2' });
  const { cell: _a, session: _b, launch: _c, sever: _d, ...rest } = planCell(c);
  const { cell: _e, session: _f, launch: _g, sever: _h, ...again } = planCell(c);
  t.same(rest, again);
});

// ---- mosh: a session held by mosh-server ----

t.test('mosh: the timeout in the value widens the window by itself plus a margin; without it, nothing', async t => {
  t.equal(session({ session: 'mosh' }), session({ session: 'pty' }));
  t.equal(session({ session: 'mosh:5' }), session({ session: 'pty' }) + 5000 + 5000);
  t.equal(planCell(testCell({ session: 'mosh:5' })).sessionParam, 5);
  t.equal(planCell(testCell({ session: 'mosh' })).sessionParam, null);
});

t.test('mosh: severs that need the per-session sshd or a TCP flow are not-applicable, with why', async t => {
  const why = (sever: string) => planCell(testCell({ session: 'mosh', launch: 'nohup', sever })).supported;
  t.match(why('sshd-kill'), /no per-session sshd is left to kill: mosh-server/);
  t.match(why('reject'), /a TCP reset cannot answer the UDP flow of mosh-server/);
  t.match(why('nat-expiry:10'), /NAT router forwards only the ssh connection/);
  for (const sever of ['client-kill', 'drop', 'sleep:12', 'logout', 'hangup', 'sshd-restart']) t.equal(why(sever), true, sever);
  t.match(planCell(testCell({ session: 'mosh', launch: 'foreground', sever: 'logout' })).supported, /a foreground job holds the terminal/);
});

t.test('mosh: it runs the ssh client itself, so only a client with declared options can bootstrap it', async t => {
  t.equal(planCell(testCell({ session: 'mosh', launch: 'nohup', sever: 'drop' })).supported, true, 'openssh');
  t.match(planCell(testCell({ session: 'mosh', launch: 'nohup', sever: 'drop', client: 'plink' })).supported, /the plink client cannot: a mosh session runs its client itself/);
});
