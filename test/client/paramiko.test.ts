import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import paramiko from '../../harness/client/paramiko.js';
import { clients } from '../../harness/client/registry.js';
import { clientVersion } from '../../harness/client/version.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { knownCause } from '../../harness/run/setup.js';

const EP = { host: '172.17.0.2', user: 'hl1', keyFile: '/tmp/k', knownHostsFile: '/tmp/kh', hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: 'off' };
const PTY = { name: 'pty', remotePty: true, shell: true };
const EXEC = { name: 'exec', remotePty: false, shell: false };
const EXEC_TTY = { name: 'exec-tty', remotePty: true, shell: false };

t.test('the registry knows it by name', async t => {
  t.equal(clients.get('paramiko'), paramiko);
});

t.test("Debian's python3 runs the runner with the endpoint, each value one argument", async t => {
  const { file, args } = paramiko.command(EP, { remotePty: true });
  t.equal(file, '/usr/bin/python3', "Debian's python, whose modules apt installs");
  t.same(args.slice(0, 3), ['-E', '-s', '-B'], 'no PYTHON* variables, no user site, no __pycache__ in the checkout');
  t.match(args[3], /harness\/client\/runners\/paramiko-client\.py$/);
  t.ok(fs.existsSync(args[3]!), 'the runner is where the command says');
  t.same(args.slice(4), ['--host', '172.17.0.2', '--user', 'hl1', '--key', '/tmp/k', '--known-hosts', '/tmp/kh', '--host-key-alias', 'hangup-lab-0123456789ab', '--server-alive', 'off', '--tty']);
  t.same(paramiko.command(EP, { remotePty: false, command: 'nohup x &' }).args.slice(-3), ['--server-alive', 'off', '--command=nohup x &'], 'no --tty; the command is one argument');
  t.equal(paramiko.command(EP, { remotePty: false, command: '-x' }).args.at(-1), '--command=-x', "a command that begins with '-' stays the command's value");
});

t.test('it supports every session type without keepalive, and no ServerAlive setting, with the reason', async t => {
  for (const session of [PTY, EXEC, EXEC_TTY]) t.equal(paramiko.supports({ session, serverAlive: null, controls: ['kill', 'freeze'] }), true, session.name);
  const why = paramiko.supports({ session: PTY, serverAlive: { intervalS: 15, countMax: 3 }, controls: ['kill'] });
  t.type(why, 'string');
  t.match(why, /never wait for an answer and never give up/);
  t.notMatch(String(why), /\n/, 'one line');
  t.same(paramiko.keepalive, { probeInterval: 'Transport.set_keepalive' }, 'an interval knob, no count');
  t.same(paramiko.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
});

t.test('its version line names paramiko and its version (the module is imported)', async t => {
  t.match(clientVersion(paramiko), /^paramiko \d+\.\d+\.\d+$/);
});

t.test('the runner refuses bad input in one line with exit 255, before any connection', async t => {
  const r = spawnSync(paramiko.program.file, [...paramiko.command(EP, { remotePty: false }).args.slice(0, 4), '--host', '127.0.0.1'], { encoding: 'utf8' });
  t.equal(r.status, 255);
  t.match(r.stderr.trim(), /^paramiko: usage: missing --user$/);
});

t.test('paramiko loads keys as ssh-keygen makes them (the run key)', async t => {
  const dir = t.testdir({});
  const keys = await Promise.all([0, 1, 2, 3].map(async i => {
    fs.mkdirSync(path.join(dir, String(i)));
    return makeRunKey(path.join(dir, String(i)), `pk${i}`);
  }));
  const code = 'import sys, paramiko\nfor f in sys.argv[1:]: print(paramiko.Ed25519Key.from_private_key_file(f).get_base64())';
  const r = spawnSync('/usr/bin/python3', ['-E', '-s', '-B', '-c', code, ...keys.map(k => k.keyFile)], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), keys.map(k => k.publicKey.split(' ')[1]), 'each private key gives the public key ssh-keygen wrote');
});

t.test('what the runner prints when a login fails is a cause the setup knows, transient or not', async t => {
  const said: [string, boolean][] = [
    ['paramiko: Permission denied (publickey): Authentication failed.', false],
    ["paramiko: Host key verification failed: Host key for server '172.17.0.2' does not match", false],
    ['paramiko: Load key "/tmp/x/id_ed25519": not a valid OPENSSH private key file', false],
    ['paramiko: Connection refused: [Errno 111] Connection refused', false],
    ['paramiko: SSH error: Error reading SSH protocol banner', true],
    ['paramiko: Connection timed out: timed out', true],
  ];
  for (const [line, transient] of said) t.equal(knownCause(line)?.transient, transient, line);
});
