import t from 'tap';
import { psStat } from '../harness/results.js';

// A pty login as the snapshot sees it: bash leads the session on pts/0 (tty_nr 34816).
const bash = { pid: 181, pgid: 181, sid: 181, state: 'S' };

t.test('the foreground job of a terminal is S+, as ps shows it', async t => {
  t.equal(psStat({ pid: 190, pgid: 190, sid: 181, state: 'S', tpgid: 190 }), 'S+');
  // bash while the job runs: it leads the session, and its group is not the foreground one.
  t.equal(psStat({ ...bash, tpgid: 190 }), 'Ss');
  // bash at its prompt: its own group is the foreground one again.
  t.equal(psStat({ ...bash, tpgid: 181 }), 'Ss+');
});

t.test('a background job, a stopped one, and one without a terminal get no +', async t => {
  t.equal(psStat({ pid: 200, pgid: 200, sid: 181, state: 'S', tpgid: 181 }), 'S');
  t.equal(psStat({ pid: 200, pgid: 200, sid: 181, state: 'T', tpgid: 181 }), 'T');
  // setsid: a session of its own without a terminal; /proc says tpgid -1.
  t.equal(psStat({ pid: 300, pgid: 300, sid: 300, state: 'S', tpgid: -1 }), 'Ss');
  // after a hangup the terminal has no foreground group left (0).
  t.equal(psStat({ pid: 190, pgid: 190, sid: 181, state: 'S', tpgid: 0 }), 'S');
});

t.test('results written before tpgid was recorded cannot tell the +', async t => {
  t.equal(psStat({ pid: 190, pgid: 190, sid: 181, state: 'S' }), null);
});
