import t from 'tap';
import { servers } from '../../harness/server/registry.js';
import { parseKeyValues, takeFingerprint } from '../../harness/target/fingerprint.js';
import elogind from '../../harness/target/managers/elogind.js';
import systemd from '../../harness/target/managers/systemd.js';

t.test('key=value lines: the value keeps its own "=", other lines are ignored', async t => {
  t.same(parseKeyValues('a=1\nnoise\nb=x=y \n'), { a: '1', b: 'x=y' });
});

t.test("one exec gives the server's part (asked of its implementation) and the system's", async t => {
  const scripts: string[] = [];
  const target = {
    server: servers.get('openssh'),
    manager: systemd,
    async sh(script: string) {
      scripts.push(script);
      return {
        exitCode: 0,
        stderr: '',
        stdout: [
          'server.version=OpenSSH_9.2p1 Debian',
          'server.effective.clientaliveinterval=1',
          'server.killmode=process',
          'logind.KillUserProcesses=false',
          'logind.UserStopDelayUSec=10s',
          'logind.Foo=',
          'v.bash=GNU bash 5.2',
          'sysctl.net.ipv4.tcp_retries2=15',
        ].join('\n'),
      };
    },
  };
  const config = { server: 'openssh', clientAlive: '1/2', tcpKeepAlive: 'yes' as const, kernel: 'default', killUserProcesses: 'no' as const };
  const fp = await takeFingerprint(target, { key: 'k', name: 'debian-bookworm', image: 'img', config, logindExtra: ['FooSec=3'], networkPath: 'direct', client: 'OpenSSH_9.2p1' });
  t.equal(scripts.length, 1);
  t.match(scripts[0], /KillUserProcesses KillExcludeUsers KillOnlyUsers UserStopDelayUSec FooUSec;/, 'a logind.extra key is asked as its D-Bus property');
  t.match(scripts[0], /server\.killmode=\$\(systemctl show ssh -p KillMode --value\)/, "the ssh unit's KillMode, asked of systemd");
  t.match(scripts[0], /v\.systemd=.*v\.libpam-systemd=/);
  t.same(fp, {
    key: 'k',
    name: 'debian-bookworm',
    config,
    image: 'img',
    server: 'openssh',
    manager: 'systemd',
    serverVersion: 'OpenSSH_9.2p1 Debian',
    sshdEffective: { clientaliveinterval: '1' },
    sshKillMode: 'process',
    logind: { KillUserProcesses: 'no', UserStopDelayUSec: '10s', Foo: '' },
    versions: { bash: 'GNU bash 5.2' },
    sysctls: { 'net.ipv4.tcp_retries2': '15' },
    networkPath: 'direct',
    client: 'OpenSSH_9.2p1',
  });
});

t.test('without systemd the session manager says what it is and how its init script stops sshd', async t => {
  const scripts: string[] = [];
  const target = {
    server: servers.get('openssh'),
    manager: elogind,
    async sh(script: string) {
      scripts.push(script);
      return { exitCode: 0, stderr: '', stdout: 'server.killmode=pidfile (/etc/init.d/ssh stops only the process its pidfile names)\nv.elogind=elogind 246.10-1debian1\nv.init=sysvinit-core 3.06-4\n' };
    },
  };
  const config = { server: 'openssh', clientAlive: '1/2', tcpKeepAlive: 'yes' as const, kernel: 'default', killUserProcesses: 'yes' as const };
  const fp = await takeFingerprint(target, { key: 'k', name: 'debian-bookworm-sysvinit-elogind', image: 'img', config, logindExtra: [], networkPath: 'direct', client: 'c' });
  t.notMatch(scripts[0], /systemctl/, 'nothing asks systemd');
  t.match(scripts[0], /busctl get-property org\.freedesktop\.login1 /, 'elogind answers on the same D-Bus name');
  t.match(scripts[0], /v\.elogind=.*v\.libpam-elogind=/);
  t.equal(fp.manager, 'elogind');
  t.match(fp.sshKillMode, /^pidfile /);
  t.same(fp.versions, { elogind: 'elogind 246.10-1debian1', init: 'sysvinit-core 3.06-4' });
});
