// /proc readers (usage/proc-files.ts) on a fake /proc: the machine's busy ticks, a process's own and
// reaped children's ticks, its peak memory, its pid in its own namespace.
import t from 'tap';
import { allProcesses, cmdlineOf, innermostPid, loadAverage, machineTicks, peakRssBytes, procTimes } from '../../harness/usage/proc-files.js';
import { writeMachine, writeProcess } from './fake-host.js';

t.test('machine ticks: busy is everything but idle and iowait', async t => {
  const proc = t.testdir({ stat: 'cpu  100 5 20 1000 50 3 2 1 7 0\n' });
  t.same(machineTicks(proc), { busy: 131, total: 1181 }, 'guest (7) is inside user already: not added twice');
  t.equal(machineTicks(t.testdir({})), null, 'unreadable: null');
});

t.test('a process: own = utime + stime, children = cutime + cstime, a comm with spaces and parentheses', async t => {
  const proc = t.testdir({});
  writeProcess(proc, 77, { comm: 'a (b) c', ppid: 5, times: [10, 20, 300, 400], startTime: 9000, vmHwmKb: 2048, nspid: [77, 1], cmdline: ['x', '-id', 'abc'] });
  t.same(procTimes(77, proc), { pid: 77, comm: 'a (b) c', ppid: 5, own: 30, children: 700, startTime: 9000 });
  t.equal(peakRssBytes(77, proc), 2048 * 1024);
  t.same(innermostPid(77, proc), { inner: 1, levels: 2 });
  t.same(cmdlineOf(77, proc), ['x', '-id', 'abc']);
  t.equal(procTimes(78, proc), null, 'gone: null');
  t.equal(peakRssBytes(78, proc), null);
  t.same(allProcesses(proc).map(p => p.pid), [77], 'only numeric entries');
});

t.test('load average: three numbers, or none', async t => {
  const proc = t.testdir({});
  writeMachine(proc, 1, 1);
  t.same(loadAverage(proc), [3.5, 2.25, 1]);
  t.same(loadAverage(t.testdir({})), []);
});
