import t from 'tap';
import { cellId, type CellAxes } from '../../harness/matrix/cell-id.js';
import { expand } from '../../harness/matrix/expand.js';

const axes: CellAxes = { target: 'debian-bookworm', session: 'pty', launch: 'nohup', workload: 'quiet', sever: 'drop' };

t.test('an id is 10 lowercase hex characters', async t => {
  t.match(cellId(axes), /^[0-9a-f]{10}$/);
});

t.test('the same axis values give the same id on every call', async t => {
  t.equal(cellId(axes), cellId({ ...axes }));
});

t.test('the id does not depend on the order of the keys', async t => {
  const reordered: CellAxes = { sever: 'drop', workload: 'quiet', launch: 'nohup', session: 'pty', target: 'debian-bookworm' };
  t.equal(cellId(reordered), cellId(axes));
});

t.test('changing any one axis value changes the id', async t => {
  const base = cellId(axes);
  t.not(cellId({ ...axes, target: 'debian-trixie' }), base);
  t.not(cellId({ ...axes, session: 'exec' }), base);
  t.not(cellId({ ...axes, launch: 'setsid' }), base);
  t.not(cellId({ ...axes, workload: 'chatty' }), base);
  t.not(cellId({ ...axes, sever: 'logout' }), base);
});

t.test('swapping values between axes changes the id', async t => {
  const a = cellId({ ...axes, launch: 'x', sever: 'y' });
  const b = cellId({ ...axes, launch: 'y', sever: 'x' });
  t.not(a, b);
});

t.test('all 128 cells of the default matrix have distinct ids', async t => {
  const cells = expand({
    target: ['debian-bookworm'],
    session: ['pty', 'exec'],
    launch: ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux', 'screen', 'systemd-run-user'],
    workload: ['chatty', 'quiet'],
    sever: ['logout', 'client-kill', 'sshd-kill', 'drop'],
  });
  t.equal(cells.length, 128);
  t.equal(new Set(cells.map(c => c.id)).size, 128);
});
