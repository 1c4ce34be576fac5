// Every wait has a bound that says what it waited for (harness/run/deadline.ts).
import t from 'tap';
import { DeadlineError, withDeadline } from '../../harness/core/deadline.js';
import { cellBudgetMs } from '../../harness/run/cell.js';

t.test('withDeadline: the value in time, a DeadlineError with the message after', async t => {
  t.equal(await withDeadline(Promise.resolve(7), 1000, () => 'never'), 7);
  await t.rejects(withDeadline(new Promise(() => {}), 20, () => 'waited for Godot for 0.02 s'), new DeadlineError('waited for Godot for 0.02 s'));
  await t.rejects(withDeadline(Promise.reject(new Error('own')), 1000, () => 'never'), { message: 'own' }, 'its own error passes through');
  // The abandoned promise failing later must not surface as an unhandled rejection.
  let fail!: (e: Error) => void;
  const late = new Promise<number>((_, reject) => (fail = reject));
  await t.rejects(withDeadline(late, 10, () => 'late'), { message: 'late' });
  fail(new Error('too late'));
  await new Promise(r => setTimeout(r, 10));
});

t.test('a cell budget covers its window and the bounded steps around it', async t => {
  t.equal(cellBudgetMs({ sessionTimeoutMs: 8000, afterSessionMs: 15000 }, 1), 8000 + 15000 + 210_000);
});
