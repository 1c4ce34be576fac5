import t from 'tap';
import groupKill from '../../harness/sever/group-kill.js';
import hangup from '../../harness/sever/hangup.js';
import { killArgv } from '../../harness/sever/signal.js';

t.test('killArgv: procps kill as the user, without PAM (setpriv)', async t => {
  t.same(killArgv('hlabc', 'HUP', { pid: 777 }), ['setpriv', '--reuid=hlabc', '--regid=hlabc', '--init-groups', '--', '/bin/kill', '-s', 'HUP', '--', '777']);
  t.same(killArgv('hlabc', 'TERM', { pgid: 770 }).slice(-2), ['--', '-770']);
});

t.test('the signal severs leave the session open and say how long to watch', async t => {
  for (const s of [hangup, groupKill]) {
    t.equal(s.endsSession, false);
    t.equal(s.needsLiveSession, false);
    t.ok(s.settleMs! > 0);
  }
});
