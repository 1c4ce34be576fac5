import t from 'tap';
import { DEFAULT_AXES, OTHER_AXES } from '../fixtures/cell.js';
import { cellId } from '../../harness/matrix/cell-id.js';
import { expand, type Axes } from '../../harness/matrix/expand.js';
import { AXIS_NAMES, type AxisName, type Cell } from '../../harness/results.js';

type Values = Omit<Cell, 'id' | 'caseId' | 'rep'>;

const values: Values = { ...DEFAULT_AXES, clientAlive: '1/2' };

/** Another valid value for each axis. */
const other = OTHER_AXES;

t.test('an id is 10 lowercase hex characters', async t => {
  t.match(cellId(values), /^[0-9a-f]{10}$/);
  t.match(cellId({ ...values, rep: 2 }), /^[0-9a-f]{10}$/);
});

t.test('the same axis values give the same id on every call', async t => {
  t.equal(cellId(values), cellId({ ...values }));
});

t.test('the id does not depend on the order of the keys', async t => {
  const reversed = Object.fromEntries(Object.entries(values).reverse());
  t.equal(cellId(reversed), cellId(values));
  t.equal(cellId({ rep: 3, ...values }), cellId({ ...values, rep: 3 }));
});

t.test('changing any one axis value changes the id', async t => {
  const base = cellId(values);
  for (const axis of AXIS_NAMES) t.not(cellId({ ...values, [axis]: other[axis] }), base, axis);
});

t.test('the repetition number is part of the id', async t => {
  const ids = [cellId(values), cellId({ ...values, rep: 1 }), cellId({ ...values, rep: 2 }), cellId({ ...values, rep: 3 })];
  t.equal(new Set(ids).size, 4);
});

t.test('a number and its text give different ids (values are hashed with their JSON type)', async t => {
  t.not(cellId({ ...values, rep: 2 }), cellId({ ...values, rep: '2' }));
});

t.test('swapping values between axes changes the id', async t => {
  const a = cellId({ ...values, launch: 'x', sever: 'y' });
  const b = cellId({ ...values, launch: 'y', sever: 'x' });
  t.not(a, b);
});

t.test('a sever parameter is part of the id', async t => {
  t.not(cellId({ ...values, sever: 'sleep:20' }), cellId({ ...values, sever: 'sleep:30' }));
  t.not(cellId({ ...values, sever: 'sleep:20' }), cellId({ ...values, sever: 'sleep' }));
});

t.test('all cells of a large matrix over the new axes have distinct ids', async t => {
  const axes: Axes = {
    target: ['debian-bookworm'],
    server: ['openssh'],
    client: ['openssh'],
    user: ['lab', 'root'],
    session: ['pty', 'exec', 'exec-tty'],
    launch: ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux', 'screen', 'systemd-run-user'],
    workload: ['chatty', 'quiet'],
    sever: ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sleep:20', 'nat-expiry:10', 'sshd-restart', 'hangup', 'group-kill'],
    clientAlive: ['off', '1/2'],
    serverAlive: ['off', '5/2'],
    tcpKeepAlive: ['yes', 'no'],
    kernel: ['default'],
    killUserProcesses: ['no', 'yes'],
    linger: ['off'],
    huponexit: ['off'],
  };
  const cells = expand([{ axes, matrixAxes: AXIS_NAMES, exclude: [], include: [], latencyRepeats: 3 }], { repeats: (c, b) => (c.sever === 'drop' ? b.latencyRepeats : 1) });
  const cases = 2 * 3 * 8 * 2 * 10 * 2 * 2 * 2 * 2;
  t.equal(cells.length, cases + (cases / 10) * 2);
  t.equal(new Set(cells.map(c => c.id)).size, cells.length);
  t.equal(new Set(cells.map(c => c.caseId)).size, cases);
});
