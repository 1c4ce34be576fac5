import t from 'tap';
import { hostPidAmong } from '../../harness/observe/host-pids.js';
import { unstarveAgent } from '../../harness/sever/unstarve.js';

t.test('hostPidAmong without a start time: the host pid whose innermost NSpid is the agent\'s', async t => {
  const dir = t.testdir({
    '500': { status: 'Name:\tsystemd\nNSpid:\t500\t1\n' },
    '640': { status: 'Name:\tperl\nNSpid:\t640\t77\n' },
    '641': { status: 'Name:\tperl\nNSpid:\t641\t78\n' },
  });
  t.equal(hostPidAmong([500, 640, 641, 999], 77, undefined, dir), 640);
  t.equal(hostPidAmong([500, 640, 641, 999], 79, undefined, dir), null, 'none: null (999 has no status: skipped)');
});

t.test('unstarveAgent says why it did not move the agent', async t => {
  t.equal(await unstarveAgent({ id: 'abc' }, null), 'the agent did not say its pid');
  t.equal(await unstarveAgent({ id: '' }, 77), 'the target names no container');
  t.match(await unstarveAgent({ id: 'abc' }, 77, { cpuRootProcs: '/nonexistent/cgroup.procs' }), /no cgroup v1 CPU hierarchy/);
});
