import { BadInputError, unknownName } from '../errors.js';

/** A target: a distro image with real sshd + systemd + logind, built from containers/<name>/. */
export interface TargetSpec {
  name: string;
  /** Debian suite of the base image, seeded offline with debootstrap when it cannot be pulled */
  suite: string;
  /** Dockerfile relative to containers/ (the build context is containers/ so agent/ is shared) */
  dockerfile: string;
}

// Explicit registry: adding a distro means adding a Dockerfile and a line here.
export const TARGETS: Record<string, TargetSpec> = {
  'debian-bookworm': { name: 'debian-bookworm', suite: 'bookworm', dockerfile: 'debian-bookworm/Dockerfile' },
};

export function targetSpec(name: string): TargetSpec {
  const spec = TARGETS[name];
  if (!spec) throw new BadInputError(unknownName('target', name, Object.keys(TARGETS)));
  return spec;
}
