// Real-container tests of the fault model: every new sever, launch mode, session type and axis has
// at least one cell here, and each assertion is about what was observed in this run (signals,
// senders, cgroups, checks, which side noticed), never a timing threshold. Cells are listed in
// test/docker/faults.yaml.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import type { Cell, CellResult } from '../../harness/results.js';
import { runMatrix, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const scenario = loadScenario(path.join(import.meta.dirname, 'faults.yaml'));
const result = await runMatrix(scenario, { say: () => {}, version: 'test' });

/** The one cell with these axis values (the rest at the scenario's defaults). */
function cell(want: Partial<Cell>): CellResult {
  const defaults: Partial<Cell> = {
    session: 'pty',
    workload: 'quiet',
    user: 'lab',
    clientAlive: '1/2',
    serverAlive: 'off',
    kernel: 'default',
    killUserProcesses: 'no',
    linger: 'off',
    huponexit: 'off',
    rep: 1,
  };
  const w = { ...defaults, ...want };
  const found = result.cells.filter(c => Object.entries(w).every(([k, v]) => c[k as keyof Cell] === v));
  if (found.length !== 1) throw new Error(`expected one cell for ${JSON.stringify(want)}, found ${found.length}`);
  return found[0]!;
}

const check = (c: CellResult, name: string) => c.checks.find(k => k.name === name);

t.test('every cell ran once and could be judged', async t => {
  t.equal(result.cells.length, scenarioCells(scenario).length);
  const inconclusive = result.cells.filter(c => c.verdict === 'inconclusive');
  t.same(inconclusive.map(c => `${c.session}/${c.launch}/${c.sever}: ${c.reason}`), []);
});

t.test('hangup: kill -HUP from another session; nohup ignores it, setsid does not', async t => {
  t.equal(cell({ launch: 'nohup', sever: 'hangup' }).verdict, 'survived');
  const c = cell({ launch: 'setsid', sever: 'hangup' });
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGHUP');
  t.equal(c.signalSender?.comm, 'kill');
  t.equal(c.signalSender?.code, 0, 'SI_USER: sent with kill(2)');
});

t.test('group-kill: SIGTERM to the process group kills even nohup', async t => {
  const c = cell({ launch: 'nohup', sever: 'group-kill' });
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGTERM');
});

t.test('systemd-run-system and systemd-unit run outside the session, and the unit restarts', async t => {
  const system = cell({ launch: 'systemd-run-system', sever: 'client-kill' });
  t.equal(system.verdict, 'survived');
  t.match(system.probe.cgroup ?? '', /^\/system\.slice\/hl-probe-.*\.service$/);
  const unit = cell({ launch: 'systemd-unit', sever: 'client-kill' });
  t.equal(unit.verdict, 'survived');
  t.equal(check(unit, 'restart')?.ok, true, check(unit, 'restart')?.detail ?? 'no such check');
});

t.test('systemd-run-scope moves the cgroup but stays a bash job: SIGHUP from bash', async t => {
  const c = cell({ launch: 'systemd-run-scope', sever: 'client-kill' });
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGHUP');
  t.equal(c.signalSender?.comm, 'bash');
  t.match(c.probe.signalsCaught[0]?.cgroup ?? '', /user@\d+\.service\/app\.slice\/hl-probe-.*\.scope$/, 'the signal reached it in its own scope');
});

t.test('tmux: a new session reattaches after the client was killed', async t => {
  const c = cell({ launch: 'tmux', sever: 'client-kill' });
  t.equal(c.verdict, 'survived');
  t.equal(check(c, 'reattach')?.ok, true, check(c, 'reattach')?.detail ?? 'no such check');
});

t.test('reject: sshd hears a reset at its next ClientAlive probe and ends the session', async t => {
  const c = cell({ launch: 'nohup', sever: 'reject' });
  t.equal(c.verdict, 'survived');
  t.not(c.pathBrokeMs, null);
  t.not(c.sessionEndedMs, null);
});

t.test('sleep: a short nap leaves the session usable, a long one lets sshd end it meanwhile', async t => {
  const short = cell({ launch: 'nohup', sever: 'sleep:2' });
  t.equal(check(short, 'nap')?.ok, true, check(short, 'nap')?.detail ?? 'no such check');
  t.equal(short.sessionEndedMs, null);
  const long = cell({ launch: 'nohup', sever: 'sleep:9' });
  t.equal(check(long, 'nap')?.ok, false, check(long, 'nap')?.detail ?? 'no such check');
  const resumed = long.timeline.find(e => e.event === 'client resumed')?.atMs;
  t.ok(long.sessionEndedMs !== null && resumed !== undefined && long.sessionEndedMs < resumed, 'sshd ended the session while the client slept');
  t.not(long.clientEnd?.exitMs, null, 'the client found out after resuming');
});

t.test('sshd-restart: Debian restarts only the listener (KillMode=process), the session lives on', async t => {
  const c = cell({ launch: 'nohup', sever: 'sshd-restart' });
  t.equal(c.verdict, 'survived');
  t.equal(c.sessionEndedMs, null);
  t.equal(check(c, 'session-after-restart')?.ok, true, check(c, 'session-after-restart')?.detail ?? 'no such check');
});

t.test('exec-tty: the command holds a pty; the kernel hangs it up when the client dies', async t => {
  const c = cell({ session: 'exec-tty', launch: 'foreground', sever: 'client-kill' });
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGHUP');
  t.equal(c.signalSender?.code, 128, 'SI_KERNEL: the terminal hangup, nobody called kill');
});

t.test('logind KillUserProcesses=yes kills a tmux left in the session; a scope with linger escapes', async t => {
  const tmux = cell({ launch: 'tmux', sever: 'logout', killUserProcesses: 'yes' });
  t.equal(tmux.verdict, 'killed');
  // A race of the system under test, all three seen on this machine: systemd stops the session
  // scope with SIGTERM and, as logind's scopes ask (SendSIGHUP=yes), SIGHUP to every process in
  // it; and the tmux server, dying, closes the probe's terminal, which hangs it up (SIGHUP from
  // the kernel, si_code 128). Whichever lands first kills it; all come from stopping the scope.
  t.ok(['SIGTERM', 'SIGHUP'].includes(tmux.signal ?? ''), `TERM or HUP (${tmux.signal})`);
  const fromSystemd = tmux.signalSender?.comm === 'systemd';
  const hangup = tmux.signal === 'SIGHUP' && tmux.signalSender?.code === 128;
  t.ok(fromSystemd || hangup, `sent by systemd, or the kernel's hangup (${JSON.stringify(tmux.signalSender)})`);
  t.match(tmux.probe.signalsCaught.at(-1)?.cgroup ?? '', /session-\d+\.scope$/);
  t.equal(cell({ launch: 'systemd-run-scope', sever: 'logout', killUserProcesses: 'yes', linger: 'on' }).verdict, 'survived');
});

t.test('root is excluded from KillUserProcesses by default', async t => {
  const c = cell({ launch: 'tmux', sever: 'logout', killUserProcesses: 'yes', user: 'root' });
  t.equal(c.verdict, 'survived');
  t.equal(c.loginUser, 'root');
});

t.test('linger keeps the user manager, and systemd-run --user units with it', async t => {
  t.equal(cell({ launch: 'systemd-run-user', sever: 'logout', linger: 'on' }).verdict, 'survived');
  const off = cell({ launch: 'systemd-run-user', sever: 'logout', linger: 'off' });
  t.equal(off.verdict, 'killed');
  t.equal(off.signal, 'SIGTERM');
});

t.test('huponexit: a normal exit then SIGHUPs the jobs too', async t => {
  const on = cell({ launch: 'background', sever: 'logout', huponexit: 'on' });
  t.equal(on.verdict, 'killed');
  t.equal(on.signal, 'SIGHUP');
  t.equal(on.signalSender?.comm, 'bash');
  t.equal(cell({ launch: 'background', sever: 'logout', huponexit: 'off' }).verdict, 'survived');
});

t.test('without ClientAlive: the client ServerAlive notices a drop, sshd never does', async t => {
  const c = cell({ launch: 'nohup', sever: 'drop', clientAlive: 'off', serverAlive: '1/2' });
  t.equal(c.verdict, 'session-open');
  t.equal(c.clientEnd?.exitCode, 255);
  t.match(c.clientEnd?.lastLines.join(' ') ?? '', /Timeout, server .* not responding/);
});

t.test('kernel TCP keepalive (sshd TCPKeepAlive + short timers) ends a dropped idle session', async t => {
  const c = cell({ launch: 'nohup', sever: 'drop', clientAlive: 'off', kernel: 'tcp_keepalive_time=2,tcp_keepalive_intvl=1,tcp_keepalive_probes=2' });
  t.equal(c.verdict, 'survived');
  t.not(c.sessionEndedMs, null);
});

t.test('a low tcp_retries2 ends a dropped chatty session that ClientAlive cannot', async t => {
  const c = cell({ launch: 'setsid', workload: 'chatty', sever: 'drop', kernel: 'tcp_retries2=3' });
  t.not(c.sessionEndedMs, null);
});

t.test('nat-expiry: ServerAlive shorter than the NAT timeout keeps the flow, longer does not', async t => {
  const kept = cell({ launch: 'nohup', sever: 'nat-expiry:3', clientAlive: 'off', serverAlive: '1/2' });
  t.equal(kept.pathBrokeMs, null, 'the router never forgot the flow');
  t.equal(kept.clientEnd?.exitMs, null);
  const lost = cell({ launch: 'nohup', sever: 'nat-expiry:3', clientAlive: 'off', serverAlive: '5/1' });
  t.not(lost.pathBrokeMs, null, 'the router forgot the idle flow');
  t.equal(lost.clientEnd?.exitCode, 255);
  t.match(lost.networkPath, /^NAT: .*no userland proxy/);
});

t.test('one fingerprint per server configuration, with the settings it was asked for', async t => {
  const kup = result.targets.find(f => f.config.killUserProcesses === 'yes');
  t.equal(kup?.logind.KillUserProcesses, 'yes');
  const off = result.targets.find(f => f.config.clientAlive === 'off');
  t.equal(off?.sshdEffective.clientaliveinterval, '0');
  t.ok(result.cells.every(c => result.targets.some(f => f.key === c.serverKey)), 'every cell names its server');
});

t.test('nothing is left behind: no container of this process remains', async t => {
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).trim();
  t.equal(left, '', 'no labelled container (targets, routers) left');
});
