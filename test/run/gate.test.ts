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

t.test('a heavy holder waits for the gate to empty and holds every place; no overtaking', async t => {
  const gate = new Gate(4);
  const light = await gate.enter();
  const order: string[] = [];
  const heavy = gate.enter(Number.POSITIVE_INFINITY).then(r => (order.push('heavy'), r));
  const after = gate.enter().then(r => (order.push('light after'), r));
  await new Promise(r => setTimeout(r, 5));
  t.same(order, [], 'the heavy one waits for the light one; the light one behind it does not overtake');
  light();
  const rh = await heavy;
  t.equal(gate.busy, 4, 'the heavy holder has all places');
  await new Promise(r => setTimeout(r, 5));
  t.same(order, ['heavy']);
  rh();
  (await after)();
  t.equal(gate.busy, 0);
});

t.test('a waiter whose signal aborts leaves the queue and never takes a place', async t => {
  const gate = new Gate(1);
  const held = await gate.enter();
  const ac = new AbortController();
  const waiting = gate.enter(1, ac.signal);
  const next = gate.enter();
  ac.abort(new Error('budget'));
  await t.rejects(waiting, /budget/);
  t.equal(gate.queued, 1, 'only the other waiter is left');
  held();
  (await next)();
  t.equal(gate.busy, 0);
  await t.rejects(gate.enter(1, ac.signal), /budget/, 'an aborted signal does not even queue');
  t.equal(gate.queued, 0);
});
