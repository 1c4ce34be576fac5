import t from 'tap';
import { explain, keepaliveText, MECHANISMS, opensshVersion } from '../../harness/demo/why.js';
import { cell, target } from './fixtures.js';

t.test('the mechanism is chosen from what was observed', async t => {
  const cases: [string, string[]][] = [
    ['pty_nohup_client_kill', [MECHANISMS.nohup]],
    ['pty_nohup_hangup', [MECHANISMS.nohup]],
    ['pty_foreground_client_kill', [MECHANISMS.bashResend]],
    ['pty_background_logout_huponexit', [MECHANISMS.bashResend]],
    ['pty_background_drop', [MECHANISMS.bashResend, MECHANISMS.keepalive]],
    ['pty_tmux_drop', [MECHANISMS.multiplexer, MECHANISMS.keepalive]],
    ['pty_systemd_run_user_logout', [MECHANISMS.userManager]],
    ['pty_nohup_logout_kup', [MECHANISMS.logind]],
    ['exec_tty_foreground_client_kill', [MECHANISMS.ttyHangup]],
    ['exec_background_chatty_client_kill', [MECHANISMS.writeError]],
    ['exec_background_sshd_kill', [MECHANISMS.noTerminal]],
    ['pty_disown_chatty_client_kill', [MECHANISMS.detached]],
    ['pty_setsid_hangup', [MECHANISMS.otherSession]],
    ['pty_nohup_group_kill', [MECHANISMS.otherSession]],
    ['pty_systemd_run_system_client_kill', [MECHANISMS.systemService]],
    ['pty_disown_chatty_drop', [MECHANISMS.keepalive]],
    ['exec_tmux_client_kill', [MECHANISMS.notApplicable]],
    ['exec_tty_background_client_kill', [MECHANISMS.inconclusive]],
  ];
  for (const [name, want] of cases) t.same(explain(cell(name), target.serverVersion).mechanisms, want, name);
});

t.test('the paragraph carries the evidence', async t => {
  t.match(explain(cell('pty_foreground_client_kill')).text, /bash \(pid 624, si_code SI_USER/);
  t.match(explain(cell('exec_tty_foreground_client_kill')).text, /SI_KERNEL/);
  t.match(explain(cell('pty_disown_chatty_client_kill')).text, /EIO/, 'a survivor whose writes failed says so');
  t.match(explain(cell('pty_systemd_run_user_logout')).text, /user@1020\.service\/app\.slice\/hl-probe-3ecc608a04\.service/, 'names the unit the manager stopped');
  t.match(explain(cell('exec_tmux_client_kill')).text, /there was no connection left to sever/, 'a not-applicable cell gives its reason');
  t.match(explain(cell('exec_tty_background_client_kill')).text, /never logged its start[\s\S]*not retried until it passes/, 'an inconclusive cell says why, and that it is not retried');
  t.match(explain(cell('pty_nohup_group_kill')).text, /nohup ignores only SIGHUP/);
});

t.test('without systemd: elogind itself killed what was left in the session cgroup', async t => {
  const c = cell('pty_nohup_logout_kup');
  for (const s of c.probe.signalsCaught) Object.assign(s, { senderComm: 'elogind-daemon', senderPid: 617, cgroup: '/788' });
  const why = explain(c);
  t.same(why.mechanisms, [MECHANISMS.logind]);
  t.match(why.text, /elogind itself sent SIGTERM to everything still in the session's cgroup \(\/788\)/);
});

t.test('keepalive arithmetic: (CountMax+1)×Interval, about twice that on 9.2, ServerAlive Interval×CountMax', async t => {
  const drop = cell('pty_tmux_drop');
  t.match(keepaliveText(drop, target.serverVersion), /\(CountMax\+1\)×Interval = 3 s; this server runs OpenSSH 9\.2, which takes about twice that \(≈6 s\)/);
  t.match(keepaliveText(drop, 'OpenSSH_10.0p2'), /OpenSSH 9\.2 takes about twice that/, 'another version only gets the note');
  t.match(keepaliveText({ ...drop, serverAlive: '2/2', clientEnd: { exitMs: 4600, exitCode: 255, exitSignal: null, lastLines: ['Timeout, server not responding.'] } }, null), /ServerAlive \(Interval 2 s × CountMax 2 = 4 s\) ended it 4\.46 s after the break/, 'client exit 4600 ms − path broke 144 ms');
  t.match(keepaliveText({ ...drop, clientAlive: 'off', sessionEndedMs: null }, null), /ClientAlive is off: sshd never asks a silent client, so a dead idle connection stays a ghost session/);
  t.match(keepaliveText(cell('pty_disown_chatty_drop'), target.serverVersion), /A chatty session defeats ClientAlive/);
  t.equal(keepaliveText(cell('pty_nohup_client_kill'), null), null, 'a process-level sever has no keepalive story');
  t.match(keepaliveText({ ...drop, sever: 'nat-expiry:4', pathBrokeMs: null, sessionEndedMs: null }, null), /The NAT never forgot the flow: the keepalive probes themselves \(every 1 s\)/);
  t.match(keepaliveText({ ...drop, sever: 'sleep:12', clientEnd: { exitMs: 15_030, exitCode: 255, exitSignal: null, lastLines: ['Connection closed.'] } }, null), /it was asleep, and learned it only on resume/);
});

t.test('opensshVersion', async t => {
  t.equal(opensshVersion('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.17'), '9.2');
  t.equal(opensshVersion(null), null);
});

t.test('a survivor the launch mode does not explain falls back to the reason, never a guess', async t => {
  const c = { ...cell('exec_background_sshd_kill'), session: 'pty', launch: 'background', sever: 'sshd-kill' };
  const why = explain(c);
  t.same(why.mechanisms, [MECHANISMS.other]);
  t.match(why.text, c.reason);
});

t.test('the workload is asked for its traits: only a probe writing to the session defeats ClientAlive', async t => {
  const drop = cell('pty_disown_chatty_drop');
  for (const workload of ['quiet', 'redirected', 'reads-stdin']) {
    t.notMatch(keepaliveText({ ...drop, workload }, target.serverVersion), /defeats ClientAlive/, workload);
  }
  const exec = cell('exec_background_sshd_kill');
  t.match(explain({ ...exec, workload: 'redirected' }).text, /this probe never writes to the session, so it lived on/);
  t.match(explain({ ...exec, workload: 'chatty' }).text, /this probe writes, but the write did not fail/);
});

t.test('a survivor stopped when the window closed says it did no work', async t => {
  const c = cell('pty_nohup_client_kill');
  c.probe.stateAtEnd = 'T';
  c.probe.stops = [{ signal: 'SIGTTIN', atMs: -600, code: 128, senderPid: null, senderComm: null, resumedMs: null }];
  t.match(explain(c).text, /It was alive, but stopped \(state T, by SIGTTIN\) when the window closed: it did no work\.$/);
});
