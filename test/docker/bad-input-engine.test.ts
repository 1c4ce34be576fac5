// Missing or broken infrastructure on a real engine: one line, exit 3 (or 2 for a bad setting), and
// nothing left behind: no container of the CLI's process, no run dir, no half-built image, no seed
// temp dir. Each case stops before a target container runs, so the file stays cheap.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ROOT } from '../../harness/core/paths.js';
import { imageTag } from '../../harness/target/image.js';
import { debianTarget } from '../../harness/target/targets.js';
import { startAuthzProxy } from '../fixtures/authz-proxy.js';
import { cliAsync, lastLine, leftoversOf, type CliResult } from '../fixtures/cli.js';

// drop: its iptables need NET_ADMIN, a grant beyond Docker's defaults on every host.
const scenarioText = 'name: one-cell\ntarget: debian-bookworm\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }\nrun: { latencyRepeats: 1 }\n';

/** A scenario file, an output dir and a scratch dir in the test's own dir (one per test). */
function setup(t: Test): { scenario: string; out: string; scratch: string } {
  const dir = t.testdir({ 'scenario.yaml': scenarioText, scratch: {} });
  return { scenario: path.join(dir, 'scenario.yaml'), out: path.join(dir, 'out'), scratch: path.join(dir, 'scratch') };
}

/** The error line (the last one on stderr), after checking the exit code and that nothing was left. */
function failed(t: Test, r: CliResult, code: number, out: string): string {
  t.equal(r.status, code, `exit ${code} (stderr: ${r.stderr.trim().split('\n').slice(-3).join(' / ')})`);
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container and no run dir of the CLI process');
  t.notOk(fs.existsSync(path.join(out, 'results.json')), 'no results written');
  return lastLine(r.stderr);
}

const images = (reference: string) =>
  execFileSync('docker', ['images', '-q', '--filter', `reference=${reference}`], { encoding: 'utf8' }).split('\n').filter(Boolean);

t.test('an engine whose authorization plugin refuses the privileges: exit 3 naming them', async t => {
  const { scenario, out } = setup(t);
  // Unix socket paths are short (108 bytes): not under the test dir.
  const sockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-authz-'));
  t.teardown(() => fs.rmSync(sockDir, { recursive: true, force: true }));
  await using proxy = await startAuthzProxy(path.join(sockDir, 'docker.sock'));
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], { DOCKER_HOST: proxy.dockerHost });
  t.ok(proxy.denied.length >= 1, 'the proxy denied a create');
  t.match(
    failed(t, r, 3, out),
    /^target debian-bookworm: the Docker engine refused NET_ADMIN \(authorization denied by plugin hangup-lab-test: capability NET_ADMIN not allowed\); run hangup-lab doctor, and allow --cap-add NET_ADMIN(,SYS_ADMIN)?( --security-opt \S+)? for hangup-lab's containers \(label hangup-lab=1\)$/,
  );
});

t.test('HANGUP_LAB_CONTAINERS_DIR without the container definitions: exit 2', async t => {
  const { scenario, out, scratch } = setup(t);
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], { HANGUP_LAB_CONTAINERS_DIR: scratch });
  t.match(failed(t, r, 2, out), /^HANGUP_LAB_CONTAINERS_DIR: cannot read the container definitions of debian-bookworm in .* \(ENOENT\); point it at a copy of hangup-lab's containers\/, or unset it$/);
});

t.test('a Dockerfile that fails to build: exit 3 with the step and its error, no image, no build container', async t => {
  const { scenario, out, scratch } = setup(t);
  const containers = path.join(scratch, 'containers');
  fs.cpSync(path.join(ROOT, 'containers'), containers, { recursive: true });
  // Early, so the build costs only the base image; the marker finds the step's container if one is left.
  const marker = `hangup-lab-test-${process.pid}`;
  const dockerfile = path.join(containers, 'debian', 'Dockerfile');
  fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^(FROM .*)$/m, `$1\nRUN echo ${marker} >&2 && false`));
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], { HANGUP_LAB_CONTAINERS_DIR: containers });
  const line = failed(t, r, 3, out);
  t.match(line, new RegExp(`^building (hangup-lab/debian-bookworm:[0-9a-f]{12}) from ${dockerfile} failed at step "RUN echo ${marker} >&2 && false": ${marker} \\(exit 1\\); fix the Dockerfile or run: DOCKER_BUILDKIT=0 docker build -f ${dockerfile} --build-arg SUITE=bookworm ${containers} to see the whole log$`));
  const tag = /^building (\S+)/.exec(line)?.[1] ?? '?';
  t.same(images(tag), [], `no image ${tag}`);
  const buildContainers = execFileSync('docker', ['ps', '-a', '--no-trunc', '--format', '{{.Command}}'], { encoding: 'utf8' }).split('\n').filter(c => c.includes(marker));
  t.same(buildContainers, [], 'no build container left');
});

const TEST_BASE = 'hangup-lab-test-base/';
/** The test base and the target image built on it: the seeding tests must start without them. */
const testImages = [`${TEST_BASE}debian:bookworm`, imageTag(debianTarget('bookworm', TEST_BASE))];

/** Remove what an interrupted earlier run of this file may have left, so seeding really happens. */
function withoutTestImages(t: Test): void {
  spawnSync('docker', ['rmi', ...testImages], { stdio: 'ignore' });
  t.teardown(() => {
    spawnSync('docker', ['rmi', ...testImages], { stdio: 'ignore' });
  });
}

/** Neither the test base nor a target built on it exists. */
function noTestImages(t: Test): void {
  for (const i of testImages) t.same(images(i), [], `no image ${i}`);
}

t.test('a bad HANGUP_LAB_BASE_PREFIX is bad input', async t => {
  const { scenario, out } = setup(t);
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], { HANGUP_LAB_BASE_PREFIX: 'Not A Prefix' });
  t.equal(failed(t, r, 2, out), 'HANGUP_LAB_BASE_PREFIX=Not A Prefix: must be lowercase image path components ending in "/" (e.g. hangup-lab-test-base/), or unset');
});

t.test('seeding with too little space in HANGUP_LAB_SEED_TMP: exit 3 "disk full", nothing left there', async t => {
  if (process.getuid?.() !== 0) return t.plan(0, 'skipped: mounting a small tmpfs needs root');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-seed-full-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    fs.rmdirSync(dir);
    return t.plan(0, `skipped: cannot mount a tmpfs here: ${mount.stderr.trim()}`);
  }
  t.teardown(() => {
    spawnSync('umount', [dir]);
    fs.rmdirSync(dir);
  });
  const { scenario, out } = setup(t);
  withoutTestImages(t);
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], { HANGUP_LAB_SEED_TMP: dir, HANGUP_LAB_BASE_PREFIX: TEST_BASE });
  t.equal(
    failed(t, r, 3, out),
    `seeding ${TEST_BASE}debian:bookworm failed: disk full in ${dir} (debootstrap needs about 300 MB); free space there or set HANGUP_LAB_SEED_TMP to a directory with more`,
  );
  t.same(fs.readdirSync(dir), [], `${dir} is empty`);
  noTestImages(t);
});

t.test('debootstrap running out of space halfway: exit 3 "disk full", its temp dir removed', async t => {
  // A stand-in debootstrap that writes into its target and fails the way tar does on a full disk;
  // wget stands in for the mirror check. No byte leaves this machine.
  const { scenario, out, scratch } = setup(t);
  const fakes = path.join(scratch, 'bin');
  const seedTmp = path.join(scratch, 'seed');
  fs.mkdirSync(fakes);
  fs.mkdirSync(seedTmp);
  fs.writeFileSync(
    path.join(fakes, 'debootstrap'),
    '#!/bin/sh\necho partial > "$3/partial"\necho "I: Extracting libc6..."\necho "tar: ./usr/lib/x86_64-linux-gnu/libc.so.6: Cannot write: No space left on device" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(fakes, 'wget'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  withoutTestImages(t);
  const r = await cliAsync(['run', '--scenario', scenario, '--out', out], {
    HANGUP_LAB_SEED_TMP: seedTmp,
    HANGUP_LAB_BASE_PREFIX: TEST_BASE,
    PATH: `${fakes}:${process.env.PATH}`,
  });
  t.equal(
    failed(t, r, 3, out),
    `seeding ${TEST_BASE}debian:bookworm failed: disk full in ${seedTmp} (debootstrap needs about 300 MB); free space there or set HANGUP_LAB_SEED_TMP to a directory with more`,
  );
  t.match(r.stderr, /hangup-lab: seed: debootstrap: tar: .*No space left on device/, "debootstrap's last lines on stderr");
  t.same(fs.readdirSync(seedTmp), [], 'the seed dir and everything in it is gone, no log file either');
  noTestImages(t);
});
