import { BadInputError, unknownName } from '../core/errors.js';
import elogind from './managers/elogind.js';
import { DEFAULT_MANAGER } from './managers/registry.js';
import systemdNoPam from './managers/systemd-no-pam.js';

/** A target: a distro image with a real SSH server and a session manager, built from containers/. */
export interface TargetSpec {
  name: string;
  /** Debian suite of the base image, seeded offline with debootstrap when it cannot be pulled */
  suite: string;
  /** the base image: debian:<suite>, or a prefixed name of the harness's own (HANGUP_LAB_BASE_PREFIX) */
  base: string;
  /** Dockerfile relative to containers/ (the build context is containers/ so agent/ is shared) */
  dockerfile: string;
  /** --build-arg values; part of the image tag's hash, like every file that goes into the image */
  buildArgs: Record<string, string>;
  /** its systemd boots only on a cgroup v2 hierarchy (258+ dropped v1): see cgroup.ts */
  cgroupV2Only?: boolean;
  /** the SSH server implementations its image installs (harness/server/); a cell's `server` axis picks one */
  servers: string[];
  /**
   * The session manager its image runs (harness/target/managers/): PID 1, the login manager and
   * how logins reach it. Whatever differs by manager is asked of that plug-in.
   */
  manager: string;
}

/**
 * HANGUP_LAB_BASE_PREFIX (e.g. "hangup-lab-test-base/") renames the base images the harness seeds,
 * so seeding can be exercised without touching the real debian:<suite>. The base is a build
 * argument only when prefixed, so the usual tags stay what they were.
 */
export const BASE_PREFIX = process.env.HANGUP_LAB_BASE_PREFIX ?? '';

// The Debian targets differ only in their suite: one Dockerfile, the suite as a build argument.
export function debianTarget(suite: string, basePrefix = BASE_PREFIX): TargetSpec {
  return {
    name: `debian-${suite}`,
    suite,
    base: `${basePrefix}debian:${suite}`,
    dockerfile: 'debian/Dockerfile',
    buildArgs: { SUITE: suite, ...(basePrefix ? { BASE: `${basePrefix}debian` } : {}) },
    servers: ['openssh', 'openssh-per-connection', 'dropbear'],
    manager: DEFAULT_MANAGER,
  };
}

/**
 * A Debian suite with OpenSSH from its backports (containers/debian/Dockerfile, BACKPORTS): the
 * suite's systemd, logind and kernel-side userland with a newer sshd, so a change of verdict
 * between the two targets of one suite is OpenSSH's alone.
 */
export function debianBackportsTarget(suite: string, basePrefix = BASE_PREFIX): TargetSpec {
  const spec = debianTarget(suite, basePrefix);
  return { ...spec, name: `${spec.name}-backports`, buildArgs: { ...spec.buildArgs, BACKPORTS: `${suite}-backports` } };
}

/**
 * A Debian suite with systemd (logind, pam_systemd) from its backports on the suite's own OpenSSH
 * (containers/debian/Dockerfile, SYSTEMD_FROM): bookworm's 252 against backports' 254, one
 * variable changed.
 */
export function debianBackportsSystemdTarget(suite: string, basePrefix = BASE_PREFIX): TargetSpec {
  const spec = debianTarget(suite, basePrefix);
  return { ...spec, name: `${spec.name}-backports-systemd`, buildArgs: { ...spec.buildArgs, SYSTEMD_FROM: `${suite}-backports` } };
}

/**
 * A Debian suite without libpam-systemd (containers/debian/Dockerfile, PAM_SYSTEMD=no): logind
 * runs, but no login registers a session with it (systemd/systemd#2975, tmux/tmux#271).
 */
export function debianNoPamSystemdTarget(suite: string, basePrefix = BASE_PREFIX): TargetSpec {
  const spec = debianTarget(suite, basePrefix);
  return { ...spec, name: `${spec.name}-no-pam-systemd`, buildArgs: { ...spec.buildArgs, PAM_SYSTEMD: 'no' }, manager: systemdNoPam.name };
}

/**
 * A Debian suite without systemd (containers/debian-sysvinit/Dockerfile): sysvinit as PID 1, its
 * services started by their init scripts, elogind as the login manager with pam_elogind. Only
 * OpenSSH: the per-connection server is a systemd socket, and Dropbear is not installed.
 */
export function debianSysvinitElogindTarget(suite: string, basePrefix = BASE_PREFIX): TargetSpec {
  const spec = debianTarget(suite, basePrefix);
  return { ...spec, name: `${spec.name}-sysvinit-elogind`, dockerfile: 'debian-sysvinit/Dockerfile', servers: ['openssh'], manager: elogind.name };
}

/** A prefix must keep the base a valid local image name: lowercase path components ending in "/". */
export function checkBasePrefix(): void {
  if (BASE_PREFIX && !/^([a-z0-9]+(?:[._-][a-z0-9]+)*\/)+$/.test(BASE_PREFIX)) {
    throw new BadInputError(`HANGUP_LAB_BASE_PREFIX=${BASE_PREFIX}: must be lowercase image path components ending in "/" (e.g. hangup-lab-test-base/), or unset`);
  }
}

// Explicit registry: adding a distro means adding a line here (and a Dockerfile when it is not
// Debian or boots another init system). Versions measured in these images: bullseye OpenSSH 8.4p1
// + systemd 247, bookworm 9.2p1 + 252, trixie 10.0p2 + 257 (sshd-session, PerSourcePenalties),
// bookworm-backports 10.0p1 + 252, sid (2026-10-30) 10.6p1 + 262 (sshd-auth too),
// bookworm-sysvinit-elogind 9.2p1 + sysvinit 3.06 + elogind 246.10. sid's systemd (258+) refuses
// a cgroup v1 host.
export const TARGETS: Record<string, TargetSpec> = Object.fromEntries(
  [
    debianTarget('bullseye'),
    debianTarget('bookworm'),
    debianBackportsTarget('bookworm'),
    debianBackportsSystemdTarget('bookworm'),
    debianNoPamSystemdTarget('bookworm'),
    debianSysvinitElogindTarget('bookworm'),
    debianTarget('trixie'),
    { ...debianTarget('sid'), cgroupV2Only: true },
  ].map(spec => [spec.name, spec]),
);

export function targetSpec(name: string): TargetSpec {
  const spec = TARGETS[name];
  if (!spec) throw new BadInputError(unknownName('target', name, Object.keys(TARGETS)));
  return spec;
}
