// The run key refused: a key file OpenSSH cannot load, or one that is not the pair made, stops the
// run with one line and exit 3 before any login. (The 2,000 keys that must all load are in
// run-key-many-a/b.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ExitCode, InfrastructureError } from '../../harness/core/errors.js';
import { checkRunKey, makeRunKey } from '../../harness/run/run-key.js';
import { parseKeyFile, writeKeyFile } from '../fixtures/run-keys.js';

const flip = (b: Buffer, i: number) => {
  const c = Buffer.from(b);
  c[i] = c[i]! ^ 0xff;
  return c;
};

async function refusal(t: Test, p: Promise<unknown>, what: string): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  t.type(e, InfrastructureError, `${what}: an InfrastructureError`);
  const err = e as InfrastructureError;
  t.equal(err?.exitCode, ExitCode.infrastructure, `${what}: exit 3`);
  t.notMatch(err?.message ?? '', /\n/, `${what}: one line`);
  return err?.message ?? '';
}

t.test('a corrupted key file is refused with one line, before any login', async t => {
  const dir = t.testdir({});
  const { keyFile, publicKey } = await makeRunKey(dir, 'c0ffee00');
  const good = fs.readFileSync(keyFile, 'utf8');
  const parts = parseKeyFile(good);
  const write = (text: string, mode = 0o600) => {
    fs.writeFileSync(keyFile, text);
    fs.chmodSync(keyFile, mode);
  };

  await t.resolves(checkRunKey(keyFile, publicKey), 'the key as made passes');
  t.equal(writeKeyFile(parts), good, 'the test reads and writes key files exactly as ssh-keygen does');

  // ssh2 1.17 wrote a public key that began with 0x00 without that byte: 31 bytes, both places.
  write(writeKeyFile({ ...parts, envelopePk: parts.pk.subarray(1), pk: parts.pk.subarray(1) }));
  const short = await refusal(t, checkRunKey(keyFile, publicKey), 'a 31-byte public part (what ssh2 wrote)');
  // The very line of the refused runs: `Load key "…": error in libcrypto`.
  t.match(short, /^run key .*id_ed25519: OpenSSH cannot load it \(ssh-keygen -y: Load key ".*": error in libcrypto\); run again \(each run makes a new key\)/);

  write(writeKeyFile({ ...parts, pk: flip(parts.pk, 5) }));
  await refusal(t, checkRunKey(keyFile, publicKey), 'the private section disagrees with the public blob');

  write(writeKeyFile({ ...parts, checks: flip(parts.checks, 0) }));
  await refusal(t, checkRunKey(keyFile, publicKey), 'check words that differ');

  write(good.slice(0, good.length / 2));
  await refusal(t, checkRunKey(keyFile, publicKey), 'a truncated file');

  write('');
  await refusal(t, checkRunKey(keyFile, publicKey), 'an empty file');

  write(good, 0o644);
  await refusal(t, checkRunKey(keyFile, publicKey), 'permissions ssh refuses (0644)');

  write(good);
  const otherDir = path.join(dir, 'other');
  fs.mkdirSync(otherDir);
  const other = await makeRunKey(otherDir, 'c0ffee01');
  const mismatch = await refusal(t, checkRunKey(keyFile, other.publicKey), 'the public key of another pair');
  t.match(mismatch, /derives a different public key/);

  const again = await refusal(t, makeRunKey(dir, 'c0ffee03'), 'a key file already there');
  t.match(again, /already exists/, 'never overwritten');
});

t.test('no ssh-keygen: exit 3 naming the package', async t => {
  const dir = t.testdir({});
  const saved = process.env.PATH;
  process.env.PATH = dir; // an empty dir: nothing to run
  t.teardown(() => {
    process.env.PATH = saved;
  });
  const msg = await refusal(t, makeRunKey(dir, 'c0ffee02'), 'ssh-keygen missing');
  t.match(msg, /ssh-keygen is not installed; install OpenSSH's client tools \(apt-get install -y openssh-client\)$/);
});
