// The Docker engine: does it answer, what is it, and who starts it when it does not.
import { missing, ok, type Check } from './check.js';

export interface EngineInfo {
  serverVersion: string;
  storageDriver: string;
  cgroupDriver: string;
  /** "1" or "2" as `docker info` says it; empty when the engine does not say */
  cgroupVersion: string;
  dockerRootDir: string;
}

/**
 * Parse `docker info --format '{{json .}}'`. A client whose engine does not answer still prints
 * JSON, with no ServerVersion; why is in ServerErrors (older clients) or on stderr (newer ones).
 */
export function parseDockerInfo(stdout: string, stderr = ''): { answers: true; info: EngineInfo } | { answers: false; error: string } {
  const complaint = stderr.split('\n').find(l => l.trim())?.trim();
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return { answers: false, error: complaint ?? `docker info printed no JSON: ${stdout.trim().split('\n')[0] ?? ''}` };
  }
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  const errors = Array.isArray(d.ServerErrors) ? (d.ServerErrors as unknown[]).map(String) : [];
  if (!str('ServerVersion')) return { answers: false, error: errors[0] ?? complaint ?? 'docker info names no server version' };
  return {
    answers: true,
    info: {
      serverVersion: str('ServerVersion'),
      storageDriver: str('Driver'),
      cgroupDriver: str('CgroupDriver'),
      cgroupVersion: str('CgroupVersion'),
      dockerRootDir: str('DockerRootDir'),
    },
  };
}

export interface EngineFacts {
  /** the docker CLI exists */
  cli: boolean;
  result: ReturnType<typeof parseDockerInfo>;
  /** root with apt-get: `hangup-lab run` installs and starts an engine itself (containers/engine/provision.sh) */
  canProvision: boolean;
  /** why it does not (DOCKER_HOST names another engine, HANGUP_LAB_PROVISION=never, not root + apt-get) */
  noProvisionWhy?: string;
  provisionScript: string;
}

export function engineCheck(f: EngineFacts): Check {
  if (f.result.answers) {
    const i = f.result.info;
    return ok(
      'docker engine',
      `Docker ${i.serverVersion}, storage driver ${i.storageDriver || '?'}, cgroup driver ${i.cgroupDriver || '?'}, cgroup v${i.cgroupVersion || '?'}, data root ${i.dockerRootDir || '?'}`,
    );
  }
  const what = f.cli ? `no engine answers (${f.result.error})` : 'the docker CLI is not installed';
  // Missing either way: nothing container-side can be checked. The fix says whether a run would
  // have provisioned it by itself.
  return f.canProvision
    ? missing('docker engine', `${what}; hangup-lab run provisions one by itself here (root + apt-get)`, `run now: ${f.provisionScript}`)
    : missing('docker engine', `${what}; not provisioned automatically (${f.noProvisionWhy ?? 'needs root and apt-get'})`, `install Docker and start it, or on a Debian-like host: sudo ${f.provisionScript}`);
}
