// The run key: made by OpenSSH's ssh-keygen through makeRunKey (the code path every run takes), and
// every one loadable by OpenSSH. ssh2's generator failed about 1 key in 256 (a leading zero byte of
// the public key was dropped), so 2,000 keys cover that case about 8 times over.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ExitCode, InfrastructureError } from '../../harness/core/errors.js';
import { checkRunKey, makeRunKey } from '../../harness/run/run-key.js';

const KEYS = 2000;
/** ssh-keygen processes at once: enough to keep 2 cores busy, few enough not to starve the others. */
const AT_ONCE = 8;

async function pool<T>(n: number, atOnce: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: atOnce }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

t.test(`${KEYS} run keys from makeRunKey: OpenSSH loads every one`, async t => {
  const dir = t.testdir({});
  const runId = (i: number) => i.toString(16).padStart(8, '0');
  const t0 = performance.now();
  // makeRunKey itself loads each key with `ssh-keygen -y -f` and compares the public key it derives
  // (and throws otherwise): that is the OpenSSH check, once per key, through the run's own code.
  const results = await pool(KEYS, AT_ONCE, async i => {
    const keyDir = path.join(dir, String(i));
    fs.mkdirSync(keyDir);
    const key = await makeRunKey(keyDir, runId(i));
    return { i, key, file: fs.readFileSync(key.keyFile, 'utf8'), mode: fs.statSync(key.keyFile).mode & 0o777 };
  });
  const seconds = (performance.now() - t0) / 1000;
  t.equal(results.length, KEYS, 'makeRunKey made and OpenSSH loaded every key');
  // A second witness that owes nothing to OpenSSH: the file read by hand, the public key derived
  // from the seed by node's ed25519. (ssh-keygen -y trusts the public key stored beside the seed.)
  const bad = results.filter(r => {
    const k = parseKeyFile(r.file);
    const blob = reader(Buffer.from(r.key.publicKey.split(' ')[1]!, 'base64'));
    blob.str(); // "ssh-ed25519"
    const published = blob.str();
    return !(k.pk.length === 32 && k.envelopePk.equals(k.pk) && k.sk.subarray(32).equals(k.pk) && published.equals(k.pk) && derivedFromSeed(k).equals(k.pk));
  });
  t.equal(bad.length, 0, `every file holds a 32-byte public key, the same everywhere and derived from its seed; not: ${bad.slice(0, 3).map(r => r.i).join(', ')}`);
  t.equal(results.filter(r => r.mode !== 0o600).length, 0, 'every private key file is mode 0600');
  t.equal(results.filter(r => !r.key.publicKey.endsWith(` hangup-lab-${runId(r.i)}`)).length, 0, 'each names its run in the comment');
  t.equal(new Set(results.map(r => r.key.publicKey.split(' ')[1])).size, KEYS, 'no two keys alike');
  const leadingZero = results.filter(r => parseKeyFile(r.file).pk[0] === 0).length;
  t.comment(`${KEYS} keys, ${AT_ONCE} at once: ${seconds.toFixed(1)} s; ${leadingZero} begin with a zero byte (the keys ssh2 broke)`);
});

// ---------------------------------------------------------------------------------------------
// The key file itself, read without OpenSSH (PROTOCOL.key in OpenSSH's source): an unencrypted
// openssh-key-v1 file holds the public blob, then a private section with the public key again and
// the 64-byte secret (32-byte seed, then the public key).

interface KeyFileParts {
  header: Buffer[]; // magic, then the cipher, kdf and kdf options strings, raw
  envelopePk: Buffer;
  checks: Buffer;
  type: Buffer;
  pk: Buffer;
  sk: Buffer;
  comment: Buffer;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (b: Buffer | string) => Buffer.concat([u32(Buffer.byteLength(b)), Buffer.from(b)]);

function reader(b: Buffer, at = 0) {
  return {
    raw(n: number) {
      at += n;
      return b.subarray(at - n, at);
    },
    str() {
      const len = b.readUInt32BE(at);
      at += 4 + len;
      return b.subarray(at - len, at);
    },
  };
}

function parseKeyFile(text: string): KeyFileParts {
  const r = reader(Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
  const header = [r.raw(15), str(r.str()), str(r.str()), str(r.str())];
  r.raw(4); // one key
  const envelope = reader(r.str());
  envelope.str(); // "ssh-ed25519"
  const envelopePk = envelope.str();
  const priv = reader(r.str());
  return { header, envelopePk, checks: priv.raw(8), type: priv.str(), pk: priv.str(), sk: priv.str(), comment: priv.str() };
}

function writeKeyFile(k: KeyFileParts): string {
  let section = Buffer.concat([k.checks, str(k.type), str(k.pk), str(k.sk), str(k.comment)]);
  section = Buffer.concat([section, Buffer.from(Array.from({ length: (8 - (section.length % 8)) % 8 }, (_, i) => i + 1))]);
  const body = Buffer.concat([...k.header, u32(1), str(Buffer.concat([str(k.type), str(k.envelopePk)])), str(section)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** The public key that node's own ed25519 derives from the file's 32-byte seed. */
function derivedFromSeed(k: KeyFileParts): Buffer {
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: k.sk.subarray(0, 32).toString('base64url'), x: k.pk.toString('base64url') };
  const x = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'jwk' }).x!;
  return Buffer.from(x, 'base64url');
}

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
