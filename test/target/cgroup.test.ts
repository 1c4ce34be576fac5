import t from 'tap';
import { InfrastructureError } from '../../harness/core/errors.js';
import { cgroupMount, cgroupSetup, hostCgroups } from '../../harness/target/cgroup.js';

const classic = { name: 'debian-trixie' };
const v2Only = { name: 'debian-sid', cgroupV2Only: true };

t.test('a cgroup v2 host: every target gets the whole hierarchy, writable', async t => {
  for (const spec of [classic, v2Only]) t.same(cgroupMount(spec, 'v2'), { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' });
});

t.test('a cgroup v1 host: systemd up to 257 gets the v1 tree read-only', async t => {
  t.same(cgroupMount(classic, 'hybrid'), { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'ro' });
  t.same(cgroupMount(classic, 'legacy'), { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'ro' });
});

t.test('a hybrid host: a v2-only systemd gets the unified half, writable, as its /sys/fs/cgroup', async t => {
  t.same(cgroupMount(v2Only, 'hybrid'), { source: '/sys/fs/cgroup/unified', target: '/sys/fs/cgroup', mode: 'rw' });
});

t.test('a v1-only host cannot boot it: infrastructure, one line naming the target, why and the fix', async t => {
  t.throws(() => cgroupMount(v2Only, 'legacy'), InfrastructureError);
  t.throws(() => cgroupMount(v2Only, 'legacy'), /^target debian-sid: its systemd \(258 or later\) refuses to boot on cgroup v1 .*; run it on a host with cgroup v2/);
  try {
    cgroupMount(v2Only, 'legacy');
  } catch (e) {
    t.notOk((e as Error).message.includes('\n'), 'one line');
  }
});

t.test('this host is recognised as one of the three layouts', async t => {
  t.ok(['v2', 'hybrid', 'legacy'].includes(hostCgroups()));
});

t.test("systemd's layout: the host hierarchy, in the host's cgroup namespace on v2 only", async t => {
  t.same(cgroupSetup(classic, 'host-hierarchy', 'hybrid'), { mounts: [cgroupMount(classic, 'hybrid')], cgroupns: null });
  t.same(cgroupSetup(v2Only, 'host-hierarchy', 'hybrid'), { mounts: [cgroupMount(v2Only, 'hybrid')], cgroupns: null });
  t.same(cgroupSetup(classic, 'host-hierarchy', 'v2'), { mounts: [cgroupMount(classic, 'v2')], cgroupns: 'host' });
});

t.test("elogind's layout: a private cgroup namespace and no bind mount, on every host", async t => {
  for (const host of ['v2', 'hybrid', 'legacy'] as const) t.same(cgroupSetup(classic, 'own-namespace', host), { mounts: [], cgroupns: 'private' }, host);
});
