// Can the engine start containers the way the targets and the NAT router need them? Tested for
// real with short-lived containers; this file holds the pure parts: the options, the image choice,
// and reading what the containers said.
import type { Owner } from '../core/cleanup.js';
import { targetGrants } from '../target/grants.js';
import { missing, ok, warn, type Check } from './check.js';

/**
 * The most any target is granted here: what targetGrants() gives a target whose cells cut
 * connections (NET_ADMIN), with the mounts every target gets. From the same function as the
 * targets themselves, so doctor tests what runs.
 */
export const TARGET_GRANTS = targetGrants(['NET_ADMIN']);
export const TARGET_RUN_OPTIONS = [
  ...TARGET_GRANTS.capAdd.flatMap(c => ['--cap-add', c]),
  ...TARGET_GRANTS.securityOpt.flatMap(o => ['--security-opt', o]),
  '-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro',
  '--tmpfs', '/run', '--tmpfs', '/run/lock', '--tmpfs', '/tmp',
];

/** "NET_ADMIN" or "NET_ADMIN and SYS_ADMIN, seccomp=unconfined", for lines. */
export function grantsText(g = TARGET_GRANTS): string {
  return [g.capAdd.join(' and ') || 'no added capability', ...g.securityOpt].join(', ');
}

/** Every doctor container carries these, so it can be found and removed whatever happens. */
export function doctorLabels(owner: Owner): Record<string, string> {
  return { 'hangup-lab': '1', 'hangup-lab.doctor': '1', 'hangup-lab.pid': String(owner.pid), 'hangup-lab.pidstart': owner.start };
}

/** `docker run` arguments for one probe container: removed on exit, never pulled, sh as entrypoint. */
export function probeRunArgs(image: string, labels: Record<string, string>, options: string[], script: string): string[] {
  return [
    'run', '--rm', '--pull', 'never',
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...options,
    '--entrypoint', 'sh', image, '-c', script,
  ];
}

export interface ProbeImage {
  image: string;
  /** a hangup-lab image has iptables; a seeded debian:<suite> (debootstrap minbase) has not */
  kind: 'target' | 'base';
}

/**
 * Prefer a current target image (it is what runs), then any hangup-lab target image, then a base
 * image. Only local images: there may be no registry to pull from.
 */
export function pickProbeImage(localImages: readonly string[], currentTargetTags: readonly string[]): ProbeImage | undefined {
  const current = currentTargetTags.find(t => localImages.includes(t));
  if (current) return { image: current, kind: 'target' };
  const older = localImages.find(i => i.startsWith('hangup-lab/debian-'));
  if (older) return { image: older, kind: 'target' };
  const base = localImages.find(i => i.startsWith('debian:'));
  return base ? { image: base, kind: 'base' } : undefined;
}

/** What the target-options container prints: its effective capabilities, then how iptables went. */
export const TARGET_OPTIONS_SCRIPT = [
  "grep '^CapEff:' /proc/self/status",
  'if command -v iptables >/dev/null 2>&1; then',
  '  if out=$(iptables -w -L -n 2>&1); then echo iptables=ok; else echo "iptables=failed $(echo "$out" | head -n 1)"; fi',
  'else echo iptables=absent; fi',
].join('\n');

export interface DockerOutcome {
  /** exit code of `docker run`; null when it did not finish (timeout) or could not start */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Bit numbers in CapEff of the capabilities a target may be granted (linux/capability.h). */
const CAPABILITY_BITS: Record<string, number> = { NET_ADMIN: 12, SYS_ADMIN: 21 };

/** The capability numbers set in a CapEff hex mask. */
export function capabilitiesIn(capEffHex: string): Set<number> {
  const mask = BigInt(`0x${capEffHex}`);
  const caps = new Set<number>();
  for (let bit = 0; bit < 64; bit++) if ((mask >> BigInt(bit)) & 1n) caps.add(bit);
  return caps;
}

/** The first line of docker's complaint, without the "docker: Error response from daemon:" lead-in. */
export function dockerError(o: DockerOutcome, timeoutS: number): string {
  if (o.timedOut) return `no answer within ${timeoutS} s`;
  const line = o.stderr.split('\n').find(l => l.trim()) ?? `exit ${o.code}`;
  return line.replace(/^docker: Error response from daemon: /, '').trim();
}

export interface TargetOptionsResult {
  capabilities: Check;
  iptables: Check;
}

export function targetOptionsChecks(image: ProbeImage, o: DockerOutcome, timeoutS: number): TargetOptionsResult {
  const name = 'container capabilities';
  const iptablesName = 'iptables in a container';
  if (o.code !== 0) {
    return {
      capabilities: missing(
        name,
        `the engine did not run ${image.image} with ${grantsText()}, /sys/fs/cgroup mounted: ${dockerError(o, timeoutS)}`,
        'targets need exactly these options (--privileged is not needed); use a rootful engine whose capability bounding set includes them, and see `docker info`',
      ),
      iptables: warn(iptablesName, 'unchecked: the test container did not start'),
    };
  }
  const capEff = /^CapEff:\s*([0-9a-f]+)/im.exec(o.stdout)?.[1];
  const caps = capEff ? capabilitiesIn(capEff) : new Set<number>();
  const lacking = TARGET_GRANTS.capAdd.filter(c => !caps.has(CAPABILITY_BITS[c] ?? -1)).map(c => `CAP_${c}`);
  const capabilities = lacking.length
    ? missing(name, `a container started with ${TARGET_GRANTS.capAdd.map(c => `--cap-add ${c}`).join(' ')} lacks ${lacking.join(' and ')} (CapEff ${capEff ?? '?'})`, 'run the engine as root, not rootless or under a restricted capability bounding set')
    : ok(name, `${image.image} ran with ${grantsText()}, /sys/fs/cgroup mounted read-only`);
  const ipt = /^iptables=(\w+)\s*(.*)$/m.exec(o.stdout);
  let iptables: Check;
  if (ipt?.[1] === 'ok') iptables = ok(iptablesName, `iptables -L works with NET_ADMIN in ${image.image}`);
  else if (ipt?.[1] === 'failed') {
    iptables = missing(iptablesName, `iptables -L failed with NET_ADMIN in ${image.image}: ${ipt[2] || '?'}`, 'the drop and reject severs and the NAT router need netfilter in the host kernel: modprobe ip_tables (or nf_tables) on the Docker host');
  } else {
    iptables = warn(iptablesName, `unchecked: ${image.image} has no iptables (a seeded base image)`, 'the first run builds a target image, which has iptables; run doctor again after it');
  }
  return { capabilities, iptables };
}

export interface SysctlProbe {
  /** e.g. net.ipv4.tcp_retries2 */
  key: string;
  value: string;
  /** a run needs it (missing) or only some scenarios do (warn) */
  required: boolean;
  /** who needs it, for the line */
  neededBy: string;
  fix: string;
}

export const SYSCTL_PROBES: readonly SysctlProbe[] = [
  {
    key: 'net.ipv4.tcp_retries2',
    value: '7',
    required: true,
    neededBy: 'the kernel axis (TCP timers are per network namespace and read-only inside)',
    fix: 'the engine must accept --sysctl net.ipv4.* at creation (a container with a network namespace of its own); see the engine log',
  },
  {
    key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
    value: '77',
    required: false,
    neededBy: 'the nat-expiry sever (its router container sets it at creation)',
    fix: 'load conntrack on the Docker host: modprobe nf_conntrack',
  },
];

/** The container prints the sysctl as its own namespace sees it. */
export function sysctlScript(key: string): string {
  return `cat /proc/sys/${key.replaceAll('.', '/')}`;
}

export function sysctlCheck(p: SysctlProbe, image: ProbeImage, o: DockerOutcome, timeoutS: number): Check {
  const name = `sysctl ${p.key}`;
  const fail = (detail: string) => (p.required ? missing(name, detail, p.fix) : warn(name, detail, p.fix));
  if (o.code !== 0) return fail(`cannot be set at container creation (needed by ${p.neededBy}): ${dockerError(o, timeoutS)}`);
  const seen = o.stdout.trim();
  if (seen !== p.value) return fail(`set to ${p.value} at creation, but the container reads "${seen}" (needed by ${p.neededBy})`);
  return ok(name, `settable at container creation (--sysctl ${p.key}=${p.value} read back in ${image.image})`);
}
