import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { BadInputError, InfrastructureError } from '../core/errors.js';
import { CONTAINERS_DIR } from '../core/paths.js';

const run = promisify(execFile);

/**
 * testcontainers must be told, before its first call, that (1) no reaper image can be pulled here
 * (we label and sweep ourselves) and (2) the host is reachable as 127.0.0.1; without (2) it sees
 * /.dockerenv and tries to pull alpine to discover a gateway. It reads both from the environment
 * when it first talks to the engine, so every place that starts a container calls this first
 * (importing a module never changes the environment). A user's own setting wins.
 */
export function configureTestcontainers(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

export async function engineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** The socket a local engine listens on; DOCKER_HOST naming it is still "the local engine". */
const LOCAL_SOCKETS = ['unix:///var/run/docker.sock', 'unix:///run/docker.sock'];

/** HANGUP_LAB_PROVISION: auto (the default) or never; anything else is a typo worth stopping for. */
function provisionMode(): 'auto' | 'never' {
  const mode = process.env.HANGUP_LAB_PROVISION ?? 'auto';
  if (mode !== 'auto' && mode !== 'never') {
    throw new BadInputError(`HANGUP_LAB_PROVISION=${mode}: must be auto (the default: install and start a Docker engine when none answers) or never`);
  }
  return mode;
}

/**
 * Whether a missing engine may be provisioned here, else why not (a phrase) and what to do.
 * Provisioning cannot help when DOCKER_HOST names another engine, and HANGUP_LAB_PROVISION=never
 * forbids it (a machine where the harness must not install anything).
 */
export function provisioning(script: string): { allowed: true } | { allowed: false; remote: boolean; why: string; fix: string } {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost && !LOCAL_SOCKETS.includes(dockerHost)) {
    return { allowed: false, remote: true, why: `DOCKER_HOST=${dockerHost} names another engine`, fix: 'start it, or unset DOCKER_HOST to use (or provision) the local one' };
  }
  if (provisionMode() === 'never') return { allowed: false, remote: false, why: 'HANGUP_LAB_PROVISION=never forbids installing one', fix: `start Docker, or run: sudo ${script}` };
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) return { allowed: false, remote: false, why: 'provisioning one needs root and apt-get', fix: `start one, or on a Debian-like host run: sudo ${script}` };
  return { allowed: true };
}

/**
 * Make sure a Docker engine answers. On a root Debian-like host without one, provision it
 * (containers/engine/provision.sh says on stderr what it does); anywhere else, stop with the
 * exact command to run.
 */
export async function ensureEngine(say: (line: string) => void): Promise<void> {
  provisionMode();
  if (await engineAnswers()) return;
  const script = path.join(CONTAINERS_DIR, 'engine', 'provision.sh');
  const p = provisioning(script);
  if (!p.allowed) {
    throw new InfrastructureError(
      p.remote ? `no Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}; ${p.fix}` : `no Docker engine answers (docker info failed); ${p.why}; ${p.fix}`,
    );
  }
  say('no Docker engine answers: provisioning one (docker.io from Debian, dockerd in the background)');
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !(await engineAnswers())) {
    throw new InfrastructureError(`provisioning the Docker engine failed (exit ${r.status}); run ${script} by hand to see why`);
  }
}

