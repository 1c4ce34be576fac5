import t from 'tap';
import { servers } from '../../harness/server/registry.js';
import { parseKeyValues, takeFingerprint } from '../../harness/target/fingerprint.js';

t.test('key=value lines: the value keeps its own "=", other lines are ignored', async t => {
  t.same(parseKeyValues('a=1\nnoise\nb=x=y \n'), { a: '1', b: 'x=y' });
});

t.test("one exec gives the server's part (asked of its implementation) and the system's", async t => {
  const scripts: string[] = [];
  const target = {
    server: servers.get('openssh'),
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
  t.same(fp, {
    key: 'k',
    name: 'debian-bookworm',
    config,
    image: 'img',
    server: 'openssh',
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
