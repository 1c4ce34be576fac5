import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import { clients } from '../../harness/client/registry.js';
import ssh2 from '../../harness/client/ssh2.js';
import { clientVersion } from '../../harness/client/version.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { knownCause } from '../../harness/run/setup.js';

const EP = { host: '172.17.0.2', user: 'hl1', keyFile: '/tmp/k', knownHostsFile: '/tmp/kh', hostKeyAlias: 'hangup-lab-0123456789ab', serverAlive: '5/2' };
const PTY = { name: 'pty', remotePty: true, shell: true };
const EXEC = { name: 'exec', remotePty: false, shell: false };
const EXEC_TTY = { name: 'exec-tty', remotePty: true, shell: false };

interface ParsedKey {
  getPublicSSH(): Buffer;
  sign(data: Buffer): Buffer | Error;
  verify(data: Buffer, sig: Buffer): boolean | Error;
}
const { utils } = createRequire(import.meta.url)('ssh2') as { utils: { parseKey(data: Buffer): ParsedKey | Error } };

t.test('the registry knows it by name', async t => {
  t.equal(clients.get('ssh2'), ssh2);
});

t.test("this node runs the runner with the endpoint, each value one argument", async t => {
  const { file, args } = ssh2.command(EP, { remotePty: false, command: 'sleep 1' });
  t.equal(file, process.execPath, 'the node that runs the harness: no other runtime to install');
  t.match(args[0], /harness\/client\/runners\/ssh2-client\.mjs$/);
  t.ok(fs.existsSync(args[0]!), 'the runner is where the command says');
  t.same(args.slice(1), ['--host', '172.17.0.2', '--user', 'hl1', '--key', '/tmp/k', '--known-hosts', '/tmp/kh', '--host-key-alias', 'hangup-lab-0123456789ab', '--server-alive', '5/2', '--command=sleep 1']);
  t.same(ssh2.command(EP, { remotePty: true }).args.slice(-1), ['--tty'], 'a shell: a remote terminal, no command');
});

t.test('it supports every session type, every ServerAlive setting and every control', async t => {
  for (const session of [PTY, EXEC, EXEC_TTY]) {
    for (const serverAlive of [null, { intervalS: 1, countMax: 0 }, { intervalS: 15, countMax: 3 }]) {
      t.equal(ssh2.supports({ session, serverAlive, controls: ['kill', 'freeze'] }), true, `${session.name} ${JSON.stringify(serverAlive)}`);
    }
  }
  t.same(ssh2.keepalive, { probeInterval: 'keepaliveInterval', probeCountMax: 'keepaliveCountMax' });
  t.same(ssh2.signals, { kill: 'SIGKILL', freeze: 'SIGSTOP', thaw: 'SIGCONT' });
});

t.test('its version line names ssh2, the locked version, and node', async t => {
  const locked = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> }).packages['node_modules/ssh2']!.version;
  t.equal(clientVersion(ssh2), `ssh2 ${locked} (node ${process.version})`);
});

t.test('the runner refuses bad input in one line with exit 255, before any connection', async t => {
  const r = spawnSync(ssh2.program.file, [ssh2.command(EP, { remotePty: false }).args[0]!, '--host', '127.0.0.1'], { encoding: 'utf8' });
  t.equal(r.status, 255);
  t.match(r.stderr.trim(), /^ssh2: usage: missing --user$/);
});

/** The raw 32-byte public key of an ed25519 private key made by node. */
function nodeKeyPair(): { seed: Buffer; pub: Buffer } {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { seed: Buffer.from(jwk.d!, 'base64url'), pub: Buffer.from(jwk.x!, 'base64url') };
}

/**
 * A key file exactly as ssh-keygen writes it, but holding a key pair whose public part begins
 * with a zero byte: the kind ssh2 1.17 generated wrongly (run/run-key.ts). ssh-keygen cannot be
 * told which key to make, and one in 256 of its keys is such a key, so the pair is swapped into
 * one of its files; every field keeps its length. ssh-keygen -y then proves OpenSSH loads it.
 */
async function leadingZeroKey(dir: string): Promise<{ keyFile: string; publicKey: string }> {
  const { keyFile, publicKey } = await makeRunKey(dir, 'zero');
  const oldPub = Buffer.from(publicKey.split(' ')[1]!, 'base64').subarray(-32);
  const pem = fs.readFileSync(keyFile, 'utf8');
  const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  let pair = nodeKeyPair();
  while (pair.pub[0] !== 0) pair = nodeKeyPair();
  // The private half is seed ‖ public, right before the public key's last appearance.
  const last = body.lastIndexOf(oldPub);
  pair.seed.copy(body, last - 32);
  for (let at = body.indexOf(oldPub); at !== -1; at = body.indexOf(oldPub, at + 32)) pair.pub.copy(body, at);
  const b64 = body.toString('base64').replace(/.{70}/g, '$&\n');
  fs.writeFileSync(keyFile, `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });
  return { keyFile, publicKey: execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim() };
}

t.test('ssh2 parses ed25519 keys as ssh-keygen makes them, including one whose public part begins with 0x00', async t => {
  const dir = t.testdir({});
  const keys = await Promise.all([0, 1, 2, 3, 4].map(async i => {
    fs.mkdirSync(path.join(dir, String(i)));
    return i === 0 ? leadingZeroKey(path.join(dir, '0')) : makeRunKey(path.join(dir, String(i)), `k${i}`);
  }));
  t.equal(Buffer.from(keys[0]!.publicKey.split(' ')[1]!, 'base64').at(-32), 0, 'OpenSSH reads back the key with a leading zero byte');
  for (const [i, k] of keys.entries()) {
    const parsed = utils.parseKey(fs.readFileSync(k.keyFile));
    if (parsed instanceof Error) {
      t.fail(`key ${i}: ${parsed.message}`);
      continue;
    }
    t.equal(parsed.getPublicSSH().toString('base64'), k.publicKey.split(' ')[1], `key ${i}: the public key ssh-keygen derives`);
    const data = Buffer.from(`hangup-lab ${i}`);
    const sig = parsed.sign(data);
    t.ok(!(sig instanceof Error) && parsed.verify(data, sig) === true, `key ${i}: a signature with the private half verifies`);
  }
});

t.test('what the runner prints when a login fails is a cause the setup knows, transient or not', async t => {
  const said: [string, boolean][] = [
    ['ssh2: Permission denied (publickey): All configured authentication methods failed', false],
    ['ssh2: Host key verification failed: Host denied (verification failed)', false],
    ['ssh2: connection failed: read ECONNRESET', true],
    ['ssh2: Connection timed out: Timed out while waiting for handshake', true],
  ];
  for (const [line, transient] of said) t.equal(knownCause(line)?.transient, transient, line);
});
