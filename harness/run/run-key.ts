// The run's key pair, made by OpenSSH's own ssh-keygen (part of the client under test, so nothing
// new is required). ssh2 1.17's generateKeyPairSync drops the leading zero bytes of an ed25519
// public key, so about one key in 256 (those that begin with 0x00) was written with a 31-byte public
// part, which OpenSSH refuses with "error in libcrypto" (https://github.com/mscdex/ssh2/issues/1390,
// https://github.com/mscdex/ssh2/issues/1513): every login of that run was then refused.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InfrastructureError } from '../core/errors.js';

export interface RunKey {
  /** the private key, mode 0600, in the run's temp dir */
  keyFile: string;
  /** "ssh-ed25519 AAAA… hangup-lab-<runId>", as it goes into authorized_keys */
  publicKey: string;
}

/** ssh-keygen takes a few ms; this is for an engine-loaded machine where nothing is quick. */
const KEYGEN_TIMEOUT_MS = 30_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the spawn itself failed (ENOENT: not installed) or the deadline passed */
  error?: NodeJS.ErrnoException & { killed?: boolean };
}

function sshKeygen(args: string[]): Promise<Ran> {
  return new Promise(resolve => {
    // stdin closed: should ssh-keygen ever ask something, EOF answers it.
    const child = execFile('ssh-keygen', args, { encoding: 'utf8', timeout: KEYGEN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      resolve({ code: child.exitCode, stdout, stderr, ...(e && (typeof e.code === 'string' || e.killed) ? { error: e } : {}) });
    });
    child.stdin?.end();
  });
}

/** What ssh-keygen said last, or why it did not run, for a one-line message. */
function lastWords(r: Ran): string {
  if (r.error?.code === 'ENOENT') return 'ssh-keygen is not installed';
  if (r.error?.killed) return `ssh-keygen did not finish within ${KEYGEN_TIMEOUT_MS / 1000} s`;
  const line = (r.stderr + r.stdout).split('\n').map(l => l.trim()).filter(Boolean).at(-1);
  return line ?? `ssh-keygen exited ${r.code}`;
}

/** "type base64" of an OpenSSH public key line: the comment is no part of the key. */
function keyPart(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/**
 * Make the run's ed25519 key pair as `<dir>/id_ed25519` with ssh-keygen, then prove OpenSSH can
 * load it (checkRunKey). A key that fails is an InfrastructureError (exit 3) with one line, before
 * any container starts, instead of a run of refused logins.
 */
export async function makeRunKey(dir: string, runId: string): Promise<RunKey> {
  const keyFile = path.join(dir, 'id_ed25519');
  // ssh-keygen would ask before overwriting; a run dir is new, so a key there is someone else's.
  if (fs.existsSync(keyFile)) throw new InfrastructureError(`run key ${keyFile}: already exists; a run makes its key in a new directory of its own (makeRunDir)`);
  const made = await sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', `hangup-lab-${runId}`, '-f', keyFile]);
  if (made.code !== 0 || made.error) {
    throw new InfrastructureError(`run key ${keyFile}: ssh-keygen -t ed25519 failed: ${lastWords(made)}; install OpenSSH's client tools (apt-get install -y openssh-client)`);
  }
  let publicKey: string;
  try {
    publicKey = fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
  } catch (e) {
    throw new InfrastructureError(`run key ${keyFile}.pub: ssh-keygen wrote no public key (${(e as NodeJS.ErrnoException).code ?? e}); check that ${dir} is writable`);
  }
  await checkRunKey(keyFile, publicKey);
  return { keyFile, publicKey };
}

/**
 * OpenSSH loads the private key and derives from it exactly this public key: what the client will
 * do at every login. `ssh-keygen -y` also refuses a key file whose permissions are too open,
 * which ssh would refuse too. It does not sign anything, so a seed that does not match its public
 * key would pass: ssh-keygen never writes one, and `doctor` logs in with a key made here.
 */
export async function checkRunKey(keyFile: string, publicKey: string): Promise<void> {
  const derived = await sshKeygen(['-y', '-f', keyFile]);
  if (derived.code !== 0 || derived.error) {
    throw new InfrastructureError(`run key ${keyFile}: OpenSSH cannot load it (ssh-keygen -y: ${lastWords(derived)}); run again (each run makes a new key) and report it, with \`ssh -V\`, if it recurs`);
  }
  if (keyPart(derived.stdout) !== keyPart(publicKey)) {
    throw new InfrastructureError(
      `run key ${keyFile}: OpenSSH derives a different public key from it (${keyPart(derived.stdout).slice(0, 40)}… instead of ${keyPart(publicKey).slice(0, 40)}…); run again (each run makes a new key) and report it, with \`ssh -V\`, if it recurs`,
    );
  }
}
