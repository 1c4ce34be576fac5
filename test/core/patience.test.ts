import t from 'tap';
import { loadStretch, MAX_STRETCH, patientMs } from '../../harness/core/patience.js';

t.test('loadStretch: 1 up to one runnable task per CPU, then the load per CPU, capped', async t => {
  t.equal(loadStretch(0, 2), 1);
  t.equal(loadStretch(2, 2), 1);
  t.equal(loadStretch(5, 2), 2.5);
  t.equal(loadStretch(45, 2), MAX_STRETCH);
  t.equal(loadStretch(3, 0), MAX_STRETCH, 'a machine that reports no CPU counts as one');
});

t.test('patientMs: a quiet bound times the stretch, whole milliseconds', async t => {
  t.equal(patientMs(20_000, 1), 20_000);
  t.equal(patientMs(15_000, 1.37), 20_550);
  t.ok(patientMs(20_000) >= 20_000, 'never shorter than on a quiet machine');
});
