import fs from 'node:fs';

/**
 * What a target is granted beyond Docker's defaults; never --privileged (it fails on these hosts
 * anyway). Measured on this cgroup v1 host (docs/your-machine.md): the
 * default and fault matrices give the same verdicts with Docker's default seccomp profile and
 * without SYS_ADMIN as with both, so a target gets only what its cells' severs ask for (NET_ADMIN
 * for iptables) and what its session manager declares (elogind: SYS_ADMIN, to mount the cgroup2 of
 * its own namespace at boot). On a cgroup v2 host systemd must write its own cgroup subtree: there the recipe
 * known to work elsewhere (SYS_ADMIN, unconfined seccomp and AppArmor) applies; it was not
 * verified on these machines. AppArmor is unconfined only where it is on (Docker's default profile
 * denies the mounts systemd makes); these hosts do not run it.
 */
export function targetGrants(capabilities: readonly string[], cgroupV2 = hostCgroupV2(), apparmor = hostAppArmor()): { capAdd: string[]; securityOpt: string[] } {
  const capAdd = new Set<string>(capabilities);
  const securityOpt: string[] = [];
  if (cgroupV2) {
    capAdd.add('SYS_ADMIN');
    securityOpt.push('seccomp=unconfined');
  }
  if (cgroupV2 || apparmor) securityOpt.push('apparmor=unconfined');
  return { capAdd: [...capAdd].sort(), securityOpt };
}

/** AppArmor enforcing on the machine running the engine (assumed local, as for cgroups). */
function hostAppArmor(): boolean {
  try {
    return fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
}

/** A unified (v2-only) cgroup hierarchy on the machine running the engine (assumed local). */
export function hostCgroupV2(): boolean {
  return fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
}
