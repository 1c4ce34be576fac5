// Per target: is its base image here, is its image built? And what seeding and building need:
// debootstrap and disk space in Docker's data root.
import { ok, warn, type Check } from './check.js';

export interface TargetImageFacts {
  name: string;
  suite: string;
  /** its base image when not debian:<suite> (HANGUP_LAB_BASE_PREFIX) */
  base?: string;
  /** imageTag(spec), or why it could not be computed (e.g. its Dockerfile is not there yet) */
  tag: { ok: true; value: string } | { ok: false; error: string };
}

/**
 * Warnings, not missing: a run seeds the base image and builds the target image itself, and a
 * scenario runs only the targets it names.
 */
export function targetCheck(t: TargetImageFacts, localImages: readonly string[], seedScript: string): Check {
  const name = `target ${t.name}`;
  const base = t.base ?? `debian:${t.suite}`;
  if (!t.tag.ok) return warn(name, `its image tag cannot be computed: ${t.tag.error}`, 'a run on this target fails until its Dockerfile is in containers/');
  const tag = t.tag.value;
  const hasBase = localImages.includes(base);
  const built = localImages.includes(tag);
  if (built) return ok(name, `image ${tag} built${hasBase ? `, base ${base} present` : ''}`);
  if (!hasBase) {
    return warn(
      name,
      `base image ${base} not present, image ${tag} not built`,
      `${seedScript} ${t.suite} (pulls, or builds it with debootstrap, ≈60 s; a run also does this itself), then the first run on ${t.name} builds the image (≈1–2 min)`,
    );
  }
  return warn(name, `base ${base} present, image ${tag} not built yet`, `nothing to do: the first run on ${t.name} builds it (≈1–2 min)`);
}

/** missingBases: base images not here, or undefined when that is unknown (no engine). */
export function debootstrapCheck(version: string | undefined, missingBases: readonly string[] | undefined): Check {
  if (version) return ok('debootstrap', version);
  const why = !missingBases
    ? 'not installed (needed to seed a base image when no registry answers)'
    : missingBases.length
    ? `not installed, and ${missingBases.join(', ')} must be seeded: without a reachable registry that needs debootstrap`
    : 'not installed (needed only to seed a base image when no registry answers; all base images are present)';
  return warn('debootstrap', why, 'apt-get install -y debootstrap');
}

export const LOW_DISK_BYTES = 3 * 1024 ** 3;

export function diskCheck(dataRoot: string, free: { bytes: number } | { error: string }, staleImages: readonly string[]): Check {
  const name = 'disk';
  if ('error' in free) return warn(name, `free space in Docker's data root ${dataRoot || '?'} unchecked: ${free.error}`);
  const gb = (free.bytes / 1024 ** 3).toFixed(1);
  if (free.bytes >= LOW_DISK_BYTES) return ok(name, `${gb} GB free in ${dataRoot}`);
  const prune = staleImages.length ? `docker rmi ${staleImages.join(' ')} (older hangup-lab images); ` : '';
  return warn(name, `only ${gb} GB free in ${dataRoot}: a target image is ≈0.3 GB and seeding a base image needs ≈0.5 GB more`, `${prune}docker image prune`);
}

/** hangup-lab images no current target uses: what can go first when space runs out. */
export function staleHangupImages(localImages: readonly string[], currentTags: readonly string[]): string[] {
  return localImages.filter(i => i.startsWith('hangup-lab/debian-') && !currentTags.includes(i));
}
