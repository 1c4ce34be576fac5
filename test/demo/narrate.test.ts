import t from 'tap';
import { endingLines, introLines, Narration, stamp } from '../../harness/demo/narrate.js';
import { wrap } from '../../harness/core/text.js';
import type { CellResult } from '../../harness/results.js';
import type { NarrationEvent } from '../../harness/run/cell.js';
import { describeSender } from '../../harness/run/verdict.js';
import { cell, target } from './fixtures.js';

/** The events a run of this cell reported, rebuilt from its result in the order they happened. */
function eventsOf(c: CellResult): NarrationEvent[] {
  const timed: [number, NarrationEvent][] = [];
  if (c.sessionEndedMs !== null) timed.push([c.sessionEndedMs, { kind: 'server-noticed', atMs: c.sessionEndedMs, pid: c.sshdSession!.pid }]);
  if (c.clientEnd && c.clientEnd.exitMs !== null) {
    timed.push([c.clientEnd.exitMs, { kind: 'client-exited', atMs: c.clientEnd.exitMs, exitCode: c.clientEnd.exitCode, signal: c.clientEnd.exitSignal, lastLine: c.clientEnd.lastLines.at(-1) ?? null }]);
  }
  for (const s of c.probe.signalsCaught) timed.push([s.atMs, { kind: 'signal-caught', caught: s, sender: describeSender(s, c.probe.pid) }]);
  if (c.deathMs !== null) timed.push([c.deathMs, { kind: 'probe-died', atMs: c.deathMs }]);
  return [
    { kind: 'session-opened', session: c.session, loginUser: c.loginUser, line: 'nohup probe &' },
    { kind: 'probe-started', probePid: c.probe.pid!, before: c.before, sshdSession: c.sshdSession },
    { kind: 'severed', sever: c.sever, summary: 'the local ssh client is SIGKILLed', layer: c.severLayer },
    ...timed.sort((a, b) => a[0] - b[0]).map(([, e]) => e),
    { kind: 'window-closed', watchedMs: c.window.watchedMs, endedBecause: c.window.endedBecause, after: c.after },
  ];
}

function narrate(c: CellResult): string {
  const n = new Narration();
  return [...eventsOf(c).flatMap(e => n.lines(e)), ...endingLines(c, target)].join('\n');
}

t.test('a survivor: tree before, the sever, who noticed, the tree after, verdict, why', async t => {
  const text = narrate(cell('pty_nohup_client_kill'));
  t.match(text, /before   the user's processes \(tree by parent pid\):\n.*sshd: hl\w+ \[priv\]/);
  t.match(text, /\[ \+0\.000 s\] SEVER    client-kill \(process layer\): the local ssh client is SIGKILLed/);
  t.match(text, /\[ \+0\.003 s\] client   the local ssh client exited \(killed by SIGKILL\); its last line: "nohup: ignoring input/);
  t.match(text, /\[ \+0\.054 s\] server   sshd's session process \d+ is gone/);
  t.match(text, /window   closed: 3000 ms passed after the session ended/);
  t.match(text, /after    the user's processes when the window closed:[^]*probe .*no tty.*◀ the probe \(ignores SIGHUP\)/, 'the survivor lost its terminal');
  t.match(text, /Verdict: SURVIVED: alive 3\.00 s after sshd ended the session\n\nWhy \(nohup ignoring SIGHUP\):\n  nohup sets SIGHUP/);
  t.notMatch(text, /DIED/);
});

t.test('a death: the signal with its sender in words, then the death', async t => {
  const text = narrate(cell('pty_foreground_client_kill'));
  t.match(text, /\[ \+0\.017 s\] probe    caught SIGHUP from bash \(pid 624\) resending SIGHUP to its jobs \(si_code 0\), while in \/user\.slice\/.*session-\d+\.scope/);
  t.match(text, /probe    DIED \(pid \d+ is gone\)/);
  t.match(text, /Verdict: KILLED by SIGHUP: SIGHUP from bash \(pid 624\) resending SIGHUP to its jobs, dead 0\.04 s after the sever/);
  t.match(text, /Why \(bash resending SIGHUP to its jobs\):/);
});

t.test('the user manager stopping and failed writes are told when they happen', async t => {
  const n = new Narration();
  t.same(n.lines({ kind: 'user-manager-stopped', atMs: 10_089, pid: 543 }), ['[+10.089 s] systemd  the user manager (systemd --user, pid 543) exited']);
  t.match(n.lines({ kind: 'write-failed', atMs: 105, error: 'EIO' })[0], /a write to its stdout failed: EIO \(the terminal was hung up\)/);
  const cont = { signal: 'SIGCONT', atMs: 7, code: null, senderPid: null, senderComm: null, cgroup: null };
  t.same(n.lines({ kind: 'signal-caught', caught: cont, sender: 'si_code ?' }), ['[ +0.007 s] probe    caught SIGCONT (never fatal: it only resumes a stopped process)']);
});

t.test('a not-applicable or inconclusive cell ends with its reason', async t => {
  t.match(endingLines(cell('exec_tmux_client_kill'), target).join('\n'), /Verdict: NOT-APPLICABLE: the command returned[^]*Why \(a sever that does not apply\)/);
  t.match(endingLines(cell('exec_tty_background_client_kill'), null).join('\n'), /Verdict: INCONCLUSIVE: the probe never logged its start[^]*Why \(inconclusive\)/);
});

t.test('the intro names every axis value', async t => {
  const text = introLines(cell('pty_tmux_drop'), { session: 'ssh -tt', launch: "'tmux new -d'", workload: 'never touches its stdout or stderr' }).join('\n');
  for (const v of ['debian-bookworm', 'tmux', 'drop', 'ClientAlive 1/2', 'ServerAlive off', 'KillUserProcesses no', 'linger off', 'huponexit off']) t.match(text, v);
  t.match(text, /quiet: never touches its stdout/);
});

t.test('stamp and wrap', async t => {
  t.equal(stamp(54), '[ +0.054 s]');
  t.equal(stamp(-664), '[ -0.664 s]');
  t.equal(stamp(10_089), '[+10.089 s]');
  t.same(wrap('aa bb cc', 5), ['aa bb', 'cc']);
  t.same(wrap('averyveryverylongword x', 5), ['averyveryverylongword', 'x']);
});
