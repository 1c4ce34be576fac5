// The step runner: steps in order, teardowns in reverse on every path, a stop named by its step,
// and a teardown that throws never keeps the others from running.
import t from 'tap';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { StepRunner, StepStopped, type Step } from '../../harness/run/steps.js';

/** A step that logs its run and its teardown, and returns its title. */
function logged(title: string, log: string[], o: { fail?: Error; teardownFails?: boolean } = {}): Step<string> {
  return {
    title,
    run() {
      log.push(`run ${title}`);
      if (o.fail) throw o.fail;
      return title;
    },
    teardown(value) {
      log.push(`teardown ${value}`);
      if (o.teardownFails) throw new Error(`${title} would not undo`);
    },
  };
}

t.test('steps run in order, pass their values on, and unwind last first', async t => {
  const log: string[] = [];
  const titles: string[] = [];
  const runner = new StepRunner({ signal: new AbortController().signal, onTitle: x => titles.push(x) });
  const a = await runner.run(logged('a', log));
  const b = await runner.run({ title: 'b', run: () => `${a}+b`, teardown: v => void log.push(`teardown ${v}`) });
  await runner.run(logged('c', log));
  await runner.unwind();
  t.equal(b, 'a+b');
  t.same(log, ['run a', 'run c', 'teardown c', 'teardown a+b', 'teardown a']);
  t.same(titles, ['a', 'b', 'c', 'cleaning up']);
  t.same(runner.teardownFailures, []);
});

t.test('a step that throws leaves no teardown; the completed ones unwind in reverse; its error keeps its type', async t => {
  const log: string[] = [];
  const runner = new StepRunner({ signal: new AbortController().signal });
  class Own extends Error {}
  try {
    await runner.run(logged('a', log));
    await runner.run(logged('b', log));
    await runner.run(logged('c', log, { fail: new Own('c failed') }));
    await runner.run(logged('d', log));
    t.fail('not reached');
  } catch (e) {
    t.type(e, Own);
  } finally {
    await runner.unwind();
  }
  t.same(log, ['run a', 'run b', 'run c', 'teardown b', 'teardown a']);
});

t.test('a stop names the step in progress; no later step begins; the stack unwinds', async t => {
  const log: string[] = [];
  const stop = new AbortController();
  const runner = new StepRunner({ signal: stop.signal });
  const waits: Step<void> = {
    title: 'waiting for the probe',
    async run({ signal }) {
      setTimeout(() => stop.abort(new Error('the budget ran out')), 10);
      await sleepFor(10_000, undefined, { signal });
    },
  };
  await runner.run(logged('a', log));
  const err = await runner.run(waits).catch(e => e);
  t.type(err, StepStopped);
  t.equal(err.step, 'waiting for the probe');
  t.match(err.message, /^stopped at "waiting for the probe": the budget ran out$/);
  t.equal(runner.title, 'waiting for the probe', 'what the budget message names');
  await t.rejects(runner.run(logged('b', log)), 'a stopped runner starts nothing new');
  await runner.unwind();
  t.same(log, ['run a', 'teardown a']);
});

t.test('a part of a step is named, and a stop before it ends the step there', async t => {
  const stop = new AbortController();
  const titles: string[] = [];
  const runner = new StepRunner({ signal: stop.signal, onTitle: x => titles.push(x) });
  const err = await runner
    .run({
      title: 'setting up',
      run({ part }) {
        part('setup try 1: preparing the login user');
        stop.abort(new Error('stop'));
        part('setup try 1: opening the pty session');
      },
    })
    .catch(e => e);
  t.type(err, StepStopped);
  t.equal(err.step, 'setup try 1: preparing the login user');
  t.same(titles, ['setting up', 'setup try 1: preparing the login user']);
});

t.test('a step abandoned on stop is let go at once; its late failure is nobody\'s business', async t => {
  const stop = new AbortController();
  const runner = new StepRunner({ signal: stop.signal });
  let finish: (e: Error) => void = () => {};
  const slow = new Promise<void>((_, reject) => (finish = reject));
  setTimeout(() => stop.abort(new Error('the budget ran out')), 10);
  const err = await runner.run({ title: 'applying the sever (sleep:30)', abandonOnStop: true, run: () => slow }).catch(e => e);
  t.type(err, StepStopped);
  t.equal(err.step, 'applying the sever (sleep:30)');
  finish(new Error('the nap ended on a healed connection'));
  await sleepFor(5);
});

t.test('a teardown that throws is recorded and the others still run', async t => {
  const log: string[] = [];
  const runner = new StepRunner({ signal: new AbortController().signal });
  await runner.run(logged('a', log));
  await runner.run(logged('b', log, { teardownFails: true }));
  runner.defer('c (deferred)', () => Promise.reject(new Error('c would not undo')));
  await runner.run(logged('d', log));
  await runner.unwind();
  t.same(log, ['run a', 'run b', 'run d', 'teardown d', 'teardown b', 'teardown a']);
  t.same(
    runner.teardownFailures.map(f => [f.title, (f.error as Error).message]),
    [
      ['c (deferred)', 'c would not undo'],
      ['b', 'b would not undo'],
    ],
  );
});

t.test('await using unwinds on the way out', async t => {
  const log: string[] = [];
  {
    await using runner = new StepRunner({ signal: new AbortController().signal });
    await runner.run(logged('a', log));
  }
  t.same(log, ['run a', 'teardown a']);
});

t.test('unwinding twice runs each teardown once', async t => {
  const log: string[] = [];
  const runner = new StepRunner({ signal: new AbortController().signal });
  await runner.run(logged('a', log));
  await runner.unwind();
  await runner.unwind();
  t.same(log, ['run a', 'teardown a']);
});

t.test('a stopped step carries what it threw, so what travels on it (the setup\'s tries) is not lost', async t => {
  const stop = new AbortController();
  const runner = new StepRunner({ signal: stop.signal });
  const thrown = Object.assign(new Error('the stop, as the setup rethrew it'), { setupAttempts: 2 });
  const err = await runner
    .run({
      title: 'setting up',
      run() {
        stop.abort(new Error('the run stopped'));
        throw thrown;
      },
    })
    .catch(e => e);
  t.type(err, StepStopped);
  t.equal(err.cause, thrown);
  t.equal((err.reason as Error).message, 'the run stopped');
});
