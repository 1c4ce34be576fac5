import t from 'tap';
import { pool, watchWindow } from '../../harness/run/matrix.js';
import type { Scenario } from '../../harness/scenario/load.js';

function scenario(sshd: Partial<Scenario['sshd']>, run: Partial<Scenario['run']> = {}): Scenario {
  return {
    file: 'test.yaml',
    name: 'test',
    description: '',
    axes: { target: ['debian-bookworm'], session: ['pty'], launch: ['nohup'], workload: ['quiet'], sever: ['drop'] },
    exclude: [],
    include: [],
    sshd: { ClientAliveInterval: 0, ClientAliveCountMax: 3, TCPKeepAlive: true, extra: [], ...sshd },
    sysctls: {},
    run: { concurrency: 10, ...run },
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

t.test('watchWindow: ClientAlive 1 × 2 waits 2 × 3 × 1 s plus 5 s for the session, 15 s after it', async t => {
  t.same(watchWindow(scenario({ ClientAliveInterval: 1, ClientAliveCountMax: 2 })), {
    sessionTimeoutMs: 11_000,
    afterSessionMs: 15_000,
  });
});

t.test('watchWindow: the session timeout grows with the keepalive settings', async t => {
  t.equal(watchWindow(scenario({ ClientAliveInterval: 5, ClientAliveCountMax: 3 })).sessionTimeoutMs, 45_000);
});

t.test('watchWindow: ClientAliveCountMax 0 disables the keepalive, leaving the 8 s floor', async t => {
  t.equal(watchWindow(scenario({ ClientAliveInterval: 1, ClientAliveCountMax: 0 })).sessionTimeoutMs, 8000);
});

t.test('watchWindow: ClientAliveInterval 0 (no keepalive) leaves the 8 s floor', async t => {
  t.equal(watchWindow(scenario({ ClientAliveInterval: 0, ClientAliveCountMax: 3 })).sessionTimeoutMs, 8000);
});

t.test('watchWindow: explicit run settings win over the computed ones', async t => {
  t.same(
    watchWindow(scenario({ ClientAliveInterval: 1, ClientAliveCountMax: 2 }, { sessionTimeoutMs: 3000, afterSessionMs: 0 })),
    { sessionTimeoutMs: 3000, afterSessionMs: 0 },
  );
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
