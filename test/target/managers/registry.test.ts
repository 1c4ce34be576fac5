// The session managers' declared facts: every difference the harness makes between systemd and
// elogind is asked of these plug-ins (target/managers/), so they are what the tests pin.
import t from 'tap';
import { BadInputError } from '../../../harness/core/errors.js';
import { managers } from '../../../harness/target/managers/registry.js';
import type { ManagerNeed } from '../../../harness/target/managers/types.js';

const at = { target: 'x', by: 'y' };
const lacking = (name: string) => (Object.keys(managers.get(name).lacks) as ManagerNeed[]).sort();

t.test('three managers in an explicit registry; an unknown name is bad input with the known ones', async t => {
  t.same(managers.names, ['systemd', 'systemd-no-pam', 'elogind']);
  t.throws(() => managers.get('openrc'), BadInputError);
  t.throws(() => managers.get('elogin'), /unknown session manager "elogin" \(did you mean "elogind"\?\)/);
});

t.test('what each lacks: systemd nothing, without pam_systemd the user manager, elogind everything of systemd', async t => {
  t.same(lacking('systemd'), []);
  t.same(lacking('systemd-no-pam'), ['user-manager']);
  t.same(lacking('elogind'), ['linger', 'system-units', 'user-manager']);
  for (const m of managers.all) for (const why of Object.values(m.lacks)) t.match(why(at), /^x .*\by\b/, `${m.name}: names the target and what asked`);
});

t.test('services: systemctl under systemd, the init script under sysvinit', async t => {
  const [systemd, , elogind] = managers.all;
  t.equal(systemd!.restartService('ssh'), 'systemctl restart ssh');
  t.equal(elogind!.restartService('ssh'), '/etc/init.d/ssh restart');
  t.match(systemd!.serviceLog('ssh.service'), /^journalctl .*-u 'ssh\.service'/);
  t.match(elogind!.serviceLog('ssh.service'), /\/var\/log\/auth\.log/, 'no journal: the auth log');
  t.equal(systemd!.stopMode('ssh'), 'systemctl show ssh -p KillMode --value');
  t.notMatch(elogind!.stopMode('ssh') + elogind!.readyScript + elogind!.logind.restart + elogind!.logind.startLog + elogind!.versionsScript, /systemctl|journalctl/, 'nothing of elogind asks systemd');
});

t.test('logind settings: the same keys, in each login manager’s own drop-in directory', async t => {
  t.equal(managers.get('systemd').logind.dropIn, '/etc/systemd/logind.conf.d/50-hangup-lab.conf');
  t.equal(managers.get('systemd-no-pam').logind.dropIn, '/etc/systemd/logind.conf.d/50-hangup-lab.conf');
  t.equal(managers.get('elogind').logind.dropIn, '/etc/elogind/logind.conf.d/50-hangup-lab.conf');
  t.same(managers.all.map(m => m.logind.daemon), ['systemd-logind', 'systemd-logind', 'elogind']);
});

t.test('cgroups: systemd in the host hierarchy, elogind in a namespace of its own with SYS_ADMIN to mount it', async t => {
  t.same(managers.all.map(m => [m.name, m.cgroups, m.capAdd]), [
    ['systemd', 'host-hierarchy', []],
    ['systemd-no-pam', 'host-hierarchy', []],
    ['elogind', 'own-namespace', ['SYS_ADMIN']],
  ]);
});
