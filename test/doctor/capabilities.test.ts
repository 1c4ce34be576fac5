import t from 'tap';
import { targetGrants } from '../../harness/target/grants.js';
import {
  capabilitiesIn,
  doctorLabels,
  pickProbeImage,
  probeRunArgs,
  SYSCTL_PROBES,
  sysctlCheck,
  sysctlScript,
  TARGET_GRANTS,
  TARGET_RUN_OPTIONS,
  targetOptionsChecks,
  type DockerOutcome,
} from '../../harness/doctor/capabilities.js';

const TARGET = { image: 'hangup-lab/debian-bookworm:20d4ff5c3b7c', kind: 'target' as const };
const BASE = { image: 'debian:bookworm', kind: 'base' as const };
const done = (stdout: string): DockerOutcome => ({ code: 0, stdout, stderr: '', timedOut: false });
const failed = (stderr: string, code = 125): DockerOutcome => ({ code, stdout: '', stderr, timedOut: false });

t.test('the probe container: labelled, removed, never pulled, sh as entrypoint', async t => {
  const args = probeRunArgs('debian:bookworm', doctorLabels({ pid: 42, start: '777' }), TARGET_RUN_OPTIONS, 'true');
  t.same(args.slice(0, 4), ['run', '--rm', '--pull', 'never']);
  for (const l of ['hangup-lab=1', 'hangup-lab.doctor=1', 'hangup-lab.pid=42', 'hangup-lab.pidstart=777']) t.ok(args.includes(l), l);
  t.same(args.slice(-4), ['sh', 'debian:bookworm', '-c', 'true']);
  t.notOk(args.includes('--privileged'), 'fails on these hosts');
  t.ok(args.join(' ').includes('-v /sys/fs/cgroup:/sys/fs/cgroup:ro'));
});

t.test('probe image: a current target image, then an older one, then a base image, else none', async t => {
  const older = 'hangup-lab/debian-bookworm:a652332400d7';
  const current = 'hangup-lab/debian-bookworm:20d4ff5c3b7c';
  t.same(pickProbeImage(['debian:bookworm', older, current], [current]), { image: current, kind: 'target' });
  t.same(pickProbeImage(['debian:bookworm', older], [current]), { image: older, kind: 'target' });
  t.same(pickProbeImage(['node:20', 'debian:trixie'], [current]), { image: 'debian:trixie', kind: 'base' });
  t.equal(pickProbeImage(['node:20', 'hangup-lab/try:1'], [current]), undefined);
});

t.test('CapEff: the capability bits', async t => {
  // measured in a target started with --cap-add SYS_ADMIN --cap-add NET_ADMIN
  const caps = capabilitiesIn('00000000a82435fb');
  t.ok(caps.has(21), 'CAP_SYS_ADMIN');
  t.ok(caps.has(12), 'CAP_NET_ADMIN');
  // docker's default set: no SYS_ADMIN, no NET_ADMIN
  const dflt = capabilitiesIn('00000000a80425fb');
  t.notOk(dflt.has(21));
  t.notOk(dflt.has(12));
});

t.test('the target options work and iptables lists its rules', async t => {
  const r = targetOptionsChecks(TARGET, done('CapEff:\t00000000a82435fb\niptables=ok\n'), 30);
  t.equal(r.capabilities.status, 'ok');
  t.equal(r.iptables.status, 'ok');
});

t.test('the engine refuses the options: missing, in its own words', async t => {
  const r = targetOptionsChecks(TARGET, failed('docker: Error response from daemon: OCI runtime create failed: unable to apply caps: operation not permitted: unknown.\nRun \'docker run --help\''), 30);
  t.equal(r.capabilities.status, 'missing');
  t.match(r.capabilities.detail, /: OCI runtime create failed: unable to apply caps: operation not permitted: unknown\.$/);
  t.equal(r.iptables.status, 'warn');
  t.match(r.iptables.detail, /^unchecked/);
});

t.test('a timeout says so', async t => {
  const r = targetOptionsChecks(TARGET, { code: null, stdout: '', stderr: '', timedOut: true }, 30);
  t.match(r.capabilities.detail, /no answer within 30 s$/);
});

t.test('started, but a capability was not granted', async t => {
  // Docker's default set: neither NET_ADMIN nor SYS_ADMIN, so every added capability is lacking.
  const r = targetOptionsChecks(TARGET, done('CapEff:\t00000000a80425fb\niptables=ok\n'), 30);
  t.equal(r.capabilities.status, 'missing');
  t.match(r.capabilities.detail, `lacks ${TARGET_GRANTS.capAdd.map(c => `CAP_${c}`).join(' and ')} (CapEff 00000000a80425fb)`);
});

t.test('doctor asks the engine for exactly what the targets get', async t => {
  t.same(TARGET_GRANTS, targetGrants(['NET_ADMIN']));
  for (const c of TARGET_GRANTS.capAdd) t.ok(TARGET_RUN_OPTIONS.join(' ').includes(`--cap-add ${c}`), c);
});

t.test('iptables failing is missing; iptables absent from a base image is unchecked', async t => {
  const bad = targetOptionsChecks(TARGET, done("CapEff:\t00000000a82435fb\niptables=failed iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied\n"), 30);
  t.equal(bad.iptables.status, 'missing');
  t.match(bad.iptables.detail, 'Could not fetch rule set generation id');
  const absent = targetOptionsChecks(BASE, done('CapEff:\t00000000a82435fb\niptables=absent\n'), 30);
  t.equal(absent.iptables.status, 'warn');
  t.match(absent.iptables.detail, 'unchecked: debian:bookworm has no iptables');
});

t.test('sysctls at creation: read back, refused, or read back wrong', async t => {
  const [retries, conntrack] = SYSCTL_PROBES as [(typeof SYSCTL_PROBES)[0], (typeof SYSCTL_PROBES)[0]];
  t.equal(sysctlScript(conntrack.key), 'cat /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established');
  t.equal(sysctlCheck(retries, BASE, done('7\n'), 30).status, 'ok');
  const refused = failed(
    'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: open /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established: no such file or directory: unknown.',
  );
  const c = sysctlCheck(conntrack, BASE, refused, 30);
  t.equal(c.status, 'warn', 'only the nat-expiry sever needs conntrack');
  t.equal(c.fix, 'load conntrack on the Docker host: modprobe nf_conntrack');
  t.match(c.detail, /^cannot be set at container creation \(needed by the nat-expiry sever/);
  t.equal(sysctlCheck(retries, BASE, refused, 30).status, 'missing', 'the kernel axis needs tcp_retries2');
  t.match(sysctlCheck(retries, BASE, done('15\n'), 30).detail, 'reads "15"');
});
