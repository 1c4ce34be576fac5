// Checks of the machine the harness runs on: the pieces of the client side, and its cgroup mode.
import { missing, ok, warn, type Check } from './check.js';

export const MIN_NODE_MAJOR = 20;

/** `ssh -V` prints e.g. "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 …" on stderr. */
export function sshClientCheck(r: { ran: boolean; output: string }): Check {
  const fix = 'apt-get install -y openssh-client';
  if (!r.ran) return missing('ssh client', 'ssh is not installed (the real OpenSSH client is what the harness drives)', fix);
  const m = /OpenSSH_[\w.]+/.exec(r.output);
  if (!m) return missing('ssh client', `ssh -V says "${r.output.trim().split('\n')[0]}", not OpenSSH`, fix);
  return ok('ssh client', r.output.trim().split('\n')[0]!);
}

/**
 * A session kind's own program (mosh): only cells of that kind need it, so a missing one is a
 * warning here; a run that uses the kind stops with exit 3 and the same install line.
 */
export function sessionProgramCheck(kind: string, program: { file: string; install: string }, r: { ran: boolean; output: string }): Check {
  const name = `${kind} session`;
  if (!r.ran) return warn(name, `${program.file} is not installed; ${kind} cells cannot run`, program.install);
  return ok(name, r.output.trim().split('\n')[0] ?? program.file);
}

export function nodeCheck(version: string): Check {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  return major >= MIN_NODE_MAJOR
    ? ok('node', version)
    : missing('node', `${version} is older than ${MIN_NODE_MAJOR}`, `install Node ${MIN_NODE_MAJOR} or newer, then npm ci`);
}

export function nodePtyCheck(r: { loaded: true } | { loaded: false; error: string }): Check {
  return r.loaded
    ? ok('node-pty', 'loads and runs a command in a pseudo-terminal')
    : missing('node-pty', `cannot be used (${r.error})`, `npm ci (node-pty comes prebuilt as @lydell/node-pty-${process.platform}-${process.arch}, an optional dependency: do not omit optional dependencies)`);
}

/**
 * The kernel's trace (ftrace, as root on the Docker host) is the only witness of a probe that dies
 * without a word in its log (SIGKILL, a death at birth): without it such cells are inconclusive.
 */
export function tracingCheck(answer: true | string): Check {
  return answer === true
    ? ok('kernel tracing', "ftrace's signal and process events: probes that die without logging are judged from the kernel's account")
    : warn('kernel tracing', `${answer}; a probe that dies without logging (SIGKILL, killed at birth) leaves its cell inconclusive`, 'run hangup-lab as root on the Docker host, on a kernel with ftrace (CONFIG_FTRACE_SYSCALLS)');
}

/** v1 = legacy (only v1 hierarchies), hybrid = v1 controllers plus cgroup2 beside them, unified = cgroup v2 only. */
export type CgroupMode = 'v1' | 'hybrid' | 'unified' | 'unknown';

/**
 * Decide the mode from /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SOURCE SUPEROPTS".
 * A cgroup2 file system at /sys/fs/cgroup itself is unified; v1 hierarchies under it are v1,
 * or hybrid when a cgroup2 is mounted among them (systemd's /sys/fs/cgroup/unified).
 */
export function cgroupModeFromMountinfo(mountinfo: string): CgroupMode {
  const mounts = mountinfo
    .split('\n')
    .map(line => {
      const [left, right] = line.split(' - ');
      const mountPoint = left?.split(' ')[4];
      const fsType = right?.split(' ')[0];
      return mountPoint && fsType ? { mountPoint, fsType } : undefined;
    })
    .filter(m => m !== undefined);
  const under = (m: { mountPoint: string }) => m.mountPoint.startsWith('/sys/fs/cgroup/');
  if (mounts.some(m => m.mountPoint === '/sys/fs/cgroup' && m.fsType === 'cgroup2')) return 'unified';
  if (!mounts.some(m => under(m) && m.fsType === 'cgroup')) return 'unknown';
  return mounts.some(m => under(m) && m.fsType === 'cgroup2') ? 'hybrid' : 'v1';
}

/**
 * What the mode means for targets. harnessHandlesV2: whether harness/target/container.ts gives a
 * target what systemd needs on cgroup v2 (a cgroup namespace and a writable cgroup mount).
 */
export function cgroupCheck(hostMode: CgroupMode, engineCgroupVersion: string | undefined, harnessHandlesV2: boolean): Check {
  // The engine's own view wins: it is the engine's host that the targets' systemd lives on.
  const mode = engineCgroupVersion === '2' ? 'unified' : hostMode;
  const engine = engineCgroupVersion ? `, engine reports cgroup v${engineCgroupVersion}` : '';
  switch (mode) {
    case 'v1':
      return ok('cgroups', `v1 (legacy)${engine}: targets see the host's /sys/fs/cgroup read-only, as measured`);
    case 'hybrid':
      return ok('cgroups', `hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)${engine}: targets see the host's /sys/fs/cgroup read-only, as measured`);
    case 'unified':
      return harnessHandlesV2
        ? warn('cgroups', `unified (v2)${engine}: targets run in the host's cgroup namespace with a writable /sys/fs/cgroup; this setup was not verified on the project's own (cgroup v1) machines`, 'if targets do not reach "running", boot the host with systemd.unified_cgroup_hierarchy=0 and report it')
        : warn(
            'cgroups',
            `unified (v2)${engine}: systemd in a target needs a cgroup namespace and a writable cgroup mount, but harness/target/container.ts sets no cgroupns mode and mounts /sys/fs/cgroup read-only, so targets may not boot`,
            'harness/target/container.ts needs cgroup v2 support (hostConfig.CgroupnsMode "host" with a rw /sys/fs/cgroup); or use a host booted with cgroup v1/hybrid (systemd.unified_cgroup_hierarchy=0)',
          );
    default:
      return warn('cgroups', `no cgroup file system found at /sys/fs/cgroup${engine}; systemd in the targets needs one`);
  }
}
