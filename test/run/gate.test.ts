import t from 'tap';
import { Gate } from '../../harness/run/gate.js';

t.test('a gate lets `limit` in, the rest in order as places free up', async t => {
  const gate = new Gate(2);
  const order: number[] = [];
  const a = await gate.enter();
  const b = await gate.enter();
  t.equal(gate.busy, 2);
  const c = gate.enter().then(r => (order.push(3), r));
  const d = gate.enter().then(r => (order.push(4), r));
  await new Promise(r => setTimeout(r, 5));
  t.equal(gate.queued, 2, 'two wait');
  a();
  a(); // twice: harmless
  const rc = await c;
  t.same(order, [3], 'the first waiter got the place');
  b();
  const rd = await d;
  t.same(order, [3, 4]);
  t.equal(gate.busy, 2);
  rc();
  rd();
  t.equal(gate.busy, 0, 'all places free');
});
