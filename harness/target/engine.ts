import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { InfrastructureError } from '../errors.js';
import { CONTAINERS_DIR } from '../paths.js';

const run = promisify(execFile);

// testcontainers must be told, before its first call, that (1) no reaper image can be pulled here
// (we label and sweep ourselves) and (2) the host is reachable as 127.0.0.1; without (2) it sees
// /.dockerenv and tries to pull alpine to discover a gateway.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export async function engineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Make sure a Docker engine answers. On a root Debian-like host without one, provision it
 * (containers/engine/provision.sh says on stderr what it does); anywhere else, stop with the
 * exact command to run.
 */
export async function ensureEngine(say: (line: string) => void): Promise<void> {
  if (await engineAnswers()) return;
  const script = path.join(CONTAINERS_DIR, 'engine', 'provision.sh');
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new InfrastructureError(
      `no Docker engine answers (docker info failed); start one, or on a Debian-like host run: sudo ${script}`,
    );
  }
  say('no Docker engine answers: provisioning one (docker.io from Debian, dockerd in the background)');
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !(await engineAnswers())) {
    throw new InfrastructureError(`provisioning the Docker engine failed (exit ${r.status}); run ${script} by hand to see why`);
  }
}

/** The local OpenSSH client is the thing under test on the client side: it must be real. */
export function ensureSshClient(): string {
  const r = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new InfrastructureError('the OpenSSH client (ssh) is not installed; run: apt-get install -y openssh-client');
  }
  return (r.stderr || r.stdout).trim();
}
