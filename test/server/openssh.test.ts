import t from 'tap';
import { BadInputError, InfrastructureError } from '../../harness/core/errors.js';
import type { ProcessInfo } from '../../harness/results.js';
import openssh from '../../harness/server/openssh.js';
import { servers } from '../../harness/server/registry.js';
import type { ServerConfigureContext, ServerSettings } from '../../harness/server/types.js';
import elogind from '../../harness/target/managers/elogind.js';
import systemd from '../../harness/target/managers/systemd.js';

const proc = (pid: number, uid: number, comm: string, args: string) => ({ pid, uid, comm, args }) as ProcessInfo;

t.test('the registry knows OpenSSH by name, and rejects an unknown implementation with the known list', async t => {
  t.equal(servers.get('openssh'), openssh);
  t.throws(() => servers.get('tinysshd'), /unknown server implementation "tinysshd".*\(known: openssh, openssh-per-connection, dropbear\)/);
});

t.test('its keepalive knobs are named as sshd_config names them, and it supports every keepalive setting', async t => {
  t.same(openssh.keepalive, { probeInterval: 'ClientAliveInterval', probeCountMax: 'ClientAliveCountMax', tcpKeepAlive: 'TCPKeepAlive' });
  t.equal(openssh.supports({ clientAlive: { intervalS: 1, countMax: 0 }, tcpKeepAlive: 'no' }), true);
});

t.test('the per-session process: sshd before 9.8, sshd-session after; the monitor is root-owned [priv]', async t => {
  const old = [proc(10, 0, 'sshd', 'sshd: hl1 [priv]'), proc(11, 1001, 'sshd', 'sshd: hl1@pts/0')];
  const v10 = [proc(20, 0, 'sshd-session', 'sshd-session: hl1 [priv]'), proc(21, 1001, 'sshd-session', 'sshd-session: hl1@notty'), proc(22, 1001, 'sshd-auth', 'sshd-auth: hl1 [net]')];
  t.equal(openssh.sessionProcess(old, 'hl1')?.pid, 11);
  t.equal(openssh.monitorProcess(old, 'hl1')?.pid, 10);
  t.equal(openssh.sessionProcess(v10, 'hl1')?.pid, 21);
  t.equal(openssh.monitorProcess(v10, 'hl1')?.pid, 20);
  t.equal(openssh.sessionProcess([proc(30, 1001, 'ssh', 'sshd: hl1@pts/0')], 'hl1'), null, 'the title alone is not enough: the comm must agree');
});

t.test('10.6 (sid) titles the root monitor [postauth] after login; it is still the monitor, never the session', async t => {
  const v106 = [proc(71, 0, 'sshd-session', 'sshd-session: hl1 [postauth]'), proc(89, 1001, 'sshd-session', 'sshd-session: hl1@pts/0')];
  t.equal(openssh.monitorProcess(v106, 'hl1')?.pid, 71);
  t.equal(openssh.sessionProcess(v106, 'hl1')?.pid, 89);
  t.equal(openssh.monitorProcess([proc(72, 1001, 'sshd-session', 'sshd-session: hl1 [postauth]')], 'hl1'), null, 'a monitor runs as root');
});

t.test("10.6's sshd -T spells keywords in mixed case: the fingerprint keeps them lowercase, values as printed", async t => {
  t.same(openssh.fingerprint.read({ 'server.effective.ClientAliveInterval': '1', 'server.effective.TCPKeepAlive': 'true' }).effective, { clientaliveinterval: '1', tcpkeepalive: 'true' });
});

t.test('the fingerprint reads its version, effective settings and KillMode from key=value lines', async t => {
  t.match(openssh.fingerprint.script, /ssh -V/);
  t.same(openssh.fingerprint.read({ 'server.version': 'OpenSSH_9.2p1', 'server.effective.clientaliveinterval': '1', 'server.killmode': 'process', 'v.bash': 'x' }), {
    version: 'OpenSSH_9.2p1',
    effective: { clientaliveinterval: '1' },
    killMode: 'process',
  });
  t.same(openssh.fingerprint.read({}), { version: '?', effective: {}, killMode: '?' });
});

/** A target that answers scripts by their first word, and records what it was given. */
function fakeContext(answers: Record<string, { exitCode: number; stdout: string }>, settings: Partial<ServerSettings> = {}) {
  const scripts: string[] = [];
  const copied: string[] = [];
  const ctx: ServerConfigureContext = {
    targetName: 'debian-bookworm',
    scenarioFile: 'x.yaml',
    settings: { clientAlive: { intervalS: 1, countMax: 2 }, tcpKeepAlive: true, extra: ['Foo bar'], userConfig: null, ...settings },
    restartService: systemd.restartService,
    async sh(script) {
      scripts.push(script);
      const key = Object.keys(answers).find(k => script.startsWith(k));
      return { stderr: '', ...(key ? answers[key]! : { exitCode: 0, stdout: '' }) };
    },
    async copy(files) {
      copied.push(...files.map(f => `${f.target}\n${f.content}`));
    },
  };
  return { ctx, scripts, copied };
}

t.test('configure writes the drop-in, checks it with sshd -t and restarts ssh', async t => {
  const { ctx, scripts, copied } = fakeContext({});
  await openssh.configure(ctx);
  t.match(copied[0], /^\/etc\/ssh\/sshd_config\.d\/50-hangup-lab\.conf\n# written by hangup-lab[^]*ClientAliveInterval 1\nClientAliveCountMax 2\nTCPKeepAlive yes\nFoo bar\n/);
  t.same(scripts.slice(1), ['sshd -t 2>&1', 'systemctl restart ssh 2>&1']);
});

t.test('a line sshd -t rejects is bad input naming the scenario field and the version', async t => {
  const { ctx, scripts } = fakeContext({
    'sshd -t': { exitCode: 255, stdout: '/etc/ssh/sshd_config.d/50-hangup-lab.conf line 5: Bad configuration option: Foo\n' },
    'ssh -V': { exitCode: 0, stdout: 'OpenSSH_9.2p1\n' },
  });
  await t.rejects(openssh.configure(ctx), new BadInputError('x.yaml: sshd.extra[0]: sshd -t on debian-bookworm (OpenSSH_9.2p1) rejects "Foo bar: Bad configuration option: Foo"; fix or remove that option'));
  t.notOk(scripts.includes('systemctl restart ssh 2>&1'), 'not restarted');
});

t.test('the restart is the session manager’s: without systemd, the init script', async t => {
  const { ctx, scripts } = fakeContext({});
  await openssh.configure({ ...ctx, restartService: elogind.restartService });
  t.same(scripts.slice(1), ['sshd -t 2>&1', '/etc/init.d/ssh restart 2>&1']);
});

t.test('a failed restart is infrastructure', async t => {
  const { ctx } = fakeContext({ 'systemctl restart ssh': { exitCode: 1, stdout: 'Job failed\n' } });
  await t.rejects(openssh.configure(ctx), InfrastructureError);
});
