// The sampler (usage/sampler.ts) on a fake host: it finds a container's PID 1 through its shim,
// keeps the largest reading of a transient cgroup after it is gone, reads the container one last
// time when told it is being removed, and stops reading it then.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { NOT_CAUGHT } from '../../harness/usage/breakdown.js';
import { UsageSampler } from '../../harness/usage/sampler.js';
import { hybridInitCgroup, writeMachine, writeProcess, writeV1Memory, writeV2 } from './fake-host.js';

const ID = 'a'.repeat(64);

t.test('a container from start to removal, with a session scope that comes and goes', async t => {
  const root = t.testdir({});
  const proc = path.join(root, 'proc');
  const cg = path.join(root, 'cgroup');
  writeMachine(proc, 1000, 5000);
  writeProcess(proc, 'self', { comm: 'node', times: [100, 50, 10, 0] });
  writeProcess(proc, 10, { comm: 'dockerd', times: [500, 0, 0, 0] });
  writeProcess(proc, 11, { comm: 'containerd', times: [300, 0, 0, 0] });
  const s = new UsageSampler({ procDir: proc, cgroupRoot: cg, pollMs: 0 });

  // The container starts: its shim, and the shim's child that is PID 1 of a namespace below.
  writeProcess(proc, 20, { comm: 'containerd-shim', cmdline: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID], times: [5, 5, 0, 0], startTime: 2000 });
  writeProcess(proc, 21, { comm: 'sh', ppid: 20, nspid: [21, 7] }); // a docker exec'd process: not PID 1
  writeProcess(proc, 22, { comm: 'systemd', ppid: 20, nspid: [22, 1], cgroup: hybridInitCgroup(ID) });
  const u = path.join(cg, 'unified/docker', ID);
  writeV2(u, 1_000_000);
  writeV2(path.join(u, 'init.scope'), 500_000);
  writeV2(path.join(u, 'user.slice'), 0);
  writeV1Memory(path.join(cg, 'memory/docker', ID), 64 << 20);
  s.started({ id: ID, server: 'srv', role: 'own' });

  // A cell logs in: a session scope, read by a poll; then it logs out and the scope goes.
  const scope = path.join(u, 'user.slice/user-1001.slice/session-3.scope');
  writeV2(scope, 2_000_000);
  writeV2(path.join(u, 'user.slice'), 2_000_000);
  s.poll();
  writeV2(scope, 2_500_000); // used more after the last poll …
  fs.rmSync(path.join(u, 'user.slice/user-1001.slice'), { recursive: true }); // … and went
  writeV2(path.join(u, 'user.slice'), 3_000_000);
  writeV2(u, 6_000_000);
  writeProcess(proc, 20, { comm: 'containerd-shim', cmdline: ['/usr/bin/containerd-shim-runc-v2', '-id', ID], times: [10, 10, 200, 100], startTime: 2000, vmHwmKb: 9000 });

  s.removing(ID);
  writeV2(u, 99_000_000); // after removal began: never read
  writeMachine(proc, 3000, 9000);
  writeProcess(proc, 'self', { comm: 'node', times: [300, 100, 60, 0] });
  writeProcess(proc, 10, { comm: 'dockerd', times: [600, 0, 0, 0] });
  s.poll();
  const usage = s.finish()!;
  const row = (...p: string[]) => usage.parts.find(x => JSON.stringify(x.path) === JSON.stringify(p));
  t.match(row('target containers'), { coreSeconds: 6, how: 'exact', peakBytes: 64 << 20 }, 'the reading just before removal');
  t.match(row('target containers', 'user.slice', 'session scopes (session-N.scope)'), { coreSeconds: 2, how: 'sampled' }, 'the last poll of a scope that went');
  t.match(row('target containers', 'user.slice', NOT_CAUGHT), { coreSeconds: 1 });
  t.match(row('docker engine', 'containerd-shim-runc-v2, one per target container (itself)'), { coreSeconds: 0.2, peakBytes: 9000 * 1024 });
  t.match(row('docker engine', 'dockerd (and the docker-proxy processes it reaped)'), { coreSeconds: 1 });
  t.match(row('harness: node (this process)'), { coreSeconds: 2.5 });
  t.equal(usage.busySeconds, 20);
  t.same(usage.containers.map(c => [c.id, c.role, c.coreSeconds]), [[ID, 'own', 6]]);
});

t.test('a container whose shim is not in /proc (a remote engine): noted, not counted', async t => {
  const root = t.testdir({});
  const proc = path.join(root, 'proc');
  writeMachine(proc, 1000, 5000);
  writeProcess(proc, 'self', { comm: 'node' });
  const s = new UsageSampler({ procDir: proc, cgroupRoot: path.join(root, 'cgroup'), pollMs: 0 });
  s.started({ id: ID, server: 'srv', role: 'shared' });
  s.removing(ID);
  const usage = s.finish()!;
  t.ok(usage.notes.some(n => n.includes('its cgroups were not found')));
  t.match(usage.parts.find(x => x.path.length === 1 && x.path[0] === 'target containers'), { coreSeconds: 0, how: 'sampled' });
});
