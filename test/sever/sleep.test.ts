import t from 'tap';
import sleep, { resumeWatchMs } from '../../harness/sever/sleep.js';

t.test('sleep: seconds asleep, 1 to 600, 20 by default', async t => {
  t.same(sleep.param, { meaning: 'seconds asleep', default: 20, min: 1, max: 600 });
  t.equal(sleep.layer, 'tcp');
  t.equal(sleep.endsSession, true);
  t.same(sleep.detectors, ['sshd-clientalive', 'tcp-keepalive', 'client-serveralive', 'write']);
});

t.test('sleep: the window covers the nap and the watch after it', async t => {
  t.ok(sleep.extraWindowMs!(600) > 600_000 + resumeWatchMs('5/3'));
  t.equal(sleep.extraWindowMs!(30) - sleep.extraWindowMs!(20), 10_000);
});

t.test('resumeWatchMs: the client ServerAlive budget, at least 3 s, at most 20 s', async t => {
  t.equal(resumeWatchMs('off'), 3000);
  t.equal(resumeWatchMs('1/2'), 5000);
  t.equal(resumeWatchMs('5/3'), 20_000);
  t.equal(resumeWatchMs('15/3'), 20_000);
});
