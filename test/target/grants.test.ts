// What a target container is granted (harness/target/container.ts targetGrants): only what its
// cells ask for on a cgroup v1 host; the documented systemd recipe on cgroup v2.
import t from 'tap';
import { targetGrants } from '../../harness/target/grants.js';

t.test('cgroup v1, no AppArmor: nothing, or NET_ADMIN for iptables severs; default seccomp', async t => {
  t.same(targetGrants([], false, false), { capAdd: [], securityOpt: [] });
  t.same(targetGrants(['NET_ADMIN'], false, false), { capAdd: ['NET_ADMIN'], securityOpt: [] });
});

t.test('AppArmor on: unconfined for systemd, nothing else added', async t => {
  t.same(targetGrants([], false, true), { capAdd: [], securityOpt: ['apparmor=unconfined'] });
});

t.test('cgroup v2: SYS_ADMIN and unconfined profiles for systemd, plus what the cells ask for', async t => {
  t.same(targetGrants(['NET_ADMIN'], true, false), { capAdd: ['NET_ADMIN', 'SYS_ADMIN'], securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'] });
  t.same(targetGrants([], true, false).capAdd, ['SYS_ADMIN']);
});
