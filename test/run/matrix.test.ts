import path from 'node:path';
import t from 'tap';
import { pool, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

t.test('scenarioCells: the cases of every block, detection-latency cases repeated', async t => {
  const dir = t.testdir({
    's.yaml': `name: t
target: debian-bookworm
sshd: { ClientAliveInterval: 1, ClientAliveCountMax: 2 }
axes: { session: [pty], launch: [nohup], workload: [quiet] }
run: { latencyRepeats: 3 }
matrices:
  - axes: { sever: [logout, drop] }
  - axes: { sever: [drop, "sleep:5"], user: [root] }
`,
  });
  const cells = scenarioCells(loadScenario(path.join(dir, 's.yaml')));
  t.same(
    cells.map(c => `${c.user} ${c.sever} ${c.rep}`),
    ['lab logout 1', 'lab drop 1', 'lab drop 2', 'lab drop 3', 'root drop 1', 'root drop 2', 'root drop 3', 'root sleep:5 1', 'root sleep:5 2', 'root sleep:5 3'],
  );
  t.equal(new Set(cells.map(c => c.id)).size, cells.length);
  t.equal(new Set(cells.map(c => c.caseId)).size, 4);
});

t.test('scenarioCells: without a keepalive nothing repeats', async t => {
  const dir = t.testdir({
    's.yaml': 'name: t\ntarget: debian-bookworm\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [drop, reject, logout] }\n',
  });
  const cells = scenarioCells(loadScenario(path.join(dir, 's.yaml')));
  t.same(cells.map(c => c.rep), [1, 1, 1]);
});

t.test('pool: results come back in input order even when later items finish first', async t => {
  const delays = [40, 5, 25, 1, 30, 10, 0, 15];
  const out = await pool(delays, 3, async ms => {
    await sleep(ms);
    return `done ${ms}`;
  });
  t.same(out, delays.map(ms => `done ${ms}`));
});

t.test('pool: never more than the limit run at once, and the limit is used', async t => {
  let active = 0;
  let peak = 0;
  const items = Array.from({ length: 20 }, (_, i) => i);
  const out = await pool(items, 4, async i => {
    active++;
    peak = Math.max(peak, active);
    await sleep(2 + (i % 5));
    active--;
    return i * 2;
  });
  t.equal(peak, 4);
  t.same(out, items.map(i => i * 2));
});

t.test('pool: each item is processed exactly once', async t => {
  const calls: number[] = [];
  await pool([1, 2, 3, 4, 5], 2, async i => {
    calls.push(i);
    await sleep(1);
  });
  t.same(calls.sort(), [1, 2, 3, 4, 5]);
});

t.test('pool: a limit above the number of items starts one worker per item', async t => {
  let active = 0;
  let peak = 0;
  const out = await pool(['a', 'b'], 10, async s => {
    active++;
    peak = Math.max(peak, active);
    await sleep(5);
    active--;
    return s.toUpperCase();
  });
  t.equal(peak, 2);
  t.same(out, ['A', 'B']);
});

t.test('pool: limit 1 runs the items one after another, in order', async t => {
  const order: string[] = [];
  await pool(['a', 'b', 'c'], 1, async s => {
    order.push(`start ${s}`);
    await sleep(1);
    order.push(`end ${s}`);
  });
  t.same(order, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

t.test('pool: no items, no calls', async t => {
  let calls = 0;
  t.same(
    await pool([], 4, async () => {
      calls++;
    }),
    [],
  );
  t.equal(calls, 0);
});

t.test('pool: a failing item rejects the whole pool', async t => {
  await t.rejects(
    pool([1, 2, 3], 2, async i => {
      if (i === 2) throw new Error('item 2 failed');
      return i;
    }),
    { message: 'item 2 failed' },
  );
});
