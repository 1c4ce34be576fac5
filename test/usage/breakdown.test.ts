// The arithmetic and the honesty labels of bench's CPU breakdown (usage/breakdown.ts), on made-up
// readings: exact totals from persistent cgroups, transient ones as sampled lower bounds with the
// rest "not caught by a sample", the docker exec'd share as the container's own cgroup, runc as
// the shims' reaped children minus it, and "other" as the machine minus everything named.
import t from 'tap';
import { NOT_CAUGHT, OWN_CGROUP, processDelta, unitGroup, usageBreakdown, type ContainerRecord, type RawUsage } from '../../harness/usage/breakdown.js';
import type { ProcTimes } from '../../harness/usage/proc-files.js';

const p = (pid: number, comm: string, own: number, children: number, startTime = 100): ProcTimes => ({ pid, comm, ppid: 1, own, children, startTime });
const r = (seconds: number, peakBytes: number | null = null) => ({ usageUsec: seconds * 1e6, peakBytes });

function container(id: string, over: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id,
    server: 'debian-bookworm clientAlive=1/2',
    role: 'shared',
    cgroups: {
      '': r(20, 300 << 20),
      'init.scope': r(2),
      'system.slice': r(8, 50 << 20),
      'system.slice/ssh.service': r(5, 30 << 20),
      'system.slice/systemd-logind.service': r(1),
      'system.slice/user-runtime-dir@1001.service': r(0.5),
      'user.slice': r(6),
      'user.slice/user-1001.slice': r(3),
      'user.slice/user-1001.slice/user@1001.service': r(1, 9 << 20),
      'user.slice/user-1001.slice/session-4.scope': r(1.5),
      'user.slice/user-1002.slice/session-9.scope': r(2, 12 << 20),
    },
    topAtEnd: ['init.scope', 'system.slice', 'user.slice'],
    readBeforeRemoval: true,
    shim: { own: 100, children: 600, peakBytes: 8 << 20 },
    sources: 'CPU: cgroup v2 cpu.stat usage_usec (the unified hierarchy of a hybrid host); memory: cgroup v1 memory.max_usage_in_bytes (page cache included)',
    ...over,
  };
}

function raw(over: Partial<RawUsage> = {}): RawUsage {
  return {
    cores: 2,
    machine: { before: 10_000, after: 20_000 }, // 100 core-s
    self: { before: p(1, 'node', 1000, 50), after: p(1, 'node', 2500, 850), peakBytes: 400 << 20 },
    engine: {
      before: [p(10, 'dockerd', 5000, 10), p(11, 'containerd', 3000, 20)],
      after: [p(10, 'dockerd', 5900, 30), p(11, 'containerd', 3300, 120)],
      peakBytes: { 10: 100 << 20, 11: 60 << 20 },
    },
    containers: [container('a')],
    loadAverage: [3.5, 2.25, 1],
    notes: [],
    ...over,
  };
}

const row = (u: ReturnType<typeof usageBreakdown>, ...path: string[]) => u.parts.find(x => JSON.stringify(x.path) === JSON.stringify(path));

t.test('one container: exact totals, sampled parts, the remainders', async t => {
  const u = usageBreakdown(raw());
  const C = 'target containers';
  t.match(row(u, C), { coreSeconds: 20, how: 'exact', peakBytes: 300 << 20, count: 1 });
  t.match(row(u, C, OWN_CGROUP), { coreSeconds: 4, how: 'remainder' }, '20 − (2 + 8 + 6)');
  t.match(row(u, C, 'system.slice'), { coreSeconds: 8, how: 'exact' });
  t.match(row(u, C, 'system.slice', 'ssh.service'), { coreSeconds: 5, how: 'sampled', peakBytes: 30 << 20 });
  t.match(row(u, C, 'system.slice', 'user-runtime-dir@UID.service'), { coreSeconds: 0.5 });
  t.match(row(u, C, 'system.slice', NOT_CAUGHT), { coreSeconds: 1.5, how: 'remainder' });
  t.match(row(u, C, 'user.slice', 'session scopes (session-N.scope)'), { coreSeconds: 3.5, how: 'sampled', count: 2, peakBytes: 12 << 20 });
  t.match(row(u, C, 'user.slice', 'user managers (user@UID.service)'), { coreSeconds: 1, count: 1 });
  t.match(row(u, C, 'user.slice', NOT_CAUGHT), { coreSeconds: 1.5 }, 'user.slice 6 − 3.5 − 1 (user slices are not parts: only their sum)');
  t.notOk(u.parts.some(x => x.path.includes('user-1001.slice')), 'no row per user slice');
  // Order: total, own cgroup, then each top-level cgroup with its parts, the remainder last.
  const names = u.parts.filter(x => x.path[0] === C).map(x => x.path.slice(1).join('/'));
  t.same(names.slice(0, 3), ['', OWN_CGROUP, 'init.scope']);
  t.ok(names.indexOf('system.slice/ssh.service') < names.indexOf('system.slice/systemd-logind.service'), 'parts largest first');
  t.equal(names.indexOf(`system.slice/${NOT_CAUGHT}`), names.indexOf('user.slice') - 1, 'remainder closes its group');
});

t.test('engine, harness and other', async t => {
  const u = usageBreakdown(raw());
  t.match(row(u, 'docker engine', 'dockerd (and the docker-proxy processes it reaped)'), { coreSeconds: 9.2, how: 'exact', peakBytes: 100 << 20 });
  t.match(row(u, 'docker engine', 'containerd'), { coreSeconds: 4, how: 'exact' });
  t.match(row(u, 'docker engine', 'containerd-shim-runc-v2, one per target container (itself)'), { coreSeconds: 1, how: 'exact', count: 1 });
  t.match(row(u, 'docker engine', "runc (the shims' reaped children minus the containers' own cgroup)"), { coreSeconds: 2, how: 'estimate' }, '6 reaped − 4 in the own cgroup');
  t.match(row(u, 'docker engine'), { coreSeconds: 16.2, how: 'estimate' });
  t.match(row(u, 'harness: node (this process)'), { coreSeconds: 15, peakBytes: 400 << 20 });
  t.match(u.parts.find(x => x.path[0]!.startsWith('harness: its children')), { coreSeconds: 8 });
  t.match(row(u, 'other: the rest of the machine'), { coreSeconds: 100 - 20 - 16.2 - 15 - 8, how: 'remainder' });
  t.equal(u.busySeconds, 100);
  t.same(u.loadAverage, [3.5, 2.25, 1]);
  t.same(u.containers, [{ id: 'a', server: 'debian-bookworm clientAlive=1/2', role: 'shared', coreSeconds: 20, peakBytes: 300 << 20 }]);
  t.ok(u.notes.some(n => n.includes('unified hierarchy of a hybrid host')), 'the sources are noted once');
});

t.test('two containers: rows summed, peaks the largest one, exactness the weakest', async t => {
  const late = container('b', { readBeforeRemoval: false, shim: null });
  const u = usageBreakdown(raw({ containers: [container('a'), late] }));
  t.match(row(u, 'target containers'), { coreSeconds: 40, count: 2, how: 'sampled' }, 'one was only polled: a lower bound');
  t.match(row(u, 'target containers', 'system.slice', 'ssh.service'), { coreSeconds: 10, count: 2 });
  t.ok(u.notes.some(n => n.includes('no containerd-shim found')), 'a missing shim is said');
  t.ok(u.notes.some(n => n.includes('not read just before removal')));
  t.match(row(u, 'target containers', OWN_CGROUP), { how: 'sampled' });
});

t.test('a container whose PID 1 made no cgroups: all of it in its own cgroup', async t => {
  const bare = container('s', { cgroups: { '': r(3) }, topAtEnd: [] });
  const u = usageBreakdown(raw({ containers: [bare] }));
  t.match(row(u, 'target containers', OWN_CGROUP), { coreSeconds: 3, how: 'remainder' });
  t.equal(u.parts.filter(x => x.path[0] === 'target containers').length, 2);
});

t.test('a top-level cgroup gone before the end is sampled, not exact', async t => {
  const u = usageBreakdown(raw({ containers: [container('a', { topAtEnd: ['init.scope', 'system.slice'] })] }));
  t.match(row(u, 'target containers', 'user.slice'), { how: 'sampled' });
  t.match(row(u, 'target containers', 'system.slice'), { how: 'exact' });
});

t.test('engine processes matched by pid and start time; a restart counts from its start and is said', async t => {
  t.same(processDelta([p(10, 'dockerd', 100, 5)], [p(10, 'dockerd', 150, 25)], true), { ticks: 70, restarted: false });
  t.same(processDelta([p(10, 'dockerd', 100, 5)], [p(10, 'dockerd', 150, 25)], false), { ticks: 50, restarted: false });
  t.same(processDelta([p(10, 'dockerd', 100, 5)], [p(10, 'dockerd', 30, 0, 999)], true), { ticks: 30, restarted: true }, 'the same pid, a later start: a new process');
  const u = usageBreakdown(raw({ engine: { before: [], after: [], peakBytes: {} } }));
  t.notOk(u.parts.some(x => x.path[1]?.startsWith('dockerd')));
  t.ok(u.notes.some(n => n.startsWith('dockerd: no such process')));
});

t.test('no /proc/stat: no "other", and said so; a negative "other" is said too', async t => {
  const u = usageBreakdown(raw({ machine: null }));
  t.notOk(row(u, 'other: the rest of the machine'));
  t.ok(u.notes.some(n => n.includes('/proc/stat could not be read')));
  const neg = usageBreakdown(raw({ machine: { before: 0, after: 1000 } }));
  t.ok(row(neg, 'other: the rest of the machine')!.coreSeconds < 0);
  t.ok(neg.notes.some(n => n.includes('"other" is negative')));
});

t.test('unit names: per-user and per-session numbers folded, systemd-run units grouped', async t => {
  t.equal(unitGroup('user@1001.service', 'user.slice'), 'user managers (user@UID.service)');
  t.equal(unitGroup('session-c12.scope', 'user.slice'), 'session scopes (session-N.scope)');
  t.equal(unitGroup('run-r3f2a.scope', 'system.slice'), 'transient units (systemd-run: run-*.scope)');
  t.equal(unitGroup('user-runtime-dir@1001.service', 'system.slice'), 'user-runtime-dir@UID.service');
  t.equal(unitGroup('ssh.service', 'system.slice'), 'ssh.service');
});
