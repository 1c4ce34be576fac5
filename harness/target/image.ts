import { createHash } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, InfrastructureError } from '../core/errors.js';
import { CONTAINERS_DIR } from '../core/paths.js';
import { checkBasePrefix, type TargetSpec } from './targets.js';

const run = promisify(execFile);

/**
 * Every file that may go into a target image: its Dockerfile's directory (the Dockerfile and the
 * files it copies from there, e.g. debian-sysvinit/etc/) and the shared agent/ and common/.
 */
export function imageInputs(spec: TargetSpec): string[] {
  const dirs = [path.dirname(spec.dockerfile), 'agent', 'common'].map(d => path.join(CONTAINERS_DIR, d));
  return [...new Set(dirs.flatMap(listFiles))].sort();
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

/** An image (a tag or a base such as debian:bookworm) this machine's engine has. */
export async function imageExists(tag: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', tag], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

// Containers start on demand and in parallel: all of them must wait for one build, not start three.
const building = new Map<string, Promise<string>>();

/** Build the target image once per input hash; seed its base (debian:<suite>) offline first when needed. */
export function ensureImage(spec: TargetSpec, say: (line: string) => void): Promise<string> {
  checkBasePrefix();
  let tag: string;
  try {
    tag = imageTag(spec);
  } catch (e) {
    const why = `cannot read the container definitions of ${spec.name} in ${CONTAINERS_DIR} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    throw process.env.HANGUP_LAB_CONTAINERS_DIR
      ? new BadInputError(`HANGUP_LAB_CONTAINERS_DIR: ${why}; point it at a copy of hangup-lab's containers/, or unset it`)
      : new InfrastructureError(`${why}; the checkout is incomplete: git checkout -- containers/`);
  }
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
  await seedBase(spec);
  say(`building image ${tag} (once per change of ${CONTAINERS_DIR})`);
  const dockerfile = path.join(CONTAINERS_DIR, spec.dockerfile);
  const buildArgs = Object.entries(spec.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  // The docker CLI's classic builder, not testcontainers: its build swallows the log and says only
  // "Failed to build image". --force-rm removes the failing step's container too; a tag is only
  // set by a build that succeeded.
  const r = await runCommand('docker', ['build', '--force-rm', '-f', dockerfile, ...buildArgs, '-t', tag, CONTAINERS_DIR], { DOCKER_BUILDKIT: '0' });
  if (r.code !== 0) {
    const { step, error } = explainBuildFailure(r.output);
    throw new InfrastructureError(
      `building ${tag} from ${dockerfile} failed${step ? ` at step "${step}"` : ''}: ${error}; fix the Dockerfile or run: DOCKER_BUILDKIT=0 docker build -f ${dockerfile} ${buildArgs.join(' ')} ${CONTAINERS_DIR} to see the whole log`,
    );
  }
  return tag;
}

/** Make the base image exist (containers/engine/seed-base.sh), its progress shown as it goes. */
async function seedBase(spec: TargetSpec): Promise<void> {
  const script = path.join(CONTAINERS_DIR, 'engine', 'seed-base.sh');
  const r = await runCommand('bash', [script, spec.suite, spec.base], {}, line => process.stderr.write(line));
  if (r.code === 0) return;
  if (r.code === SEED_DISK_FULL) {
    const needMb = /needs about (\d+) MB/.exec(r.output)?.[1];
    throw new InfrastructureError(
      `seeding ${spec.base} failed: disk full in ${process.env.HANGUP_LAB_SEED_TMP ?? '/var/tmp'}${needMb ? ` (debootstrap needs about ${needMb} MB)` : ''}; free space there or set HANGUP_LAB_SEED_TMP to a directory with more`,
    );
  }
  throw new InfrastructureError(`base image ${spec.base} could not be pulled or seeded (exit ${r.code}); run ${script} ${spec.suite} to see why`);
}

/** seed-base.sh's exit code for a full disk (ENOSPC's errno). */
const SEED_DISK_FULL = 28;

/**
 * Run a command, keeping the tail of its output (stdout and stderr as they arrive) for the error
 * message; `onStderr` sees stderr live (a seed's progress).
 */
function runCommand(cmd: string, args: string[], env: Record<string, string>, onStderr?: (text: string) => void): Promise<{ code: number | null; output: string }> {
  return new Promise(resolve => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-64 * 1024);
    };
    p.stdout.on('data', keep);
    p.stderr.on('data', (d: Buffer) => {
      keep(d);
      onStderr?.(d.toString('utf8'));
    });
    p.on('error', e => resolve({ code: null, output: e.message }));
    p.on('close', code => resolve({ code, output }));
  });
}

/**
 * The failing step and its last error line, from the classic builder's output: "Step 2/9 : RUN
 * false", then the step's own output, then "The command '/bin/sh -c false' returned a non-zero
 * code: 1" (or the daemon's error, e.g. "COPY failed: …", or a parse error before any step).
 */
export function explainBuildFailure(output: string): { step: string | null; error: string } {
  // The daemon colours a step's stderr; \r comes from the context upload's progress.
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split(/[\r\n]+/).map(l => l.trimEnd()).filter(l => l.trim() && !/^DEPRECATED:|^\s*(Install the buildx|BuildKit is currently|Environment-variable|https:\/\/docs\.docker)/.test(l));
  const stepAt = lines.findLastIndex(l => /^Step \d+\/\d+ : /.test(l));
  const step = stepAt < 0 ? null : shorten(lines[stepAt]!.replace(/^Step \d+\/\d+ : /, ''), 100);
  const last = lines.at(-1)?.replace(/^Error response from daemon: /, '') ?? 'no output';
  const exit = /returned a non-zero code: (\d+)/.exec(last);
  if (!exit) return { step, error: last };
  // The step's own last words say more than its exit code ("E: Unable to locate package …").
  const own = lines.slice(stepAt + 1, -1).filter(l => !/^ ---> |^Removing intermediate container/.test(l)).at(-1);
  return { step, error: own ? `${own.trim()} (exit ${exit[1]})` : `exit ${exit[1]}, no output` };
}

function shorten(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
