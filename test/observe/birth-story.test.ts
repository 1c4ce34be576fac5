// The birth-trace analyser on traces recorded here: real `ssh -tt host 'cmd &'` logins to a
// debian-bookworm target (OpenSSH 9.2), traced by observe/birth-trace.ts at a load average of
// 28–54 on 2 cores. Each fixture's first line names the uid of the login it was recorded for.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { analyseBirth, explainUnbornProbe, parseTrace, type BirthStory } from '../../harness/observe/birth-story.js';

const PROBE = '/usr/local/lib/hangup-lab/probe';
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const uidOf = (text: string) => Number(/uid=(\d+)/.exec(text)![1]);
const story = (name: string, uid?: number): BirthStory => {
  const text = fixture(name);
  const s = analyseBirth(text, { uid: uid ?? uidOf(text), probePath: PROBE });
  if (!s) throw new Error(`${name}: no story for uid ${uid ?? uidOf(text)}`);
  return s;
};

t.test('parses every event line, comms with dashes and parentheses, syscall arguments', async t => {
  const events = parseTrace(fixture('birth-background-unexeced.trace'));
  t.ok(events.length > 50, `${events.length} events`);
  t.ok(events.every((e, i) => i === 0 || e.atMs >= events[i - 1]!.atMs), 'in time order');
  const sdPam = events.find(e => e.comm === '(sd-pam)');
  t.ok(sdPam, 'a comm in parentheses with a dash');
  const setresuid = events.find(e => e.name === 'sys_setresuid' && e.fields.ruid !== '0xffffffff' && e.fields.ruid !== '0xffffffffffffffff');
  t.match(setresuid?.fields ?? {}, { ruid: /^0x[0-9a-f]+$/, euid: /^0x[0-9a-f]+$/ });
  const gen = events.find(e => e.name === 'signal_generate');
  t.match(gen?.fields ?? {}, { sig: /^\d+$/, code: /^-?\d+$/, pid: /^\d+$/, res: /^\d$/ });
});

t.test("'cmd &': the forked copy of bash dies of the kernel's hangup before it execs the probe", async t => {
  const s = story('birth-background-unexeced.trace');
  t.equal(s.shell.execs[0]?.filename, '/bin/bash', 'the login shell ran the launch line');
  t.equal(s.launched?.parentPid, s.shell.pid, "the launched process is the shell's child");
  t.same(s.launched?.execs, [], 'it had exec\'d nothing');
  t.equal(s.fate.kind, 'killed');
  if (s.fate.kind !== 'killed') return;
  t.match(s.fate.signal, { signal: 'SIGHUP', code: 128, senderComm: 'bash', senderPid: s.shell.pid, senderExited: true, result: 'delivered' });
  t.ok(s.shell.exitedAtMs! <= s.fate.signal.atMs, 'the session leader had exited when the kernel sent it');
  t.equal(s.launched?.childCode, 2, 'its parent got CLD_KILLED');
  t.equal(s.lostEvents, 0);
  const v = explainUnbornProbe(s);
  t.match(v, { verdict: 'killed', signal: 'SIGHUP', signalEvidence: 'kernel trace', signalSender: { pid: null, comm: 'bash', code: 128 } });
  t.match(v.reason, /terminal hangup as the session leader, the login shell bash \(host pid \d+\), exited/);
  t.match(v.reason, /so the probe never ran/);
});

t.test("'cmd &': the probe was exec'd but died before it logged its start", async t => {
  const s = story('birth-background-probe.trace');
  t.match(s.fate, { kind: 'killed', reachedProbe: true, lastExec: PROBE, signal: { signal: 'SIGHUP', code: 128 } });
  t.match(explainUnbornProbe(s).reason, /the probe ran, but had not yet logged its start nor installed its handlers/);
});

t.test("'nohup cmd &': nohup was exec'd but SIGHUP came before it was ignored", async t => {
  const s = story('birth-nohup-in-nohup.trace');
  t.match(s.fate, { kind: 'killed', reachedProbe: false, lastExec: '/usr/bin/nohup', signal: { signal: 'SIGHUP', code: 128, senderComm: 'bash' } });
  const v = explainUnbornProbe(s);
  t.match(v.reason, /had exec'd \/usr\/bin\/nohup \(\+\d+ ms\) but not yet the probe/);
  t.match(v.reason, /disposition still the default/);
});

t.test('four logins at once, each its own user: each uid gets its own process and story', async t => {
  // Recorded with nohup (uid 1000), background (1002), setsid (1004), disown (1006) side by side.
  const text = fixture('birth-four-logins.trace');
  const of = (uid: number) => analyseBirth(text, { uid, probePath: PROBE });
  const stories = [1000, 1002, 1004, 1006].map(of);
  t.ok(stories.every(Boolean), 'every login is found');
  t.equal(new Set(stories.map(s => s!.shell.pid)).size, 4, 'four different shells');
  t.equal(new Set(stories.map(s => s!.launched?.pid)).size, 4, 'four different launched processes');
  t.same(stories.map(s => s!.fate.kind), ['killed', 'killed', 'alive', 'killed'], 'setsid escaped the hangup');
  t.equal(stories[2]!.launched?.parentPid, stories[2]!.shell.pid, "setsid's child: the shell's pid, exec'd as setsid");
  t.match(explainUnbornProbe(stories[2]!).reason, /forked by setsid, exec'd in place by the login shell/);
  t.equal(of(1001), null, 'a user who did not log in has no story');
  t.match(explainUnbornProbe(of(1001)), { verdict: 'inconclusive', reason: /holds no login of the cell's user/ });
});

t.test('a kill the trace did not see (docker exec pkill, outside the traced processes) is not guessed', async t => {
  // The same run read later: the harness had pkilled uid 1004's probe through docker exec.
  const s = analyseBirth(fixture('birth-four-logins-later.trace'), { uid: 1004, probePath: PROBE });
  t.equal(s?.fate.kind, 'unclear');
  t.match(explainUnbornProbe(s), { verdict: 'inconclusive', signal: null, reason: /did not record/ });
});

t.test('no witness: the cell stays inconclusive with the reason', async t => {
  const v = explainUnbornProbe({ unavailable: 'the harness is not root (uid 1000): kernel tracing (tracefs) needs root on the Docker host' });
  t.match(v, { verdict: 'inconclusive', signal: null, signalEvidence: null, reason: /no kernel trace could say why: the harness is not root/ });
});

t.test('times are relative to the cell\'s origin on the same monotonic clock', async t => {
  const s = story('birth-background-unexeced.trace');
  if (s.fate.kind !== 'killed') return t.fail('killed expected');
  const t0 = s.shell.exitedAtMs!;
  const v = explainUnbornProbe(s, { t0Mono: t0 });
  t.equal(v.deathMs, Math.round(s.fate.atMs - t0));
  t.ok(v.timeline.some(e => /SIGHUP generated by the kernel's terminal hangup/.test(e.event)));
  t.ok(v.timeline.every((e, i) => i === 0 || e.atMs >= v.timeline[i - 1]!.atMs), 'timeline in order');
});

// Small hand-written traces for the branches the recorded runs did not take.
const line = (comm: string, pid: number, s: number, body: string) => `${comm.padStart(16)}-${pid}   [000] .....  ${s.toFixed(6)}: ${body}`;
const login = (uid: number) => [
  line('sshd', 100, 1, 'sched_process_fork: comm=sshd pid=100 child_comm=sshd child_pid=200'),
  line('sshd', 200, 1.1, 'sched_process_fork: comm=sshd pid=200 child_comm=sshd child_pid=210'),
  line('sshd', 210, 1.2, `sys_setresuid(ruid: 0x${uid.toString(16)}, euid: 0x${uid.toString(16)}, suid: 0x${uid.toString(16)})`),
  line('sshd', 210, 1.21, 'sys_setuid(uid: 0)'),
  line('sshd', 210, 1.3, 'sched_process_fork: comm=sshd pid=210 child_comm=sshd child_pid=220'),
  line('bash', 220, 1.4, 'sched_process_exec: filename=/bin/bash pid=220 old_pid=220'),
  line('bash', 220, 1.5, 'sched_process_fork: comm=bash pid=220 child_comm=bash child_pid=230'),
];

t.test('a process that exits by itself is "exited", with its status', async t => {
  const text = [
    ...login(1000),
    line('nohup', 230, 1.6, 'sched_process_exec: filename=/usr/bin/nohup pid=230 old_pid=230'),
    line('nohup', 230, 1.7, 'sys_exit_group(error_code: 0x7f)'),
    line('nohup', 230, 1.7, 'sched_process_exit: comm=nohup pid=230 prio=120 group_dead=true'),
    line('nohup', 230, 1.7, 'signal_generate: sig=17 errno=0 code=1 comm=bash pid=220 grp=1 res=0'),
  ].join('\n');
  const s = analyseBirth(text, { uid: 1000, probePath: PROBE });
  t.match(s?.fate, { kind: 'exited', code: 127, reachedProbe: false });
  t.match(explainUnbornProbe(s), { verdict: 'exited', signal: null, reason: /exited with status 127/ });
});

t.test('a hangup from the closing pty master and a kill(2) are told apart from the leader\'s exit', async t => {
  const text = [
    ...login(1000),
    line('probe', 230, 1.6, `sched_process_exec: filename=${PROBE} pid=230 old_pid=230`),
    line('sshd', 210, 1.8, 'signal_generate: sig=1 errno=0 code=128 comm=probe pid=230 grp=1 res=0'),
    line('probe', 230, 1.81, 'sched_process_exit: comm=probe pid=230 prio=120 group_dead=true'),
    line('probe', 230, 1.81, 'signal_generate: sig=17 errno=0 code=2 comm=systemd pid=1 grp=1 res=0'),
  ].join('\n');
  const s = analyseBirth(text, { uid: 1000, probePath: PROBE });
  t.match(explainUnbornProbe(s).reason, /the kernel's terminal hangup when sshd \(host pid 210\) closed the pty/);
  const killed = analyseBirth(text.replace('code=128 comm=probe', 'code=0 comm=probe'), { uid: 1000, probePath: PROBE });
  t.match(explainUnbornProbe(killed), { signalSender: { comm: 'sshd', code: 0 }, reason: /kill\(2\) from sshd \(host pid 210\)/ });
});

t.test('events a full buffer dropped are reported, and a setuid(0) that fails does not switch users', async t => {
  const text = ['# hangup-lab birth-trace uid=1000 probe=x lost-events=12', ...login(1000)].join('\n');
  const s = analyseBirth(text, { uid: 1000, probePath: PROBE });
  t.equal(s?.lostEvents, 12);
  t.match(explainUnbornProbe(s).reason, /dropped 12 events/);
  t.equal(analyseBirth(text, { uid: 0, probePath: PROBE }), null, 'the session is not root\'s after sshd\'s failing setuid(0)');
});

t.test('OpenSSH 10.0 (trixie): sshd-session and sshd-auth do not hide the login', async t => {
  // Recorded on debian-trixie: the listener's child execs sshd-session, whose pre-auth child execs
  // sshd-auth as the sshd user; the login shell comes two levels below.
  const s = story('birth-trixie-background-probe.trace');
  t.equal(s.shell.execs[0]?.filename, '/bin/bash');
  t.match(s.fate, { kind: 'killed', reachedProbe: true, signal: { signal: 'SIGHUP', code: 128, senderComm: 'bash', senderExited: true } });
});

t.test('root: sshd runs the session in the monitor itself, after PAM\'s motd shell', async t => {
  // Recorded as root (uid 0, no uid switch to tell it by): the monitor forks /bin/sh for the motd
  // scripts, then the login shell; the login is the later one.
  const s = story('birth-root-nohup.trace');
  t.equal(s.uid, 0);
  t.equal(s.shell.execs[0]?.filename, '/bin/bash', 'not the motd /bin/sh');
  t.match(s.fate, { kind: 'killed', signal: { signal: 'SIGHUP', code: 128, senderComm: 'bash', senderExited: true } });
});

t.test('a later login of the same user is not the launching one when the caller says when that began', async t => {
  // The launching login (shell pid 220, exec at 1.4 s) forked the probe's nohup, which was killed;
  // a later login (shell pid 320, exec at 5.4 s) ran `id` from its profile (session/later.ts).
  const later = (s: number) => [
    line('sshd', 100, s, 'sched_process_fork: comm=sshd pid=100 child_comm=sshd child_pid=300'),
    line('sshd', 300, s + 0.1, 'sched_process_fork: comm=sshd pid=300 child_comm=sshd child_pid=310'),
    line('sshd', 310, s + 0.2, 'sys_setresuid(ruid: 0x3e8, euid: 0x3e8, suid: 0x3e8)'),
    line('sshd', 310, s + 0.3, 'sched_process_fork: comm=sshd pid=310 child_comm=sshd child_pid=320'),
    line('bash', 320, s + 0.4, 'sched_process_exec: filename=/bin/bash pid=320 old_pid=320'),
    line('bash', 320, s + 0.5, 'sched_process_fork: comm=bash pid=320 child_comm=bash child_pid=330'),
    line('id', 330, s + 0.6, 'sched_process_exec: filename=/usr/bin/id pid=330 old_pid=330'),
    line('id', 330, s + 0.7, 'sched_process_exit: comm=id pid=330 prio=120 group_dead=true'),
  ];
  const text = [
    ...login(1000),
    line('nohup', 230, 1.6, 'sched_process_exec: filename=/usr/bin/nohup pid=230 old_pid=230'),
    line('systemd', 1, 2.0, 'signal_generate: sig=15 errno=0 code=0 comm=nohup pid=230 grp=1 res=0'),
    line('nohup', 230, 2.01, 'sched_process_exit: comm=nohup pid=230 prio=120 group_dead=true'),
    ...later(5),
  ].join('\n');
  t.equal(analyseBirth(text, { uid: 1000, probePath: PROBE })?.shell.pid, 320, 'unbounded: the latest login (a setup retry logs in again)');
  const s = analyseBirth(text, { uid: 1000, probePath: PROBE, loginBeforeMs: 3000 });
  t.equal(s?.shell.pid, 220, 'bounded: the launching one');
  t.equal(s?.launched?.pid, 230, "its launch line's process, not the later login's profile");
});
