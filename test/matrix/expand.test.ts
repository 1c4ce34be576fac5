import t from 'tap';
import { cellId } from '../../harness/matrix/cell-id.js';
import { expand, matches, type Axes } from '../../harness/matrix/expand.js';
import type { Cell } from '../../harness/results.js';

const small: Axes = {
  target: ['debian-bookworm'],
  session: ['pty', 'exec'],
  launch: ['nohup', 'tmux'],
  workload: ['quiet'],
  sever: ['logout', 'drop'],
};

const key = (c: Cell) => `${c.session}/${c.launch}/${c.workload}/${c.sever}`;

t.test('the cross product has one cell per combination, last axis varying fastest', async t => {
  const cells = expand(small);
  t.same(cells.map(key), [
    'pty/nohup/quiet/logout',
    'pty/nohup/quiet/drop',
    'pty/tmux/quiet/logout',
    'pty/tmux/quiet/drop',
    'exec/nohup/quiet/logout',
    'exec/nohup/quiet/drop',
    'exec/tmux/quiet/logout',
    'exec/tmux/quiet/drop',
  ]);
  t.ok(cells.every(c => c.target === 'debian-bookworm'));
});

t.test('values keep the order the scenario lists them in', async t => {
  const cells = expand({ ...small, session: ['exec', 'pty'], sever: ['drop', 'logout'] });
  t.same(cells.slice(0, 2).map(key), ['exec/nohup/quiet/drop', 'exec/nohup/quiet/logout']);
});

t.test('an empty axis yields no cells', async t => {
  t.same(expand({ ...small, launch: [] }), []);
});

t.test('each cell carries the id of its own axis values', async t => {
  for (const c of expand(small)) {
    const { id, ...axes } = c;
    t.equal(id, cellId(axes));
  }
});

t.test('a partial exclude pattern removes every cell it matches and nothing else', async t => {
  const cells = expand(small, [{ session: 'exec', launch: 'tmux' }]);
  t.equal(cells.length, 6);
  t.notOk(cells.some(c => c.session === 'exec' && c.launch === 'tmux'));
  t.ok(cells.some(c => c.session === 'exec' && c.launch === 'nohup'));
  t.ok(cells.some(c => c.session === 'pty' && c.launch === 'tmux'));
});

t.test('several exclude patterns each remove their own cells', async t => {
  const cells = expand(small, [{ sever: 'drop' }, { session: 'pty', launch: 'nohup' }]);
  t.same(cells.map(key), ['pty/tmux/quiet/logout', 'exec/nohup/quiet/logout', 'exec/tmux/quiet/logout']);
});

t.test('an exclude pattern naming all axes removes exactly one cell', async t => {
  const cells = expand(small, [
    { target: 'debian-bookworm', session: 'pty', launch: 'tmux', workload: 'quiet', sever: 'drop' },
  ]);
  t.equal(cells.length, 7);
  t.notOk(cells.some(c => key(c) === 'pty/tmux/quiet/drop'));
});

t.test('an exclude pattern that matches nothing changes nothing', async t => {
  t.same(expand(small, [{ launch: 'screen' }]), expand(small));
});

t.test('an include naming every axis adds that cell at the end', async t => {
  const extra = { target: 'debian-bookworm', session: 'pty', launch: 'setsid', workload: 'chatty', sever: 'sshd-kill' };
  const cells = expand(small, [], [extra]);
  t.equal(cells.length, 9);
  const last = cells.at(-1)!;
  t.match(last, extra);
  t.equal(last.id, cellId({ ...extra, workload: 'chatty' }));
});

t.test('an include of a cell already in the matrix is not duplicated', async t => {
  const existing = { target: 'debian-bookworm', session: 'exec', launch: 'nohup', workload: 'quiet', sever: 'drop' };
  t.same(expand(small, [], [existing]), expand(small));
});

t.test('the same include given twice adds the cell once', async t => {
  const extra = { target: 'debian-bookworm', session: 'pty', launch: 'screen', workload: 'quiet', sever: 'logout' };
  const cells = expand(small, [], [extra, { ...extra }]);
  t.equal(cells.length, 9);
  t.equal(new Set(cells.map(c => c.id)).size, 9);
});

t.test('an include that leaves out an axis is ignored', async t => {
  t.same(expand(small, [], [{ session: 'pty', launch: 'screen', workload: 'quiet', sever: 'logout' }]), expand(small));
});

t.test('an include brings back a cell that an exclude removed', async t => {
  const cell = { target: 'debian-bookworm', session: 'exec', launch: 'tmux', workload: 'quiet', sever: 'drop' };
  const cells = expand(small, [{ session: 'exec' }], [cell]);
  t.same(cells.map(key), [
    'pty/nohup/quiet/logout',
    'pty/nohup/quiet/drop',
    'pty/tmux/quiet/logout',
    'pty/tmux/quiet/drop',
    'exec/tmux/quiet/drop',
  ]);
});

t.test('matches: every key of the pattern must equal the value; an empty pattern matches all', async t => {
  const values = { session: 'pty', launch: 'nohup', sever: 'drop' };
  t.ok(matches(values, { session: 'pty' }));
  t.ok(matches(values, { session: 'pty', sever: 'drop' }));
  t.notOk(matches(values, { session: 'pty', sever: 'logout' }));
  t.notOk(matches(values, { workload: 'quiet' }));
  t.ok(matches(values, {}));
});
