import t from 'tap';
import { parseProbeLine } from '../../harness/observe/probe-log.js';

t.test('a start line keeps every key=value field', async t => {
  const line =
    '258116.1 start pid=75 ppid=64 pgid=64 sid=64 workload=chatty stdin=/dev/null stdout=/dev/null cgroup=/user.slice/x ignored=HUP,INT';
  t.same(parseProbeLine(line), {
    t: 258116.1,
    kind: 'start',
    fields: {
      pid: '75',
      ppid: '64',
      pgid: '64',
      sid: '64',
      workload: 'chatty',
      stdin: '/dev/null',
      stdout: '/dev/null',
      cgroup: '/user.slice/x',
      ignored: 'HUP,INT',
    },
  });
});

t.test('a start line keeps values that contain "="', async t => {
  const e = parseProbeLine('1.0 start pid=75 stdin=/dev/pts/0 cgroup=/a=b ignored=-');
  t.same(e, { t: 1, kind: 'start', fields: { pid: '75', stdin: '/dev/pts/0', cgroup: '/a=b', ignored: '-' } });
});

t.test('a heartbeat line gives its number', async t => {
  t.same(parseProbeLine('1200.5 hb 7'), { t: 1200.5, kind: 'hb', n: 7 });
});

t.test('a time without a fraction is accepted', async t => {
  t.same(parseProbeLine('1200 hb 1'), { t: 1200, kind: 'hb', n: 1 });
});

t.test('a signal sent by a process gives SI_USER, the sender pid and its comm', async t => {
  t.same(parseProbeLine('257794.4 sig HUP code=0 sender=64 sender_comm=bash'), {
    t: 257794.4,
    kind: 'sig',
    signal: 'SIGHUP',
    code: 0,
    senderPid: 64,
    senderComm: 'bash',
    cgroup: null,
  });
});

t.test('a kernel signal (SI_KERNEL, sender 0, comm "-") has no sender', async t => {
  t.same(parseProbeLine('257794.4 sig HUP code=128 sender=0 sender_comm=-'), {
    t: 257794.4,
    kind: 'sig',
    signal: 'SIGHUP',
    code: 128,
    senderPid: null,
    senderComm: null,
    cgroup: null,
  });
});

t.test('an unknown code and an unreadable comm become null', async t => {
  const e = parseProbeLine('10.0 sig TERM code=? sender=4242 sender_comm=?');
  t.same(e, { t: 10, kind: 'sig', signal: 'SIGTERM', code: null, senderPid: 4242, senderComm: null, cgroup: null });
});

t.test('a CONT line without siginfo fields has no code and no sender', async t => {
  t.same(parseProbeLine('10.0 sig CONT'), {
    t: 10,
    kind: 'sig',
    signal: 'SIGCONT',
    code: null,
    senderPid: null,
    senderComm: null,
    cgroup: null,
  });
});

t.test('a signal line gives the cgroup the probe was in when it arrived', async t => {
  const line = '257794.4 sig TERM code=0 sender=1 sender_comm=systemd cgroup=/user.slice/user-1001.slice/session-3.scope';
  t.same(parseProbeLine(line), {
    t: 257794.4,
    kind: 'sig',
    signal: 'SIGTERM',
    code: 0,
    senderPid: 1,
    senderComm: 'systemd',
    cgroup: '/user.slice/user-1001.slice/session-3.scope',
  });
});

t.test('an unreadable cgroup ("?") becomes null; a CONT line may carry only the cgroup', async t => {
  t.match(parseProbeLine('10.0 sig HUP code=128 sender=0 sender_comm=- cgroup=?'), { kind: 'sig', cgroup: null });
  t.same(parseProbeLine('10.0 sig CONT cgroup=/system.slice/hl-probe-x.service'), {
    t: 10,
    kind: 'sig',
    signal: 'SIGCONT',
    code: null,
    senderPid: null,
    senderComm: null,
    cgroup: '/system.slice/hl-probe-x.service',
  });
});

t.test('a comm containing a dash is kept as is', async t => {
  const e = parseProbeLine('10.0 sig TERM code=0 sender=99 sender_comm=sshd-session');
  t.match(e, { kind: 'sig', senderPid: 99, senderComm: 'sshd-session' });
});

t.test('an out-err line gives the error name', async t => {
  t.same(parseProbeLine('1000.0 out-err 12 EIO Input/output error'), { t: 1000, kind: 'out-err', error: 'EIO' });
  t.same(parseProbeLine('1000.0 out-err 3 EPIPE Broken pipe'), { t: 1000, kind: 'out-err', error: 'EPIPE' });
  t.same(parseProbeLine('1000.0 out-err 3 errno=5 Input/output error'), { t: 1000, kind: 'out-err', error: 'errno=5' });
});

t.test('an exit line keeps its text', async t => {
  t.same(parseProbeLine('3601000.0 exit max-seconds'), { t: 3601000, kind: 'exit', text: 'max-seconds' });
});

t.test('a sig-survived line keeps its text', async t => {
  t.same(parseProbeLine('500.0 sig-survived HUP'), { t: 500, kind: 'sig-survived', text: 'HUP' });
});

t.test('an unknown kind is kept as other, with kind and rest as text', async t => {
  t.same(parseProbeLine('500.0 note hello world'), { t: 500, kind: 'other', text: 'note hello world' });
  t.same(parseProbeLine('500.0 mystery'), { t: 500, kind: 'other', text: 'mystery' });
});

t.test('lines that do not start with a time and a kind are not entries', async t => {
  t.equal(parseProbeLine(''), null);
  t.equal(parseProbeLine('probe: cannot open /tmp/x: Permission denied'), null);
  t.equal(parseProbeLine('hb 7'), null);
  t.equal(parseProbeLine('1200.5'), null);
  t.equal(parseProbeLine('12ab hb 1'), null);
  t.equal(parseProbeLine(' 1200.5 hb 7'), null);
  t.equal(parseProbeLine('-5.0 hb 1'), null);
});
