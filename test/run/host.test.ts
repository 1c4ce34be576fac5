// Which cells run on a server of the user's own: the plug-ins' declarations and the server's facts
// decide, and each cell that does not run says why.
import t from 'tap';
import { hostDeclines, hostPlan, type HostFacts } from '../../harness/run/host.js';
import { planCell } from '../../harness/run/plan.js';
import type { TargetFingerprint } from '../../harness/results.js';
import { testCell } from '../fixtures/cell.js';

const fingerprint = {
  key: 'host:alice@own', name: 'own', image: 'none', server: 'openssh', manager: 'systemd', serverVersion: 'OpenSSH_9.2p1',
  config: { clientAlive: 'off', tcpKeepAlive: 'yes', kernel: 'default', killUserProcesses: 'no' },
  sshdEffective: {}, sshKillMode: 'process', logind: {}, versions: { tmux: 'not installed', screen: '4.09.00' }, sysctls: {}, networkPath: '', client: 'OpenSSH_9.2p1',
} satisfies TargetFingerprint;
const facts: HostFacts = { user: 'alice', fingerprint, linger: 'off', huponexit: 'off', shell: '/bin/bash' };
const declines = (o: Parameters<typeof testCell>[0], f: Partial<HostFacts> = {}, firewall = false) => hostDeclines(planCell(testCell(o)), { ...facts, ...f }, firewall);

t.test('the safe subset runs: pty × shell launch modes × logout, client-kill, sshd-kill, hangup, group-kill', async t => {
  for (const launch of ['background', 'nohup', 'setsid', 'disown', 'nohup-to-file']) {
    for (const sever of ['logout', 'client-kill', 'sshd-kill', 'hangup', 'group-kill']) t.equal(declines({ launch, sever }), null, `${launch} × ${sever}`);
  }
  t.equal(declines({ launch: 'screen', sever: 'logout' }), null, 'screen is installed');
});

t.test('root, another client, a session kind not declared safe: not-applicable with why', async t => {
  t.match(declines({ user: 'root', sever: 'logout' }), /logs in as root/);
  t.match(declines({ client: 'paramiko', sever: 'logout' }), /your own OpenSSH client only/);
  t.match(declines({ session: 'exec', sever: 'logout' }), /session exec is not declared safe/);
});

t.test('launch modes needing root or a program the server lacks', async t => {
  t.match(declines({ launch: 'systemd-run-system', sever: 'logout' }), /needs root/);
  t.match(declines({ launch: 'systemd-unit', sever: 'logout' }), /needs root/);
  t.match(declines({ launch: 'tmux', sever: 'logout' }), /needs tmux, which the server does not have \(inspect: not installed\)/);
  t.match(declines({ launch: 'systemd-run-user', sever: 'logout' }), /root/);
});

t.test('severs: root ones declined, network ones only with --allow-local-firewall', async t => {
  t.match(declines({ sever: 'sshd-restart' }), /needs root/);
  t.match(declines({ sever: 'sleep' }), /not declared safe/);
  t.match(declines({ sever: 'drop' }), /pass --allow-local-firewall/);
  t.equal(declines({ sever: 'reject' }, {}, true), null);
  t.equal(declines({ sever: 'drop' }, {}, true), null);
});

t.test("a cell whose server-side axes are not the server's asks for a change", async t => {
  t.match(declines({ sever: 'logout', killUserProcesses: 'yes' }), /KillUserProcesses yes \(the server: no\).*never makes/);
  t.match(declines({ sever: 'logout', linger: 'on' }), /linger on \(the server: off\)/);
  t.match(declines({ sever: 'logout', clientAlive: '15/3' }), /ClientAlive 15\/3 \(the server: off\)/);
  t.match(declines({ sever: 'logout' }, { shell: '/usr/bin/zsh' }), /prompt run --host types is bash's/);
});

t.test("the plan runs as the user, and keeps the plug-ins' own not-applicable", async t => {
  const p = hostPlan(planCell(testCell({ launch: 'nohup', sever: 'logout' })), facts, false);
  t.equal(p.loginUser, 'alice');
  t.equal(p.cellUser, 'alice');
  t.equal(p.supported, true);
  const fg = hostPlan(planCell(testCell({ launch: 'foreground', sever: 'logout' })), facts, false);
  t.match(fg.supported, /foreground job holds the terminal/);
});
