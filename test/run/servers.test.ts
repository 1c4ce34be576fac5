import t from 'tap';
import { testCell, OTHER_AXES } from '../fixtures/cell.js';
import { AXIS_NAMES, SERVER_AXES, type AxisName, type Cell } from '../../harness/results.js';
import { needsOwnServer, serverConfig, serverKey } from '../../harness/run/servers.js';
import { severs } from '../../harness/sever/registry.js';

/** The builder's cell with ClientAlive 1/2, the server setting these tests vary from. */
const cell = (o: Partial<Cell> = {}): Cell => testCell({ clientAlive: '1/2', ...o });

/** Another value for each axis. */
const other = OTHER_AXES;

t.test('serverConfig: the server-side axes of the cell', async t => {
  t.same(serverConfig(cell({ clientAlive: '5/2', tcpKeepAlive: 'no', kernel: 'tcp_retries2=3', killUserProcesses: 'yes' })), {
    server: 'openssh',
    clientAlive: '5/2',
    tcpKeepAlive: 'no',
    kernel: 'tcp_retries2=3',
    killUserProcesses: 'yes',
  });
});

t.test('serverKey: the target and every server-side axis, readable', async t => {
  t.equal(serverKey(cell()), 'debian-bookworm clientAlive=1/2 tcpKeepAlive=yes kernel=default killUserProcesses=no');
});

t.test('serverKey: changes with each server axis, and only with those', async t => {
  const base = serverKey(cell());
  for (const axis of AXIS_NAMES) {
    const changed = serverKey(cell({ [axis]: other[axis] }));
    if ((SERVER_AXES as readonly string[]).includes(axis)) t.not(changed, base, `${axis} is a server axis`);
    else t.equal(changed, base, `${axis} is not`);
  }
  t.equal(serverKey({ ...cell(), rep: 4 }), base, 'nor does the repetition');
});

t.test('needsOwnServer: root logins get a container of their own', async t => {
  t.ok(needsOwnServer(cell({ user: 'root' })));
  t.ok(needsOwnServer(cell({ user: 'root', sever: 'logout' })));
});

t.test('needsOwnServer: an sshd restart gets a container of its own, also for lab', async t => {
  t.ok(needsOwnServer(cell({ sever: 'sshd-restart' })));
});

t.test('needsOwnServer: any other lab cell shares its server', async t => {
  for (const sever of ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sleep', 'sleep:20', 'nat-expiry:10', 'hangup', 'group-kill']) {
    t.notOk(needsOwnServer(cell({ sever })), sever);
  }
});

t.test('needsOwnServer: sshd-restart is the only exclusive sever', async t => {
  t.same(
    severs.all.filter(s => s.exclusive).map(s => s.name),
    ['sshd-restart'],
  );
});
