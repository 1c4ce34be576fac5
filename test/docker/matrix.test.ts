// Real-container tests: a real sshd under systemd + logind, the real OpenSSH client, real
// signals. Each assertion is about what was observed in this run, and each cell is chosen because
// it shows one mechanism (see FINDINGS.md, "The default matrix").
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import type { CellResult } from '../../harness/results.js';
import { runMatrix, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const cells: Record<string, [session: string, launch: string, workload: 'chatty' | 'quiet', sever: string]> = {
  bashResendsHup: ['pty', 'background', 'quiet', 'client-kill'],
  nohupIgnoresHup: ['pty', 'nohup', 'quiet', 'client-kill'],
  foregroundLogout: ['pty', 'foreground', 'quiet', 'logout'],
  execSigpipe: ['exec', 'foreground', 'chatty', 'client-kill'],
  clientAliveEndsDroppedIdle: ['pty', 'disown', 'quiet', 'drop'],
  execAlreadyOver: ['exec', 'tmux', 'quiet', 'drop'],
  userManagerStops: ['pty', 'systemd-run-user', 'quiet', 'client-kill'],
  sshdKillHangsUpTty: ['pty', 'foreground', 'quiet', 'sshd-kill'],
};

// The foundation asks for a logout of a foreground job on purpose: it shows the not-applicable verdict.
const scenario = loadScenario(path.join(import.meta.dirname, 'foundation.yaml'), { allowNotApplicable: true });

const result = await runMatrix(scenario, { say: () => {}, version: 'test' });
const get = (name: keyof typeof cells): CellResult => {
  const [session, launch, workload, sever] = cells[name]!;
  const c = result.cells.find(c => c.session === session && c.launch === launch && c.workload === workload && c.sever === sever);
  if (!c) throw new Error(`cell ${name} missing`);
  return c;
};

t.test('every requested cell ran once', async t => {
  t.equal(result.cells.length, scenarioCells(scenario).length);
  t.equal(result.cells.length, Object.keys(cells).length);
  t.notOk(result.cells.some(c => c.verdict === 'inconclusive'), 'no cell was inconclusive');
});

t.test('a background job dies of SIGHUP resent by bash when the client is killed', async t => {
  const c = get('bashResendsHup');
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGHUP');
  t.equal(c.signalSender?.comm, 'bash');
  t.equal(c.signalSender?.code, 0, 'si_code SI_USER: sent with kill(2), not by the tty layer');
  t.ok(c.deathMs !== null && c.deathMs < 2000, `died promptly (${c.deathMs} ms)`);
});

t.test('nohup: SIGHUP stays ignored and the probe survives the end of the session', async t => {
  const c = get('nohupIgnoresHup');
  t.equal(c.verdict, 'survived');
  t.ok(c.sessionEndedMs !== null, 'sshd ended the session');
  t.ok(c.after.some(p => p.pid === c.probe.pid), 'the probe is in the after-snapshot');
});

t.test('logout with a foreground job is not applicable, with the reason', async t => {
  const c = get('foregroundLogout');
  t.equal(c.verdict, 'not-applicable');
  t.match(c.reason, /foreground job holds the terminal/);
});

t.test('without a pty a chatty process dies of SIGPIPE at its next write, never SIGHUP', async t => {
  const c = get('execSigpipe');
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGPIPE');
  t.equal(c.signalSender?.pid, c.probe.pid, 'raised by its own failed write');
});

t.test('a dropped idle session is ended by sshd ClientAlive, the disowned probe survives', async t => {
  const c = get('clientAliveEndsDroppedIdle');
  t.equal(c.verdict, 'survived');
  t.ok(c.sessionEndedMs !== null && c.sessionEndedMs > 1000 && c.sessionEndedMs < 11_000, `sshd noticed after ${c.sessionEndedMs} ms`);
});

t.test('an exec session that already ended has nothing to drop', async t => {
  const c = get('execAlreadyOver');
  t.equal(c.verdict, 'not-applicable');
  t.match(c.reason, /ended the session before the sever/);
});

t.test('systemd-run --user: the user manager stops after the last session and SIGTERMs the unit', async t => {
  const c = get('userManagerStops');
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGTERM');
  t.equal(c.signalSender?.comm, 'systemd');
  t.ok(c.deathMs !== null && c.sessionEndedMs !== null && c.deathMs - c.sessionEndedMs >= 9000, `SIGTERM ${c.deathMs} ms after the sever, ~UserStopDelaySec after the session`);
});

t.test('killing the per-session sshd hangs up the terminal: the foreground job gets SIGHUP', async t => {
  const c = get('sshdKillHangsUpTty');
  t.equal(c.verdict, 'killed');
  t.equal(c.signal, 'SIGHUP');
  t.match(c.sshdSession?.name ?? '', /@pts\//, 'the killed process was the per-session sshd');
});

t.test('fingerprint names the server and its settings', async t => {
  const fp = result.targets[0]!;
  t.match(fp.serverVersion, /OpenSSH_9\.2/);
  t.equal(fp.sshdEffective.clientaliveinterval, '1');
  t.equal(fp.sshdEffective.clientalivecountmax, '2');
  t.equal(fp.sshKillMode, 'process');
});

t.test('nothing is left behind: no container of this process remains', async t => {
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).trim();
  t.equal(left, '', 'no labelled container left');
});
