// dbclient's plug-in: the command line it builds, the files it derives in the run's directory (a
// Dropbear key, a HOME with the pinned key), the keepalive it can express, and how its own failures
// read. The words are those dbclient 2022.83 printed in a pseudo-terminal (test/docker/cli-clients).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import dbclient, { dbclientArgs, dbclientHome, keepaliveSupport } from '../../harness/client/dbclient.js';
import { clients } from '../../harness/client/registry.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { knownCause, normalizeCause } from '../../harness/run/setup.js';

const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID8+hhgnCct4woOF8LHKnWegLm9nnrNVgXS18Xo0qNN9';
const EP = { client: 'dbclient', host: '172.17.0.2', user: 'hl1', keyFile: '/tmp/k', knownHostsFile: '/tmp/kh', hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: 'off' };
const PTY = { name: 'pty', remotePty: true, shell: true };

t.test('the registry knows it by name', async t => {
  t.equal(clients.get('dbclient'), dbclient);
});

t.test('the command line: the key, the terminal flag, the destination, then the remote command as one argument', async t => {
  t.same(dbclientArgs(EP, { remotePty: true }, '/tmp/k.dropbear'), ['-i', '/tmp/k.dropbear', '-t', '-p', '22', 'hl1@172.17.0.2'], 'a shell: -t, no command');
  t.same(dbclientArgs(EP, { remotePty: false, command: 'nohup sleep 1 &' }, 'K'), ['-i', 'K', '-T', '-p', '22', 'hl1@172.17.0.2', 'nohup sleep 1 &'], 'exec: -T');
  t.same(dbclientArgs(EP, { remotePty: true, command: 'x' }, 'K').slice(2, 3), ['-t'], 'exec-tty: -t with a command');
  t.same(dbclientArgs({ ...EP, serverAlive: '5/2' }, { remotePty: false }, 'K').slice(0, 4), ['-i', 'K', '-K', '5'], 'serverAlive I/2: -K I');
  t.notOk(dbclientArgs(EP, { remotePty: false }, 'K').includes('-K'), 'off: no -K (its default is none)');
  t.notOk(dbclientArgs({ ...EP, serverAlive: '5/2' }, { remotePty: false }, 'K').includes('-I'), 'never -I: an idle timeout is no keepalive');
});

t.test('keepalive: only what Dropbear can say (3 silent intervals = ServerAliveCountMax 2)', async t => {
  t.equal(keepaliveSupport(null), true);
  t.equal(keepaliveSupport({ intervalS: 2, countMax: 2 }), true);
  t.equal(keepaliveSupport({ intervalS: 15, countMax: 2 }), true);
  const why = keepaliveSupport({ intervalS: 15, countMax: 3 });
  t.type(why, 'string');
  t.match(why, /3 silent intervals.*"N\/2" or "off", not "15\/3"/);
  t.equal(dbclient.supports({ session: PTY, serverAlive: { intervalS: 1, countMax: 0 }, controls: ['kill'] }), keepaliveSupport({ intervalS: 1, countMax: 0 }));
});

t.test('every session type, killed and frozen by signals', async t => {
  for (const session of [PTY, { name: 'exec', remotePty: false, shell: false }, { name: 'exec-tty', remotePty: true, shell: false }]) {
    t.equal(dbclient.supports({ session, serverAlive: null, controls: ['kill', 'freeze'] }), true, session.name);
  }
  t.same(dbclient.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
  t.same(dbclient.keepalive, { probeInterval: '-K' }, 'the count is built in, not a knob');
  t.same(dbclient.program, { file: 'dbclient', versionArgs: ['-V'], install: 'apt-get install -y dropbear-bin' });
});

t.test('its own failure (exit 1 with its words) is told from a remote status 1', async t => {
  const own = dbclient.failedOnItsOwn!;
  t.ok(own(1, '\r\ndbclient: Connection to hl1@172.17.0.5:22 exited: No auth methods could be used.\r\n'));
  t.ok(own(1, 'dbclient: Exited: String too long\r\n'), 'before it connected');
  t.notOk(own(1, 'hl-in\r\n'), 'the remote command exited 1');
  t.notOk(own(0, 'dbclient: Connection to a@b:22 exited: x'), 'exit 0 is never its failure');
});

t.test('its login failures are known causes: refused, pinned key, unreadable key, nobody listening, transient', async t => {
  const cause = (line: string) => knownCause(normalizeCause(line));
  t.match(cause('dbclient: Connection to hl1a2b@172.17.0.5:22 exited: No auth methods could be used.'), { transient: false, fix: /refuses the run's key/ });
  t.match(cause('Expected SHA256:bNVufLcVoRncRfup/3'), { transient: false, fix: /host key/ }, 'a mismatch ends with the expected fingerprint');
  t.match(cause('ssh-ed25519 host key mismatch for 172.17.0.5 !'), { transient: false, fix: /host key/ });
  t.match(cause('dbclient: Exited: String too long'), { transient: false, fix: /cannot load the run's key/ });
  t.match(cause('dbclient: Connection to hl1@127.0.0.1:22 exited: Connect failed: Connection refused'), { transient: false, fix: /nothing answers/ });
  t.match(cause('dbclient: Connection to hl1@172.17.0.5:22 exited: Remote closed the connection'), { transient: true });
  t.match(cause('Permission denied (publickey).'), { transient: false }, "OpenSSH's words are still known");
});

t.test('command(): the key converted once beside the run key, and a HOME that pins the host key under the address', async t => {
  const dir = t.testdir({});
  const { keyFile } = await makeRunKey(dir, 'dbunit01');
  const knownHostsFile = path.join(dir, 'known_hosts-0123456789ab');
  fs.writeFileSync(knownHostsFile, `${EP.hostKeyAlias} ${HOST_KEY}\n`);
  const ep = { ...EP, keyFile, knownHostsFile };
  const first = dbclient.command(ep, { remotePty: false, command: 'true' });
  // A shell that holds the terminal as fd 3 and becomes dbclient (exec: the same pid).
  t.equal(first.file, '/bin/sh');
  t.same(first.args.slice(0, 3), ['-c', 'exec 3<>/dev/tty && exec dbclient "$@"', 'dbclient']);
  t.same(first.args.slice(3), dbclientArgs(ep, { remotePty: false, command: 'true' }, `${keyFile}.dropbear`));
  const key = first.args[first.args.indexOf('-i') + 1]!;
  t.equal(key, `${keyFile}.dropbear`);
  t.equal(fs.statSync(key).mode & 0o777, 0o600, 'the converted key is private');
  const home = first.env!.HOME!;
  t.equal(path.dirname(home), dir, "the HOME lives in the run's directory");
  t.equal(fs.readFileSync(path.join(home, '.ssh', 'known_hosts'), 'utf8'), `172.17.0.2 ${HOST_KEY}\n`, 'only the pinned key, under the address it connects to');
  const made = fs.statSync(key).mtimeMs;
  const again = dbclient.command(ep, { remotePty: true });
  t.equal(fs.statSync(again.args[again.args.indexOf('-i') + 1]!).mtimeMs, made, 'converted once');
  t.equal(again.env!.HOME, home);
  t.not(dbclientHome({ ...ep, host: '172.17.0.9' }), home, 'another address (a router) gets a file of its own');
  t.same(fs.readdirSync(dir).filter(f => f.endsWith('.tmp')), [], 'nothing half-written left');
});
