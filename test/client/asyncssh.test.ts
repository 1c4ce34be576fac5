import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import asyncssh from '../../harness/client/asyncssh.js';
import { clients } from '../../harness/client/registry.js';
import { clientVersion } from '../../harness/client/version.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { knownCause } from '../../harness/run/setup.js';

const EP = { host: '172.17.0.2', user: 'hl1', keyFile: '/tmp/k', knownHostsFile: '/tmp/kh', hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: 'off' };
const PTY = { name: 'pty', remotePty: true, shell: true };
const EXEC = { name: 'exec', remotePty: false, shell: false };
const EXEC_TTY = { name: 'exec-tty', remotePty: true, shell: false };

t.test('the registry knows it by name', async t => {
  t.equal(clients.get('asyncssh'), asyncssh);
});

t.test("Debian's python3 runs the runner with the endpoint, each value one argument", async t => {
  const { file, args } = asyncssh.command(EP, { remotePty: true });
  t.equal(file, '/usr/bin/python3', "Debian's python, whose modules apt installs");
  t.same(args.slice(0, 3), ['-E', '-s', '-B'], 'no PYTHON* variables, no user site, no __pycache__ in the checkout');
  t.match(args[3], /harness\/client\/runners\/asyncssh-client\.py$/);
  t.ok(fs.existsSync(args[3]!), 'the runner is where the command says');
  t.same(args.slice(4), ['--host', '172.17.0.2', '--user', 'hl1', '--key', '/tmp/k', '--known-hosts', '/tmp/kh', '--host-key-alias', 'hangup-lab-0123456789ab', '--server-alive', 'off', '--tty']);
  t.same(asyncssh.command(EP, { remotePty: false, command: 'nohup x &' }).args.slice(-3), ['--server-alive', 'off', '--command=nohup x &'], 'no --tty; the command is one argument');
  t.equal(asyncssh.command(EP, { remotePty: false, command: '-x' }).args.at(-1), '--command=-x', "a command that begins with '-' stays the command's value");
});

t.test('it supports every session type and ServerAlive with a count of 1 or more; a count of 0 is refused with the reason', async t => {
  for (const session of [PTY, EXEC, EXEC_TTY]) {
    t.equal(asyncssh.supports({ session, serverAlive: null, controls: ['kill', 'freeze'] }), true, `${session.name}, no keepalive`);
    t.equal(asyncssh.supports({ session, serverAlive: { intervalS: 1, countMax: 2 }, controls: ['kill', 'freeze'] }), true, `${session.name}, 1/2`);
  }
  const why = asyncssh.supports({ session: PTY, serverAlive: { intervalS: 15, countMax: 0 }, controls: ['kill'] });
  t.match(why, /keepalive_count_max 0 .*"15\/0"/);
  t.same(asyncssh.keepalive, { probeInterval: 'keepalive_interval', probeCountMax: 'keepalive_count_max' });
  t.same(asyncssh.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
});

t.test('ServerAlive goes to the runner as written ("I/C"), which passes it on as interval and count', async t => {
  t.same(asyncssh.command({ ...EP, serverAlive: '1/2' }, { remotePty: true }).args.slice(-3), ['--server-alive', '1/2', '--tty']);
});

t.test('its version line names asyncssh and its version (the module is imported)', async t => {
  t.match(clientVersion(asyncssh), /^asyncssh \d+\.\d+\.\d+$/);
});

t.test('the runner refuses bad input in one line with exit 255, before any connection', async t => {
  const r = spawnSync(asyncssh.program.file, [...asyncssh.command(EP, { remotePty: false }).args.slice(0, 4), '--host', '127.0.0.1'], { encoding: 'utf8' });
  t.equal(r.status, 255);
  t.match(r.stderr.trim(), /^asyncssh: usage: missing --user$/);
});

t.test('asyncssh loads keys as ssh-keygen makes them (the run key)', async t => {
  const dir = t.testdir({});
  const keys = await Promise.all([0, 1, 2, 3].map(async i => {
    fs.mkdirSync(path.join(dir, String(i)));
    return makeRunKey(path.join(dir, String(i)), `pk${i}`);
  }));
  const code = 'import sys, warnings\nwarnings.simplefilter("ignore")\nimport asyncssh\nfor f in sys.argv[1:]: print(asyncssh.read_private_key(f).export_public_key("openssh").decode().split()[1])';
  const r = spawnSync('/usr/bin/python3', ['-E', '-s', '-B', '-c', code, ...keys.map(k => k.keyFile)], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), keys.map(k => k.publicKey.split(' ')[1]), 'each private key gives the public key ssh-keygen wrote');
});

t.test('what the runner prints when a login fails is a cause the setup knows, transient or not', async t => {
  const said: [string, boolean][] = [
    ['asyncssh: Permission denied (publickey): Permission denied', false],
    ['asyncssh: Host key verification failed: Host key is not trusted', false],
    ['asyncssh: connection failed: Connection lost', true],
    ['asyncssh: Connection timed out: ', true],
  ];
  for (const [line, transient] of said) t.equal(knownCause(line)?.transient, transient, line);
});
