import t from 'tap';
import { inMask, processTree, shortCgroup, ttyName } from '../../harness/demo/tree.js';
import { cell } from './fixtures.js';

t.test('a tree by parent pid, with session, group, terminal, cgroup and marks', async t => {
  const c = cell('pty_nohup_client_kill');
  const lines = processTree(c.before, { probePid: c.probe.pid, sshdSessionPid: c.sshdSession!.pid }, '');
  t.match(lines[0], /^\d+ sshd  sshd: hl\w+ \[priv\]  \[S, sid \d+, pgid \d+, no tty, session-\d+\.scope\]$/, 'a root has no branch (no tpgid in these results: the state letter alone)');
  t.match(lines[1], /^└─ \d+ sshd  sshd: hl\w+@pts\/\d+ .*◀ sshd's session process$/);
  t.match(lines[2], /^   └─ \d+ bash  -bash  \[S, sid (\d+), pgid \1, pts\/\d+/);
  t.match(lines[3], /^      └─ \d+ probe  .*◀ the probe \(ignores SIGHUP\)$/, 'nohup shows in the mask');
  t.ok(lines.some(l => /systemd --user.*◀ the user manager/.test(l)));
  t.equal(lines.length, c.before.length, 'one line per process');
});

t.test('with tpgid, the state reads as ps shows it', async t => {
  const base = { ppid: 1, ttyNr: 34816, startTime: '1', uid: 1001, args: '', cgroup: '/user.slice/user-1001.slice/session-3.scope', sigIgn: '0', sigCgt: '0' };
  const lines = processTree(
    [
      { ...base, pid: 181, pgid: 181, sid: 181, tpgid: 190, state: 'S', comm: 'bash' },
      { ...base, pid: 190, ppid: 181, pgid: 190, sid: 181, tpgid: 190, state: 'S', comm: 'probe' },
    ],
    {},
    '',
  );
  t.match(lines[0], /bash    \[Ss, sid 181, pgid 181, pts\/0/);
  t.match(lines[1], /probe    \[S\+, sid 181, pgid 190, pts\/0/);
});

t.test('an empty snapshot says so', async t => {
  t.same(processTree([], {}, '  '), ['  (no processes of the user)']);
});

t.test('siblings get ├─ and the last one └─; a cycle never loops', async t => {
  const p = (pid: number, ppid: number) => ({ pid, ppid, pgid: pid, sid: 1, ttyNr: 0, state: 'S', startTime: '1', uid: 1, comm: 'x', args: 'x', cgroup: '/system.slice/a.service', sigIgn: '0', sigCgt: '0' });
  t.same(processTree([p(1, 0), p(2, 1), p(3, 1)], {}, '').map(l => l.slice(0, 6)), ['1 x  x', '├─ 2 x', '└─ 3 x']);
  t.equal(processTree([p(5, 5)], {}, '').length, 1);
});

t.test('helpers', async t => {
  t.equal(ttyName(34823), 'pts/7');
  t.equal(ttyName(0), null);
  t.ok(inMask('0000000000000081', 1), 'SIGHUP ignored');
  t.notOk(inMask('0000000000000080', 1));
  t.notOk(inMask('zz', 1), 'garbage is not a mask');
  t.equal(shortCgroup('/user.slice/user-1001.slice/session-7.scope'), 'session-7.scope');
  t.equal(shortCgroup('/system.slice/x.service'), '/system.slice/x.service');
});
