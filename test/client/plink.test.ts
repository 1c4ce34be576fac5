// plink's plug-in: the command line it builds (pinned by fingerprint, no questions, no saved
// sessions), the files it derives in the run's directory, that it declines a ServerAlive it cannot
// express, and how its own failures read. The words are those plink 0.78 printed in a
// pseudo-terminal (test/docker/cli-clients).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import plink, { keepaliveSupport, plinkArgs, sha256Fingerprint } from '../../harness/client/plink.js';
import { clients } from '../../harness/client/registry.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { knownCause, normalizeCause } from '../../harness/run/setup.js';

const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID8+hhgnCct4woOF8LHKnWegLm9nnrNVgXS18Xo0qNN9';
/** What `ssh-keygen -lf` says of HOST_KEY. */
const HOST_FP = 'SHA256:lEZBNGnQ1a14O80LbW4A7osthAaghY7yqbZz0q/V+os';
const PTY = { name: 'pty', remotePty: true, shell: true };

function endpoint(dir: string) {
  const knownHostsFile = path.join(dir, 'known_hosts-0123456789ab');
  fs.writeFileSync(knownHostsFile, `hangup-lab-0123456789ab ${HOST_KEY}\n`);
  return { client: 'plink', host: '172.17.0.2', user: 'hl1', keyFile: path.join(dir, 'id_ed25519'), knownHostsFile, hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: 'off' };
}

t.test('the registry knows it by name', async t => {
  t.equal(clients.get('plink'), plink);
});

t.test('the fingerprint is the SHA256 of the key blob, as ssh-keygen prints it', async t => {
  t.equal(sha256Fingerprint(HOST_KEY), HOST_FP);
  const dir = t.testdir({});
  const { publicKey } = await makeRunKey(dir, 'plfp0001');
  const keygen = spawnSync('ssh-keygen', ['-lf', `${path.join(dir, 'id_ed25519')}.pub`, '-E', 'sha256'], { encoding: 'utf8' }).stdout.split(' ')[1];
  t.equal(sha256Fingerprint(publicKey), keygen, 'a fresh key too');
});

t.test('the command line: ssh, no questions, the pinned fingerprint, the key, the terminal flag, then the command', async t => {
  const ep = endpoint(t.testdir({}));
  const args = plinkArgs(ep, { remotePty: true }, 'K.ppk');
  t.same(args, ['-ssh', '-batch', '-noagent', '-noshare', '-no-antispoof', '-hostkey', HOST_FP, '-i', 'K.ppk', '-t', '-P', '22', 'hl1@172.17.0.2'], 'a shell: -t, no command');
  t.same(plinkArgs(ep, { remotePty: false, command: 'setsid sleep 1 &' }, 'K').slice(-4), ['-T', '-P', '22', 'hl1@172.17.0.2', 'setsid sleep 1 &'].slice(-4), 'exec: -T, the command last');
  t.equal(plinkArgs(ep, { remotePty: false, command: 'x' }, 'K').at(-1), 'x', 'the remote command is one argument');
  t.ok(plinkArgs(ep, { remotePty: true, command: 'x' }, 'K').includes('-t'), 'exec-tty: -t with a command');
});

t.test('keepalive: none it can express, so any serverAlive but off is declined with why', async t => {
  t.equal(keepaliveSupport(null), true);
  t.match(keepaliveSupport({ intervalS: 2, countMax: 2 }), /plink has no ServerAlive.*"2\/2" cannot be expressed; use "off"/);
  t.type(plink.supports({ session: PTY, serverAlive: { intervalS: 5, countMax: 3 }, controls: ['kill'] }), 'string');
  for (const session of [PTY, { name: 'exec', remotePty: false, shell: false }, { name: 'exec-tty', remotePty: true, shell: false }]) {
    t.equal(plink.supports({ session, serverAlive: null, controls: ['kill', 'freeze'] }), true, session.name);
  }
  t.same(plink.keepalive, {}, 'no knob the harness can set');
  t.same(plink.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
  t.same(plink.program, { file: 'plink', versionArgs: ['-V'], install: 'apt-get install -y putty-tools' });
});

t.test('its own failure (exit 1, "FATAL ERROR") is told from a remote status 1', async t => {
  const own = plink.failedOnItsOwn!;
  t.ok(own(1, 'FATAL ERROR: Host key not in manually configured list\r\n'));
  t.notOk(own(1, 'hl-in\r\n'));
  t.notOk(own(128, 'FATAL ERROR: x'), 'a remote command killed by a signal exits 128');
});

t.test('its login failures are known causes', async t => {
  const cause = (line: string) => knownCause(normalizeCause(line));
  t.match(cause('FATAL ERROR: No supported authentication methods available (server sent: publickey)'), { transient: false, fix: /refuses the run's key/ });
  t.match(cause('FATAL ERROR: Host key not in manually configured list'), { transient: false, fix: /host key/ });
  t.match(cause('Unable to use key file "/tmp/x/id_ed25519.ppk" (unable to open file)'), { transient: false, fix: /cannot load the run's key/ });
  t.match(cause('FATAL ERROR: Connection refused'), { transient: false, fix: /nothing answers/ });
  t.match(cause('FATAL ERROR: Remote side unexpectedly closed network connection'), { transient: true });
  t.match(cause('FATAL ERROR: Network error: Connection timed out'), { transient: true });
});

t.test("command(): the key converted once, PuTTY's directory the run's own (HOME and PUTTYDIR)", async t => {
  const dir = t.testdir({});
  await makeRunKey(dir, 'plunit01');
  const ep = endpoint(dir);
  const c = plink.command(ep, { remotePty: false, command: 'true' });
  t.equal(c.file, 'plink');
  const key = c.args[c.args.indexOf('-i') + 1]!;
  t.equal(key, `${ep.keyFile}.ppk`);
  t.match(fs.readFileSync(key, 'utf8'), /^PuTTY-User-Key-File-\d: ssh-ed25519/);
  t.equal(fs.statSync(key).mode & 0o777, 0o600, 'the converted key is private');
  t.equal(c.env!.PUTTYDIR, path.join(dir, 'plink-home', '.putty'));
  t.equal(c.env!.HOME, path.join(dir, 'plink-home'));
  t.same(fs.readdirSync(c.env!.PUTTYDIR!).filter(f => f !== 'randomseed'), [], 'no sessions, no host key cache: only puttygen’s random seed');
  const made = fs.statSync(key).mtimeMs;
  t.equal(fs.statSync(plink.command(ep, { remotePty: true }).args[c.args.indexOf('-i') + 1]!).mtimeMs, made, 'converted once');
  t.same(fs.readdirSync(dir).filter(f => f.endsWith('.tmp')), [], 'nothing half-written left');
});
