import t from 'tap';
import openssh, { serverAliveOptions } from '../../harness/client/openssh.js';
import { DEFAULT_CLIENT, clients } from '../../harness/client/registry.js';

const EP = { host: '172.17.0.2', user: 'hl1', keyFile: '/tmp/k', knownHostsFile: '/tmp/kh', hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: '5/2' };

t.test('the default client is OpenSSH, and the registry knows it by name', async t => {
  t.equal(clients.get(DEFAULT_CLIENT), openssh);
  t.ok(clients.names.includes('openssh'));
});

t.test('a session opens with ssh: pinned host key, no user config, ServerAlive, options, then the destination', async t => {
  const { file, args } = openssh.command(EP, { remotePty: true });
  t.equal(file, 'ssh');
  t.same(args.slice(0, 2), ['-F', '/dev/null']);
  t.ok(args.includes('StrictHostKeyChecking=yes'));
  t.ok(args.includes('HostKeyAlias=hangup-lab-0123456789ab'));
  t.ok(args.includes('ServerAliveInterval=5'));
  t.same(args.slice(-2), ['-tt', 'hl1@172.17.0.2'], 'a shell: no remote command');
  t.same(openssh.command(EP, { remotePty: false, command: 'sleep 1' }).args.slice(-3), ['-T', 'hl1@172.17.0.2', 'sleep 1'], 'the remote command is one argument, last');
});

t.test('its knobs and the signals that kill and freeze it are declared, and it supports every session type', async t => {
  t.same(openssh.keepalive, { probeInterval: 'ServerAliveInterval', probeCountMax: 'ServerAliveCountMax' });
  t.same(openssh.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
  for (const session of [{ name: 'pty', remotePty: true, shell: true }, { name: 'exec', remotePty: false, shell: false }, { name: 'exec-tty', remotePty: true, shell: false }]) {
    t.equal(openssh.supports({ session, serverAlive: { intervalS: 1, countMax: 2 }, controls: ['kill', 'freeze'] }), true, session.name);
  }
});

t.test('serverAliveOptions: "I/C" sets the interval and the count', async t => {
  t.same(serverAliveOptions('5/2'), ['-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=2']);
  t.same(serverAliveOptions('15/0'), ['-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=0']);
});

t.test('serverAliveOptions: "off" sets interval 0, which disables it', async t => {
  t.same(serverAliveOptions('off'), ['-o', 'ServerAliveInterval=0']);
});

t.test('serverAliveOptions: every option is a separate "-o" argument (no shell in between)', async t => {
  const args = serverAliveOptions('30/3');
  t.equal(args.length % 2, 0);
  args.forEach((a, i) => (i % 2 === 0 ? t.equal(a, '-o') : t.match(a, /^ServerAlive\w+=\d+$/)));
});
