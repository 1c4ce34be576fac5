import t from 'tap';
import { commandReturned, findSshdMonitor, findSshdSession, parseSnapshot } from '../../harness/observe/snapshot.js';
import type { ProcessInfo } from '../../harness/results.js';

const HEX = '3f1c2a9b0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a';
const SCOPE = '/user.slice/user-1000.slice/session-1.scope';

function line(p: Partial<ProcessInfo> & { pid: number; comm: string; args: string }): string {
  return JSON.stringify({
    ppid: 1,
    pgid: p.pid,
    sid: p.pid,
    ttyNr: 0,
    state: 'S',
    startTime: '100',
    uid: 1000,
    cgroup: `/docker/${HEX}${SCOPE}`,
    sigIgn: '0000000000000000',
    sigCgt: '0000000000000000',
    ...p,
  });
}

// OpenSSH 9.2 (Debian bookworm): a pty login of hl1, with a shell and a probe under it.
const bookworm = [
  line({ pid: 144, ppid: 60, uid: 0, comm: 'sshd', args: 'sshd: hl1 [priv]' }),
  line({ pid: 180, ppid: 144, pgid: 144, sid: 144, comm: 'sshd', args: 'sshd: hl1@pts/0' }),
  line({ pid: 181, ppid: 180, pgid: 181, sid: 181, ttyNr: 34816, comm: 'bash', args: '-bash' }),
  line({ pid: 190, ppid: 181, pgid: 190, sid: 181, ttyNr: 34816, comm: 'probe', args: '/usr/bin/perl /opt/hangup-lab/probe /tmp/p.log quiet' }),
].join('\n');

// OpenSSH 10: the per-session processes are sshd-session.
const openssh10 = [
  line({ pid: 44, ppid: 30, uid: 0, comm: 'sshd-session', args: 'sshd-session: hl1 [priv]' }),
  line({ pid: 50, ppid: 44, comm: 'sshd-session', args: 'sshd-session: hl1@notty' }),
  line({ pid: 51, ppid: 50, comm: 'sh', args: 'sh -c sleep 1000' }),
].join('\n');

t.test('each JSON line becomes one process with every field', async t => {
  const procs = parseSnapshot(bookworm);
  t.equal(procs.length, 4);
  t.same(procs[1], {
    pid: 180,
    ppid: 144,
    pgid: 144,
    sid: 144,
    ttyNr: 0,
    state: 'S',
    startTime: '100',
    uid: 1000,
    comm: 'sshd',
    args: 'sshd: hl1@pts/0',
    cgroup: SCOPE,
    sigIgn: '0000000000000000',
    sigCgt: '0000000000000000',
  });
});

t.test("the host's /docker/<id> prefix is stripped from cgroup paths", async t => {
  t.ok(parseSnapshot(bookworm).every(p => p.cgroup === SCOPE));
});

t.test('a cgroup path without the docker prefix is kept', async t => {
  const [p] = parseSnapshot(line({ pid: 5, comm: 'bash', args: 'bash', cgroup: SCOPE }));
  t.equal(p!.cgroup, SCOPE);
});

t.test('the container root cgroup reads as /', async t => {
  const [p] = parseSnapshot(line({ pid: 5, comm: 'bash', args: 'bash', cgroup: `/docker/${HEX}` }));
  t.equal(p!.cgroup, '/');
});

t.test('a /docker/ prefix that is not a 64-hex id is kept', async t => {
  const [p] = parseSnapshot(line({ pid: 5, comm: 'bash', args: 'bash', cgroup: '/docker/abc/user.slice' }));
  t.equal(p!.cgroup, '/docker/abc/user.slice');
});

t.test('blank and non-JSON lines are skipped', async t => {
  const out = `\nsnapshot: warning\n${bookworm}\n\n`;
  t.equal(parseSnapshot(out).length, 4);
  t.same(parseSnapshot(''), []);
});

t.test('findSshdSession: the unprivileged sshd holding user@pts', async t => {
  t.equal(findSshdSession(parseSnapshot(bookworm), 'hl1')?.pid, 180);
});

t.test('findSshdSession: OpenSSH 10 sshd-session user@notty', async t => {
  t.equal(findSshdSession(parseSnapshot(openssh10), 'hl1')?.pid, 50);
});

t.test('findSshdSession: the root-owned monitor is not the session', async t => {
  const onlyMonitor = parseSnapshot(bookworm).filter(p => p.pid === 144);
  t.equal(findSshdSession(onlyMonitor, 'hl1'), null);
});

t.test('findSshdSession: another user\'s session is not matched', async t => {
  t.equal(findSshdSession(parseSnapshot(bookworm), 'hl2'), null);
});

t.test('findSshdSession: a non-sshd process that mentions user@ is not the session', async t => {
  const procs = parseSnapshot(line({ pid: 300, comm: 'ssh', args: 'ssh hl1@localhost' }));
  t.equal(findSshdSession(procs, 'hl1'), null);
});

t.test('findSshdMonitor: the root-owned "user [priv]" process', async t => {
  t.equal(findSshdMonitor(parseSnapshot(bookworm), 'hl1')?.pid, 144);
  t.equal(findSshdMonitor(parseSnapshot(openssh10), 'hl1')?.pid, 44);
});

t.test('findSshdMonitor: none for another user, none among unprivileged processes', async t => {
  t.equal(findSshdMonitor(parseSnapshot(bookworm), 'hl2'), null);
  const unprivileged = parseSnapshot(bookworm).filter(p => p.uid !== 0);
  t.equal(findSshdMonitor(unprivileged, 'hl1'), null);
});

t.test('commandReturned: false while the sshd session still has a child', async t => {
  const procs = parseSnapshot(openssh10);
  t.equal(commandReturned(procs, findSshdSession(procs, 'hl1')!), false);
});

t.test('commandReturned: true once the sshd session has no children left', async t => {
  const procs = parseSnapshot(openssh10).filter(p => p.pid !== 51);
  t.equal(commandReturned(procs, findSshdSession(procs, 'hl1')!), true);
});

t.test('commandReturned: grandchildren reparented elsewhere do not count', async t => {
  const procs = parseSnapshot(openssh10).map(p => (p.pid === 51 ? { ...p, ppid: 1 } : p));
  t.equal(commandReturned(procs, findSshdSession(procs, 'hl1')!), true);
});

// Measured with `ps` in the targets while a login of hl1 was still authenticating (a password
// prompt) next to one that was in: the pre-auth process runs as the privsep user.
const bullseyePreAuth = [
  line({ pid: 131, ppid: 34, uid: 0, comm: 'sshd', args: 'sshd: hl1 [priv]' }),
  line({ pid: 132, ppid: 131, uid: 104, comm: 'sshd', args: 'sshd: hl1 [net]' }),
].join('\n');
const trixiePreAuth = [
  line({ pid: 175, ppid: 63, uid: 0, comm: 'sshd-session', args: 'sshd-session: [accepted]' }),
  line({ pid: 248, ppid: 63, uid: 0, comm: 'sshd-session', args: 'sshd-session: hl1 [priv]' }),
  line({ pid: 249, ppid: 248, uid: 996, comm: 'sshd-auth', args: 'sshd-auth: hl1 [net]' }),
].join('\n');

t.test('findSshdSession: none while the login is still authenticating (8.4 [net], 10.0 sshd-auth)', async t => {
  t.equal(findSshdSession(parseSnapshot(bullseyePreAuth), 'hl1'), null);
  t.equal(findSshdSession(parseSnapshot(trixiePreAuth), 'hl1'), null);
});

t.test('findSshdMonitor: the [priv] monitor exists from before authentication, in both spellings', async t => {
  t.equal(findSshdMonitor(parseSnapshot(bullseyePreAuth), 'hl1')?.pid, 131);
  t.equal(findSshdMonitor(parseSnapshot(trixiePreAuth), 'hl1')?.pid, 248);
});

t.test('the user name is matched whole, not as a part of a longer one', async t => {
  const procs = parseSnapshot(line({ pid: 7, comm: 'sshd', args: 'sshd: xhl1@pts/3' }));
  t.equal(findSshdSession(procs, 'hl1'), null);
  t.equal(findSshdSession(procs, 'xhl1')?.pid, 7);
});

t.test("the title must be the comm's own: sshd-session's title on a process named sshd is not matched", async t => {
  t.equal(findSshdSession(parseSnapshot(line({ pid: 8, comm: 'bash', args: 'sshd: hl1@pts/0' })), 'hl1'), null);
  t.equal(findSshdSession(parseSnapshot(line({ pid: 9, comm: 'sshd', args: 'sshd-session: hl1@pts/0' })), 'hl1'), null);
});

t.test('the padding sshd leaves after its title does not matter', async t => {
  t.equal(findSshdSession(parseSnapshot(line({ pid: 10, comm: 'sshd-session', args: 'sshd-session: hl1@pts/0          ' })), 'hl1')?.pid, 10);
});

t.test('cgroup paths lose the container prefix of cgroup v1 and of v2 in the host namespace', async t => {
  const id = 'ab'.repeat(32);
  const line = (cgroup: string) => JSON.stringify({ pid: 5, ppid: 1, pgid: 5, sid: 5, ttyNr: 0, state: 'S', startTime: '1', uid: 1000, comm: 'x', args: 'x', cgroup, sigIgn: '0', sigCgt: '0' });
  const [v1, v2] = parseSnapshot([line(`/docker/${id}/user.slice/user-1000.slice/session-3.scope`), line(`/system.slice/docker-${id}.scope/user.slice/user-1000.slice/session-3.scope`)].join('\n'));
  t.equal(v1!.cgroup, '/user.slice/user-1000.slice/session-3.scope');
  t.equal(v2!.cgroup, '/user.slice/user-1000.slice/session-3.scope');
});
