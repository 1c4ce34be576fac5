// Gathers the facts (processes, files, docker calls: every one with a deadline) and hands them to
// the pure checks beside this file. Order of the result = order of the printed lines.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONTAINERS_DIR } from '../core/paths.js';
import { labelledFormat, ownerAlive, parseLabelled, self } from '../core/cleanup.js';
import { provisioning } from '../target/engine.js';
import { imageTag } from '../target/image.js';
import { TARGETS } from '../target/targets.js';
import {
  doctorLabels,
  pickProbeImage,
  probeRunArgs,
  SYSCTL_PROBES,
  sysctlCheck,
  sysctlScript,
  TARGET_OPTIONS_SCRIPT,
  TARGET_RUN_OPTIONS,
  targetOptionsChecks,
} from './capabilities.js';
import { warn, type Check } from './check.js';
import { docker } from './docker.js';
import { engineCheck, parseDockerInfo } from './engine.js';
import { cgroupCheck, cgroupModeFromMountinfo, nodeCheck, nodePtyCheck, sessionProgramCheck, sshClientCheck, tracingCheck } from './host.js';
import { sessions } from '../session/registry.js';
import { birthTraceAvailability } from '../observe/birth-trace.js';
import { debootstrapCheck, diskCheck, staleHangupImages, targetCheck, type TargetImageFacts } from './images.js';
import { leftoversCheck } from './leftovers.js';
import { LOGIN_CHECK, loginCheck, tryLogin } from './login.js';

const QUERY_TIMEOUT_MS = 20_000;
const PROBE_TIMEOUT_MS = 30_000;

/**
 * harness/target/container.ts sets no cgroup namespace mode and bind-mounts /sys/fs/cgroup
 * read-only: fine on v1/hybrid hosts, not what systemd needs on cgroup v2. Flip this when it does.
 */
// container.ts switches to the host cgroup namespace and a writable mount on v2 (unverified here).
const HARNESS_HANDLES_CGROUP_V2 = true;

/** A script path as the user can type it from where they are. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

async function nodePtyWorks(): Promise<{ loaded: true } | { loaded: false; error: string }> {
  try {
    // The named export: tsx's and node's CommonJS interop disagree about `default` here.
    const { spawn } = await import('@lydell/node-pty');
    const p = spawn('/bin/sh', ['-c', 'exit 0'], { name: 'xterm', cols: 80, rows: 24 });
    const exited = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 5000);
      p.onExit(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!exited) {
      p.kill('SIGKILL');
      return { loaded: false, error: 'a shell in a pty did not exit within 5 s' };
    }
    return { loaded: true };
  } catch (e) {
    return { loaded: false, error: (e as Error).message.split('\n')[0] ?? String(e) };
  }
}

function hostChecks(): Promise<Check[]> {
  const ssh = spawnSync('ssh', ['-V'], { encoding: 'utf8', timeout: 5000 });
  return Promise.all([nodePtyWorks(), birthTraceAvailability()]).then(([pty, tracing]) => [
    sshClientCheck({ ran: !ssh.error, output: ssh.stderr || ssh.stdout || '' }),
    ...sessions.all.flatMap(k => {
      if (!k.program) return [];
      const r = spawnSync(k.program.file, k.program.versionArgs, { encoding: 'utf8', timeout: 5000 });
      return [sessionProgramCheck(k.name, k.program, { ran: !r.error && r.status === 0, output: r.stdout || r.stderr || '' })];
    }),
    nodeCheck(process.version),
    nodePtyCheck(pty),
    tracingCheck(tracing),
  ]);
}

function readMountinfo(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

function debootstrapVersion(): string | undefined {
  const r = spawnSync('debootstrap', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return r.error || r.status !== 0 ? undefined : r.stdout.trim() || 'installed';
}

function targetFacts(): TargetImageFacts[] {
  return Object.values(TARGETS).map(spec => {
    let tag: TargetImageFacts['tag'];
    try {
      tag = { ok: true, value: imageTag(spec) };
    } catch (e) {
      tag = { ok: false, error: (e as Error).message.split('\n')[0] ?? String(e) };
    }
    return { name: spec.name, suite: spec.suite, base: spec.base, tag };
  });
}

/** The three probe containers, side by side; whatever they leave is removed before returning. */
async function capabilityChecks(localImages: string[], currentTags: string[], seedScript: string): Promise<Check[]> {
  const image = pickProbeImage(localImages, currentTags);
  if (!image) {
    return [
      warn(
        'container capabilities',
        'unchecked: no debian:* or hangup-lab image is here to test with (nothing is pulled)',
        `${seedScript} bookworm, then run doctor again`,
      ),
    ];
  }
  const labels = doctorLabels(self);
  const timeoutS = PROBE_TIMEOUT_MS / 1000;
  try {
    const [targetRun, ...sysctlRuns] = await Promise.all([
      docker(probeRunArgs(image.image, labels, TARGET_RUN_OPTIONS, TARGET_OPTIONS_SCRIPT), PROBE_TIMEOUT_MS),
      ...SYSCTL_PROBES.map(p => docker(probeRunArgs(image.image, labels, ['--sysctl', `${p.key}=${p.value}`], sysctlScript(p.key)), PROBE_TIMEOUT_MS)),
    ]);
    const t = targetOptionsChecks(image, targetRun!, timeoutS);
    return [t.capabilities, t.iptables, ...SYSCTL_PROBES.map((p, i) => sysctlCheck(p, image, sysctlRuns[i]!, timeoutS))];
  } finally {
    // --rm removes them when they exit; this is for a container whose docker CLI was killed.
    const left = await docker(['ps', '-aq', '--filter', 'label=hangup-lab.doctor=1', '--filter', `label=hangup-lab.pid=${process.pid}`], QUERY_TIMEOUT_MS);
    const ids = left.stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids], QUERY_TIMEOUT_MS);
  }
}

/** Every check, in print order. */
export async function examine(): Promise<Check[]> {
  const seedScript = shown(path.join(CONTAINERS_DIR, 'engine', 'seed-base.sh'));
  const provisionScript = shown(path.join(CONTAINERS_DIR, 'engine', 'provision.sh'));
  const checks = await hostChecks();

  const info = await docker(['info', '--format', '{{json .}}'], QUERY_TIMEOUT_MS);
  const engine = info.cliMissing
    ? { answers: false as const, error: 'docker not found' }
    : info.timedOut
      ? { answers: false as const, error: `docker info gave no answer within ${QUERY_TIMEOUT_MS / 1000} s` }
      : parseDockerInfo(info.stdout, info.stderr);
  const provision = provisioning(provisionScript);
  checks.push(
    engineCheck({
      cli: !info.cliMissing,
      result: engine,
      canProvision: provision.allowed,
      ...(provision.allowed ? {} : { noProvisionWhy: provision.why }),
      provisionScript,
    }),
  );
  const hostMode = cgroupModeFromMountinfo(readMountinfo());
  checks.push(cgroupCheck(hostMode, engine.answers ? engine.info.cgroupVersion : undefined, HARNESS_HANDLES_CGROUP_V2));

  if (!engine.answers) {
    checks.push(
      warn('containers', 'unchecked until an engine answers: capabilities, sysctls, iptables, target images, disk space, leftovers'),
      debootstrapCheck(debootstrapVersion(), undefined),
    );
    return checks;
  }

  // Leftovers first, so the doctor's own probe containers are never among them.
  const [images, containers, networks] = await Promise.all([
    docker(['images', '--format', '{{.Repository}}:{{.Tag}}'], QUERY_TIMEOUT_MS),
    docker(['ps', '-a', '--filter', 'label=hangup-lab=1', '--format', labelledFormat('containers')], QUERY_TIMEOUT_MS),
    docker(['network', 'ls', '--filter', 'label=hangup-lab=1', '--format', labelledFormat('networks')], QUERY_TIMEOUT_MS),
  ]);
  const localImages = images.stdout.split('\n').map(l => l.trim()).filter(l => l && !l.includes('<none>'));
  const targets = targetFacts();
  const currentTags = targets.flatMap(t => (t.tag.ok ? [t.tag.value] : []));

  // The login starts a real target (seconds): side by side with the short probe containers.
  const sshV = spawnSync('ssh', ['-V'], { encoding: 'utf8', timeout: 5000 });
  const clientVersion = sshV.error || sshV.status !== 0 ? null : (sshV.stderr || sshV.stdout).trim();
  const [capabilities, login] = await Promise.all([
    capabilityChecks(localImages, currentTags, seedScript),
    clientVersion ? tryLogin(localImages, clientVersion).then(loginCheck) : Promise.resolve(warn(LOGIN_CHECK, 'unchecked: no OpenSSH client here (see above)')),
  ]);
  checks.push(...capabilities);
  checks.push(...targets.map(t => targetCheck(t, localImages, seedScript)));
  checks.push(login);
  const missingBases = [...new Set(targets.map(t => t.base ?? `debian:${t.suite}`).filter(b => !localImages.includes(b)))];
  checks.push(debootstrapCheck(debootstrapVersion(), missingBases));

  const root = engine.info.dockerRootDir;
  let free: { bytes: number } | { error: string };
  try {
    const s = fs.statfsSync(root);
    free = { bytes: s.bavail * s.bsize };
  } catch (e) {
    free = { error: `${(e as NodeJS.ErrnoException).code ?? 'error'} (the engine may be on another machine)` };
  }
  checks.push(diskCheck(root, free, staleHangupImages(localImages, currentTags)));

  const listFailed = [containers, networks].find(r => r.code !== 0);
  checks.push(
    listFailed
      ? warn('leftovers', `unchecked: listing labelled containers/networks failed: ${listFailed.stderr.trim().split('\n')[0] ?? ''}`)
      : leftoversCheck(parseLabelled(containers.stdout), parseLabelled(networks.stdout), ownerAlive),
  );
  return checks;
}
