// A container's cgroups (usage/cgroup-files.ts): found from its PID 1's /proc/PID/cgroup on a
// hybrid host (CPU from the unified hierarchy's cpu.stat, peaks from v1 memory) and on a v2 host
// (both from the unified tree), or from v1 cpuacct alone when there is no unified cpu.stat.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { containerCgroups, describeSources, readTree } from '../../harness/usage/cgroup-files.js';
import { hybridInitCgroup, writeProcess, writeV1Cpu, writeV1Memory, writeV2 } from './fake-host.js';

const ID = 'c0ffee';

t.test('hybrid host: CPU split from unified cpu.stat, peaks from v1 memory, init.scope stripped', async t => {
  const root = t.testdir({});
  const proc = path.join(root, 'proc');
  const cg = path.join(root, 'cgroup');
  writeProcess(proc, 500, { comm: 'systemd', cgroup: hybridInitCgroup(ID) });
  const u = path.join(cg, 'unified/docker', ID);
  writeV2(u, 10_000_000);
  writeV2(path.join(u, 'system.slice'), 4_000_000);
  writeV2(path.join(u, 'system.slice/ssh.service'), 3_000_000);
  writeV2(path.join(u, 'user.slice/user-1001.slice/session-3.scope'), 500_000);
  writeV2(path.join(u, 'user.slice/user-1001.slice/user@1001.service/init.scope'), 1);
  writeV1Cpu(path.join(cg, 'cpuacct/docker', ID), 10_000_000_000);
  writeV1Memory(path.join(cg, 'memory/docker', ID), 200 << 20);
  writeV1Memory(path.join(cg, 'memory/docker', ID, 'system.slice/ssh.service'), 5 << 20);
  const c = containerCgroups(500, { procDir: proc, cgroupRoot: cg });
  t.same(c, { cpu: { dir: u, kind: 'v2' }, memory: { dir: path.join(cg, 'memory/docker', ID), kind: 'v1' } });
  const tree = readTree(c);
  t.same(tree.get(''), { usageUsec: 10_000_000, peakBytes: 200 << 20 });
  t.same(tree.get('system.slice/ssh.service'), { usageUsec: 3_000_000, peakBytes: 5 << 20 });
  t.same(tree.get('user.slice/user-1001.slice/session-3.scope'), { usageUsec: 500_000, peakBytes: null });
  t.notOk(tree.has('user.slice/user-1001.slice/user@1001.service/init.scope'), 'three levels deep, no more');
  t.match(describeSources(c), /unified hierarchy of a hybrid host.*memory\.max_usage_in_bytes/);
});

t.test('v1 only (no unified cpu.stat): the container total from cpuacct.usage, in µs', async t => {
  const root = t.testdir({});
  const proc = path.join(root, 'proc');
  const cg = path.join(root, 'cgroup');
  writeProcess(proc, 500, { comm: 'systemd', cgroup: [`3:cpu,cpuacct:/docker/${ID}`, `4:memory:/docker/${ID}/init.scope`] });
  writeV1Cpu(path.join(cg, 'cpu,cpuacct/docker', ID), 2_500_000_000);
  const c = containerCgroups(500, { procDir: proc, cgroupRoot: cg });
  t.same(c.cpu, { dir: path.join(cg, 'cpu,cpuacct/docker', ID), kind: 'v1' }, 'a combined cpu,cpuacct mount');
  t.equal(c.memory, null, 'no peak file: null');
  t.same(readTree(c).get(''), { usageUsec: 2_500_000, peakBytes: null });
  t.match(describeSources(c), /cgroup v1 cpuacct\.usage.*no cgroup peak file/);
});

t.test('v2 host (systemd driver): cpu.stat and memory.peak at /sys/fs/cgroup, said to be unverified', async t => {
  const root = t.testdir({});
  const proc = path.join(root, 'proc');
  const cg = path.join(root, 'cgroup');
  writeV2(cg, 0);
  writeControllers(cg);
  writeProcess(proc, 500, { comm: 'systemd', cgroup: [`0::/system.slice/docker-${ID}.scope/init.scope`] });
  const dir = path.join(cg, `system.slice/docker-${ID}.scope`);
  writeV2(dir, 7_000_000, 300 << 20);
  writeV2(path.join(dir, 'init.scope'), 1_000_000, 20 << 20);
  const c = containerCgroups(500, { procDir: proc, cgroupRoot: cg });
  t.same(c, { cpu: { dir, kind: 'v2' }, memory: { dir, kind: 'v2' } });
  t.same(readTree(c).get('init.scope'), { usageUsec: 1_000_000, peakBytes: 20 << 20 });
  t.match(describeSources(c), /unverified here.*memory\.peak \(unverified here/);
});

t.test('a PID 1 that is gone: no cgroups', async t => {
  t.same(containerCgroups(9, { procDir: t.testdir({}), cgroupRoot: t.testdir({}) }), { cpu: null, memory: null });
});


function writeControllers(cg: string) {
  fs.writeFileSync(path.join(cg, 'cgroup.controllers'), 'cpu memory pids\n');
}
