// Which cgroup hierarchy a target's systemd is given at /sys/fs/cgroup. systemd 258 removed cgroup
// v1 ("legacy" and "hybrid") support (NEWS of systemd 258, https://github.com/systemd/systemd/blob/main/NEWS):
// on this project's cgroup v1 hosts sid's systemd 262 prints "Detected cgroup v1 hierarchy at
// /sys/fs/cgroup/, which is no longer supported" and PID 1 exits 255 within 0.2 s. A hybrid host
// also mounts a cgroup2 hierarchy (with no controllers: they all sit in v1) at
// /sys/fs/cgroup/unified, and Docker puts every container in it too (0::/docker/<id>); given
// that, read-write, systemd 262 boots to "running" and writes its own subtree below /docker/<id>,
// as it does on a cgroup v2 host with the host's cgroup namespace.
import fs from 'node:fs';
import { InfrastructureError } from '../core/errors.js';
import type { CgroupLayout } from './managers/types.js';
import type { TargetSpec } from './targets.js';

export type HostCgroups = 'v2' | 'hybrid' | 'legacy';

/** The host's cgroup layout (the engine is assumed local, as for grants.ts's checks). */
export function hostCgroups(): HostCgroups {
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  return fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? 'hybrid' : 'legacy';
}

export interface CgroupMount {
  source: string;
  target: '/sys/fs/cgroup';
  mode: 'ro' | 'rw';
}

/**
 * The bind mount for a target's /sys/fs/cgroup. A v2 host: the whole hierarchy, writable (with the
 * host cgroup namespace, container.ts). A v1 host: read-only, which systemd up to 257 accepts
 * (measured: bullseye 247, bookworm 252, trixie 257), or the unified half of a hybrid host for a
 * systemd that boots only on v2. A v1 host without that half cannot boot it: one line, exit 3.
 */
export function cgroupMount(spec: Pick<TargetSpec, 'name' | 'cgroupV2Only'>, host: HostCgroups = hostCgroups()): CgroupMount {
  if (host === 'v2') return { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' };
  if (!spec.cgroupV2Only) return { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'ro' };
  if (host === 'hybrid') return { source: '/sys/fs/cgroup/unified', target: '/sys/fs/cgroup', mode: 'rw' };
  throw new InfrastructureError(
    `target ${spec.name}: its systemd (258 or later) refuses to boot on cgroup v1 ("Detected unsupported legacy cgroup hierarchy, refusing execution"), and this host has only cgroup v1 (no /sys/fs/cgroup/unified); run it on a host with cgroup v2 (systemd.unified_cgroup_hierarchy=1 on the kernel command line) or a hybrid one`,
  );
}

export interface CgroupSetup {
  /** bind mounts for /sys/fs/cgroup (none: the engine's own, which the image remounts) */
  mounts: CgroupMount[];
  /** the container's cgroup namespace; null: the engine's default */
  cgroupns: 'host' | 'private' | null;
}

/**
 * How a target's container gets its cgroups, by its session manager's layout. systemd: the host's
 * hierarchy (cgroupMount), in the host's cgroup namespace on a v2 host (systemd writes its own
 * subtree there). A manager in a namespace of its own (elogind) gets no bind mount: the engine
 * gives the container a private cgroup namespace, and the image mounts cgroup2 there at boot
 * (containers/debian-sysvinit: hangup-lab-cgroup), so the root it sees is the container's own cgroup.
 */
export function cgroupSetup(spec: Pick<TargetSpec, 'name' | 'cgroupV2Only'>, layout: CgroupLayout, host: HostCgroups = hostCgroups()): CgroupSetup {
  if (layout === 'own-namespace') return { mounts: [], cgroupns: 'private' };
  return { mounts: [cgroupMount(spec, host)], cgroupns: host === 'v2' ? 'host' : null };
}
