import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { needsBirthTrace } from '../../harness/observe/birth-trace.js';
import { sessions } from '../../harness/session/registry.js';

t.test('only cells whose probe can die at birth are traced, decided by the plug-ins\' traits', async t => {
  const traced = sessions.all.flatMap(s => launches.all.filter(l => needsBirthTrace(s, l)).map(l => `${s.name}/${l.name}`));
  // A terminal but no shell to wait in, and a line that returns while the probe starts.
  t.same(traced.sort(), ['exec-tty/background', 'exec-tty/disown', 'exec-tty/dtach', 'exec-tty/nohup', 'exec-tty/nohup-to-file', 'exec-tty/setsid', 'exec-tty/systemd-run-scope']);
});

t.test('the traits, not the names, decide', async t => {
  t.equal(needsBirthTrace({ remotePty: true, shell: false }, { startsInBackground: true }), true);
  t.equal(needsBirthTrace({ remotePty: false, shell: false }, { startsInBackground: true }), false, 'no terminal, no hangup');
  t.equal(needsBirthTrace({ remotePty: true, shell: true }, { startsInBackground: true }), false, 'the shell stays');
  t.equal(needsBirthTrace({ remotePty: true, shell: false }, {}), false, 'the line waits for the probe');
  t.equal(needsBirthTrace({ remotePty: false, shell: false }, { startsInBackground: true }, { killUserProcesses: 'yes' }), true, 'KillUserProcesses stops the scope at the end, terminal or not');
  t.equal(needsBirthTrace({ remotePty: false, shell: true }, { startsInBackground: true }, { killUserProcesses: 'yes' }), false, 'the shell stays');
  t.equal(needsBirthTrace({ remotePty: false, shell: false, seversLaterLogin: true }, {}, { killUserProcesses: 'yes' }), true, "a later login: the launching session's end comes first, whatever the launch");
  t.equal(needsBirthTrace({ remotePty: false, shell: false, seversLaterLogin: true }, {}, { killUserProcesses: 'no' }), false);
});

t.test('doctor can ask whether this host gives the witness at all', async t => {
  const { birthTraceAvailability } = await import('../../harness/observe/birth-trace.js');
  const { runAllCleanups } = await import('../../harness/core/cleanup.js');
  const answer = await birthTraceAvailability();
  // Either answer is legitimate; what matters is that a "no" says why.
  if (answer !== true) t.match(answer, /root|tracefs|ftrace/);
  else t.pass('available here');
  t.comment(`this host: ${answer === true ? 'available' : answer}`);
  await runAllCleanups();
});
