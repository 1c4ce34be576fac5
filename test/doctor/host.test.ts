import t from 'tap';
import { cgroupCheck, cgroupModeFromMountinfo, nodeCheck, nodePtyCheck, sessionProgramCheck, sshClientCheck, tracingCheck } from '../../harness/doctor/host.js';

// Real lines: this machine (hybrid), a GitHub ubuntu runner (unified), an old host (legacy v1).
const HYBRID = `
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs ro,size=4096k,nr_inodes=1024,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const UNIFIED = `
24 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
28 24 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`;
const LEGACY = `
25 24 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,name=systemd
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct`;

t.test('cgroup mode from mountinfo', async t => {
  t.equal(cgroupModeFromMountinfo(HYBRID), 'hybrid');
  t.equal(cgroupModeFromMountinfo(UNIFIED), 'unified');
  t.equal(cgroupModeFromMountinfo(LEGACY), 'v1');
  t.equal(cgroupModeFromMountinfo(''), 'unknown');
  t.equal(cgroupModeFromMountinfo('23 1 0:5 / /proc rw - proc proc rw'), 'unknown');
});

t.test('v1 and hybrid are what the harness was measured on', async t => {
  t.equal(cgroupCheck('hybrid', '1', false).status, 'ok');
  t.equal(cgroupCheck('v1', undefined, false).status, 'ok');
});

t.test('cgroup v2 warns with the reason while the harness sets no cgroup namespace', async t => {
  const c = cgroupCheck('unified', '2', false);
  t.equal(c.status, 'warn');
  t.match(c.detail, /harness\/target\/container\.ts sets no cgroupns mode/);
  t.match(c.fix, /CgroupnsMode/);
  const handled = cgroupCheck('unified', '2', true);
  t.equal(handled.status, 'warn', 'still a warning once the harness handles it: that setup is unverified here');
  t.match(handled.detail, /host's cgroup namespace with a writable \/sys\/fs\/cgroup; this setup was not verified/);
});

t.test("the engine's cgroup version wins over what this process sees", async t => {
  // e.g. the CLI runs in a container or against a remote engine on a v2 host
  t.equal(cgroupCheck('hybrid', '2', false).status, 'warn');
  t.equal(cgroupCheck('unknown', undefined, false).status, 'warn');
});

t.test('ssh client: real OpenSSH, anything else, nothing', async t => {
  t.same(sshClientCheck({ ran: true, output: 'OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026\n' }), {
    name: 'ssh client',
    status: 'ok',
    detail: 'OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026',
  });
  const other = sshClientCheck({ ran: true, output: 'Dropbear v2022.83\n' });
  t.equal(other.status, 'missing');
  t.match(other.detail, /not OpenSSH/);
  t.match(sshClientCheck({ ran: false, output: '' }).fix, 'apt-get install -y openssh-client');
});

t.test('node must be 20 or newer', async t => {
  t.equal(nodeCheck('v20.0.0').status, 'ok');
  t.equal(nodeCheck('v22.11.0').status, 'ok');
  const old = nodeCheck('v18.19.1');
  t.equal(old.status, 'missing');
  t.match(old.detail, 'v18.19.1 is older than 20');
});

t.test('node-pty names the error and the rebuild', async t => {
  t.equal(nodePtyCheck({ loaded: true }).status, 'ok');
  const c = nodePtyCheck({ loaded: false, error: 'Cannot find module ../build/Release/pty.node' });
  t.equal(c.status, 'missing');
  t.match(c.detail, 'pty.node');
  t.match(c.fix, /^npm ci/);
});

t.test('kernel tracing: ok when ftrace has the events; otherwise a warning naming what it costs and the fix', async t => {
  t.match(tracingCheck(true), { name: 'kernel tracing', status: 'ok' });
  const w = tracingCheck('the harness is not root (uid 1000): kernel tracing (tracefs) needs root on the Docker host');
  t.match(w, { name: 'kernel tracing', status: 'warn', fix: /root on the Docker host/ });
  t.match(w.detail, /^the harness is not root .*; a probe that dies without logging \(SIGKILL, killed at birth\) leaves its cell inconclusive$/);
});

t.test("sessionProgramCheck: a session kind's own program; missing is a warning with its install line", async t => {
  const program = { file: 'mosh', install: 'apt-get install -y mosh' };
  t.same(sessionProgramCheck('mosh', program, { ran: true, output: 'mosh 1.4.0 [build mosh 1.4.0]\nCopyright 2012\n' }), {
    name: 'mosh session',
    status: 'ok',
    detail: 'mosh 1.4.0 [build mosh 1.4.0]',
  });
  const gone = sessionProgramCheck('mosh', program, { ran: false, output: '' });
  t.equal(gone.status, 'warn');
  t.match(gone.fix, /apt-get install -y mosh/);
});
