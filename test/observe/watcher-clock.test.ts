// The watcher's events on this machine's clock: a server of the user's own has a clock of its own.
import t from 'tap';
import { onLocalClock, type WatchEvent } from '../../harness/observe/watcher.js';

t.test('times move by the offset; a probe log line moves its leading time too', async t => {
  const gone: WatchEvent = { t: 5000.5, e: 'gone', pid: 7, how: 'exited' };
  t.same(onLocalClock(gone, 1000), { ...gone, t: 4000.5 });
  const log: WatchEvent = { t: 5000, e: 'log', line: '4999.9 sig HUP code=0 sender=12' };
  t.same(onLocalClock(log, -250.5), { t: 5250.5, e: 'log', line: '5250.4 sig HUP code=0 sender=12' });
  t.equal(onLocalClock(log, 0), log, 'a container shares the kernel: untouched');
});
