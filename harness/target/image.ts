import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { GenericContainer } from 'testcontainers';
import { InfrastructureError } from '../errors.js';
import { CONTAINERS_DIR } from '../paths.js';
import type { TargetSpec } from './targets.js';

const run = promisify(execFile);

/** Every file that goes into a target image: its Dockerfile and the shared agent/ and common/. */
function imageInputs(spec: TargetSpec): string[] {
  const dirs = ['agent', 'common'].map(d => path.join(CONTAINERS_DIR, d));
  const files = [path.join(CONTAINERS_DIR, spec.dockerfile)];
  for (const d of dirs) files.push(...listFiles(d));
  return files.sort();
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/**
 * The image tag encodes a hash of its inputs, so an unchanged image is reused and a change rebuilds.
 * Inputs are the files and the build arguments: targets that share one Dockerfile differ only in
 * those (the suite), and must never share a tag.
 */
export function imageTag(spec: TargetSpec): string {
  const h = createHash('sha256');
  for (const f of imageInputs(spec)) {
    h.update(path.relative(CONTAINERS_DIR, f)).update('\0');
    h.update(fs.readFileSync(f)).update('\0');
  }
  for (const [k, v] of Object.entries(spec.buildArgs).sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`--build-arg ${k}=${v}`).update('\0');
  }
  return `hangup-lab/${spec.name}:${h.digest('hex').slice(0, 12)}`;
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', tag], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

// Containers start on demand and in parallel: all of them must wait for one build, not start three.
const building = new Map<string, Promise<string>>();

/** Build the target image once per input hash; seed debian:<suite> offline first when needed. */
export function ensureImage(spec: TargetSpec, say: (line: string) => void): Promise<string> {
  const tag = imageTag(spec);
  let p = building.get(tag);
  if (!p) {
    p = buildIfMissing(spec, tag, say);
    building.set(tag, p);
    // A failed build may be retried by a later run in the same process (tests), not cached.
    p.catch(() => building.delete(tag));
  }
  return p;
}

async function buildIfMissing(spec: TargetSpec, tag: string, say: (line: string) => void): Promise<string> {
  if (await imageExists(tag)) return tag;
  const seed = spawnSync('bash', [path.join(CONTAINERS_DIR, 'engine', 'seed-base.sh'), spec.suite], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (seed.status !== 0) {
    throw new InfrastructureError(
      `base image debian:${spec.suite} could not be pulled or seeded (exit ${seed.status}); run containers/engine/seed-base.sh ${spec.suite} to see why`,
    );
  }
  say(`building image ${tag} (once per change of containers/)`);
  try {
    await GenericContainer.fromDockerfile(CONTAINERS_DIR, spec.dockerfile).withBuildArgs(spec.buildArgs).build(tag, { deleteOnExit: false });
  } catch (e) {
    throw new InfrastructureError(`building ${tag} from containers/${spec.dockerfile} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  return tag;
}
