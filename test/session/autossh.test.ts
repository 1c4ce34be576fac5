import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { autosshCommand, childrenOf, reconnectReport, sshAt, sshChildrenOf } from '../../harness/session/autossh.js';
import { sessions } from '../../harness/session/registry.js';

t.test('autosshCommand: -M 0, the client\'s own options, a terminal, and no starting gate', async t => {
  const cmd = autosshCommand({ file: 'ssh', args: ['-F', '/dev/null', '-o', 'ServerAliveInterval=1'] }, { user: 'hl1', host: '172.17.0.2' });
  t.equal(cmd.file, 'autossh');
  t.same(cmd.args, ['-M', '0', '-F', '/dev/null', '-o', 'ServerAliveInterval=1', '-tt', 'hl1@172.17.0.2']);
  t.same(cmd.env, { AUTOSSH_GATETIME: '0' });
});

t.test('autossh is a session kind that runs its client itself and declares its program', async t => {
  const k = sessions.get('autossh');
  t.equal(k.runsClient, true);
  t.equal(k.shell, true);
  t.equal(k.program?.file, 'autossh');
  t.notOk(k.heldBy, 'the first login\'s sshd holds the session, as for pty');
});

t.test('childrenOf: the kernel\'s children file when there is one', async t => {
  const dir = t.testdir({ '10': { task: { '10': { children: '11 12 ' } }, stat: '10 (autossh) S 1 10 10 0 -1 0' }, '11': { stat: '11 (ssh) S 10 10 10 0 -1 0' } });
  t.same(childrenOf(10, dir), [11, 12], 'read from the file, not from the stats (12 has none)');
});

t.test('childrenOf without that file: read from every process\'s stat, comm with spaces and parentheses included', async t => {
  const dir = t.testdir({
    '10': { stat: '10 (autossh) S 1 10 10 34816 10 0' },
    '11': { stat: '11 (ssh) S 10 10 10 34816 10 0' },
    '12': { stat: '12 (we ird) (x) S 10 10 10 0 -1 0' },
    '13': { stat: '13 (bash) S 11 13 13 0 -1 0' },
    self: {},
  });
  t.same(childrenOf(10, dir).sort(), [11, 12]);
  t.same(childrenOf(99, dir), []);
  t.ok(fs.existsSync(path.join(dir, '10')));
});

t.test('sshChildrenOf: only the ssh children (not the wrapper\'s pipeline before it execs autossh, nor a fork not yet exec\'d)', async t => {
  const dir = t.testdir({
    '10': { task: { '10': { children: '11 12 13 14 ' } }, comm: 'autossh\n' },
    '11': { comm: 'egrep\n' },
    '12': { comm: 'ssh\n' },
    '13': { comm: 'autossh\n' },
    // 14: gone between the children file and its comm
  });
  t.same(sshChildrenOf(10, dir), [12]);
});

const T0 = 1000_000;

t.test('reconnectReport: the ssh of the session gave up, autossh started another, a new login prompted', async t => {
  const r = reconnectReport(
    [
      { pid: 11, seenMono: T0 - 5000, goneMono: T0 + 3100 },
      { pid: 20, seenMono: T0 + 3200, goneMono: null },
    ],
    [T0 - 4000, T0 + 3900],
    T0,
    null,
  );
  t.equal(r.ok, true);
  t.equal(r.atMs, 3900);
  t.match(r.detail, /^autossh's ssh exited \+3\.1 s after the sever; autossh started a new ssh \(first \+3\.2 s\) and a new login shell prompted \+3\.9 s$/);
});

t.test('reconnectReport: a login autossh retried before the sever is setup, and said so', async t => {
  const gens = [
    { pid: 11, seenMono: T0 - 9000, goneMono: T0 - 6000 },
    { pid: 12, seenMono: T0 - 5800, goneMono: T0 + 3000 },
    { pid: 20, seenMono: T0 + 3100, goneMono: null },
  ];
  t.equal(sshAt(gens, T0)?.pid, 12, 'the ssh alive at the sever holds the session');
  const r = reconnectReport(gens, [T0 - 4000, T0 + 3600], T0, null);
  t.equal(r.ok, true);
  t.match(r.detail, /exited \+3\.0 s after the sever \(autossh had started ssh 2 times before the sever: a login it retried by itself\); autossh started a new ssh/);
});

t.test('reconnectReport: nothing to reconnect, autossh gone with its ssh, a restart that never logged in', async t => {
  t.equal(reconnectReport([{ pid: 11, seenMono: T0 - 5000, goneMono: null }], [], T0, null).ok, null, 'ssh still running');
  t.equal(reconnectReport([], [], T0, null).ok, null, 'no child seen');
  const killed = reconnectReport([{ pid: 11, seenMono: T0 - 5000, goneMono: T0 + 20 }], [], T0, T0 + 10);
  t.equal(killed.ok, false);
  t.match(killed.detail, /autossh exited with it/);
  const noLogin = reconnectReport(
    [
      { pid: 11, seenMono: T0 - 5000, goneMono: T0 + 3000 },
      { pid: 20, seenMono: T0 + 3100, goneMono: T0 + 4000 },
      { pid: 21, seenMono: T0 + 4100, goneMono: null },
    ],
    [T0 - 4000],
    T0,
    null,
  );
  t.equal(noLogin.ok, false);
  t.match(noLogin.detail, /autossh started 2 new ssh processes \(first \+3\.1 s\), but no login shell prompted again/);
});
