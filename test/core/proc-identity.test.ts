// Which process a pid names now (core/proc-identity.ts): a signal for a client that is gone must
// never reach the process that was given its number since, here a probe in a target.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startTimeOf, stillOurs } from '../../harness/core/proc-identity.js';

/** A fake /proc: pid → [pgrp, start time, pid namespace]. */
function fakeProc(dir: string, procs: Record<number, [number, number, string]>, self: string): string {
  const mk = (name: string, ns: string, stat?: string) => {
    fs.mkdirSync(path.join(dir, name, 'ns'), { recursive: true });
    fs.symlinkSync(ns, path.join(dir, name, 'ns', 'pid'));
    if (stat) fs.writeFileSync(path.join(dir, name, 'stat'), stat);
  };
  mk('self', self);
  for (const [pid, [pgrp, start, ns]] of Object.entries(procs)) {
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
    mk(pid, ns, `${pid} (a (b) c) S 1 ${pgrp} ${pgrp} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`);
  }
  return dir;
}

t.test('a pid is ours while its start time is the one read at spawn', async t => {
  const proc = fakeProc(t.testdir({}), { 100: [100, 5000, 'pid:[1]'], 200: [200, 9000, 'pid:[2]'] }, 'pid:[1]');
  t.equal(startTimeOf(100, proc), 5000, "a comm with parentheses and spaces is read past its last ')'");
  t.same(stillOurs(100, 5000, proc), [100], 'the same process');
  t.same(stillOurs(200, 4000, proc), [], 'the number now names a later process: not ours');
  t.same(stillOurs(300, 4000, proc), [], 'gone');
  t.same(stillOurs(100, null, proc), [], 'never read: nothing to signal');
});

t.test('a group whose leader is gone: only its members in our pid namespace, started no earlier', async t => {
  const proc = fakeProc(
    t.testdir({}),
    {
      // 100 led the group and is gone; 101 (its ssh child) lives on in the group.
      101: [100, 5100, 'pid:[1]'],
      102: [100, 4000, 'pid:[1]'], // started before the leader: an older holder, not ours
      103: [100, 6000, 'pid:[2]'], // a target's process in its own namespace with that pgid
      104: [104, 6000, 'pid:[1]'],
    },
    'pid:[1]',
  );
  t.same(stillOurs(-100, 5000, proc), [101]);
  const alive = fakeProc(t.testdir({}), { 100: [100, 5000, 'pid:[1]'], 101: [100, 5100, 'pid:[1]'] }, 'pid:[1]');
  t.same(stillOurs(-100, 5000, alive), [-100], 'the leader lives: the group, as one kill');
});

t.test('a real child: ours while it runs, nothing once it has exited', async t => {
  const child = spawn('sleep', ['0.2']);
  const start = startTimeOf(child.pid!);
  t.ok(start !== null && start > 0, `start time ${start}`);
  t.same(stillOurs(child.pid!, start), [child.pid]);
  await new Promise(r => child.on('exit', r));
  t.same(stillOurs(child.pid!, start), [], 'reaped: its number is no longer its own');
});
