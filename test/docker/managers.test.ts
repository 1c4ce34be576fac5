// Real-container test of what sits around sshd (issue 15): systemd 254 from bookworm-backports,
// bookworm without pam_systemd (logind runs, but no login registers a session), sshd started per
// connection by a socket (Accept=yes) in place of ssh.service, and dtach next to tmux. The
// verdicts are what a run observed there. Cells: test/docker/managers.yaml.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.setTimeout(20 * 60_000);

const NO_PAM = 'debian-bookworm-no-pam-systemd';
const SYSTEMD_254 = 'debian-bookworm-backports-systemd';

const out = t.testdir({});
const run = cli(['run', '--scenario', path.join(import.meta.dirname, 'managers.yaml'), '--out', out], {}, 19 * 60_000);
const result = fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult) : null;

function cell(target: string, launch: string, sever: string, o: { kup?: 'yes' | 'no'; server?: string; workload?: string } = {}): CellResult {
  const found = (result?.cells ?? []).filter(
    c =>
      c.target === target &&
      c.launch === launch &&
      c.sever === sever &&
      c.killUserProcesses === (o.kup ?? 'no') &&
      c.server === (o.server ?? 'openssh') &&
      c.workload === (o.workload ?? 'quiet'),
  );
  if (found.length !== 1) throw new Error(`expected one ${target} ${launch}/${sever} ${JSON.stringify(o)} cell, found ${found.length}`);
  return found[0]!;
}

const probeCgroup = (c: CellResult) => c.before.find(p => p.comm === 'probe')?.cgroup ?? '';

t.test('the run ends with every cell judged or not-applicable with why, and leaves nothing behind', async t => {
  t.equal(run.status, 0, lastLine(run.stderr));
  t.ok(result, 'results.json written');
  t.equal(result?.cells.length, 42);
  t.same(result?.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.target} ${c.launch}/${c.sever}: ${c.reason}`), []);
  t.same(leftoversOf(run.pid).containers, []);
});

t.test('the fingerprints say which manager: systemd 254 from backports, or no libpam-systemd', async t => {
  const fps = result!.targets;
  for (const fp of fps.filter(f => f.name === SYSTEMD_254)) {
    t.match(fp.versions.systemd, /^systemd 254 /);
    t.match(fp.versions['libpam-systemd'], /^254\./);
  }
  for (const fp of fps.filter(f => f.name === NO_PAM)) {
    t.match(fp.versions.systemd, /^systemd 252 /);
    t.equal(fp.versions['libpam-systemd'], 'absent');
  }
  t.same(
    [...new Set(fps.filter(f => f.server === 'openssh-per-connection').map(f => f.sshKillMode))],
    ['control-group'],
    "the per-connection unit has systemd's default KillMode",
  );
  t.match(fps.find(f => f.name === NO_PAM)?.versions.dtach, /^0\.9/);
});

t.test('without pam_systemd: no session scope, so KillUserProcesses=yes has nothing to kill', async t => {
  for (const launch of ['background', 'tmux', 'dtach']) {
    const c = cell(NO_PAM, launch, 'logout', { kup: 'yes' });
    t.equal(c.verdict, 'survived', `${launch}: ${c.reason}`);
    t.equal(probeCgroup(c), '/system.slice/ssh.service', `${launch}: the login stays in ssh.service's cgroup`);
  }
  t.equal(cell(NO_PAM, 'background', 'client-kill', { kup: 'yes' }).signal, 'SIGHUP', "the terminal's hangup still reaches a job of the shell");
});

t.test('without pam_systemd, systemd-run --user is not-applicable, and says why', async t => {
  const c = cell(NO_PAM, 'systemd-run-user', 'logout');
  t.equal(c.verdict, 'not-applicable');
  t.match(c.reason, /no pam_systemd, so its logins get no logind session/);
});

t.test('systemd 254: KillUserProcesses=yes ends what is left in the session scope', async t => {
  // Which signal arrives first races (scenarios/managers.yaml, --repeat 10: tmux 6 SIGTERM / 4
  // SIGHUP): systemd's SIGTERM, the SIGHUP it sends after it (SendSIGHUP=yes for session scopes),
  // or the kernel's hangup when the process holding the terminal died first, or bash's after a
  // killed client. That it dies does not race.
  for (const launch of ['background', 'tmux', 'dtach']) {
    for (const sever of ['logout', 'client-kill']) {
      const c = cell(SYSTEMD_254, launch, sever, { kup: 'yes' });
      t.equal(c.verdict, 'killed', `${launch}/${sever}: ${c.reason}`);
      t.ok(['SIGTERM', 'SIGHUP'].includes(c.signal ?? ''), `${launch}/${sever}: ${c.signal}`);
      if (c.signal === 'SIGTERM') t.equal(c.signalSender?.comm, 'systemd', `${launch}/${sever}: SIGTERM from systemd stopping the scope`);
      t.match(probeCgroup(c), /session-\d+\.scope$/, `${launch}/${sever}: in the session scope`);
    }
  }
  for (const launch of ['tmux', 'dtach']) t.equal(cell(SYSTEMD_254, launch, 'logout').verdict, 'survived', `${launch}, KillUserProcesses=no`);
});

t.test('sshd per connection: the end of the connection kills what pam_systemd did not move out of its unit', async t => {
  for (const launch of ['nohup', 'tmux']) {
    for (const sever of ['logout', 'client-kill']) {
      const bare = cell(NO_PAM, launch, sever, { server: 'openssh-per-connection' });
      t.equal(bare.verdict, 'killed', `no pam_systemd, ${launch}/${sever}: ${bare.reason}`);
      // The unit has systemd's default SendSIGHUP=no (a session scope has yes): SIGTERM alone, from
      // systemd stopping the connection unit. In tmux the same stop may kill the tmux server a
      // moment before it reaches the probe: the pane's terminal is then hung up under it and the
      // kernel's SIGHUP comes first (seen once in 2 runs, 0.04 s after a logout).
      const paneHangup = launch === 'tmux' && bare.signal === 'SIGHUP' && bare.signalSender?.code === 128; // SI_KERNEL
      if (!paneHangup) {
        t.equal(bare.signal, 'SIGTERM', `no pam_systemd, ${launch}/${sever}`);
        t.equal(bare.signalSender?.comm, 'systemd', 'from systemd, stopping the connection unit');
      }
      t.match(probeCgroup(bare), /hangup-lab-sshd@.*\.service$/, "the probe was in the connection's unit");
      const moved = cell(SYSTEMD_254, launch, sever, { server: 'openssh-per-connection' });
      t.equal(moved.verdict, 'survived', `pam_systemd, ${launch}/${sever}: ${moved.reason}`);
      t.match(probeCgroup(moved), /session-\d+\.scope$/, 'pam_systemd moved the login into a session scope');
    }
  }
});

t.test('dtach: a new session reattaches and sees the live output, or the client dtach counts', async t => {
  for (const target of [NO_PAM, SYSTEMD_254]) {
    const chatty = cell(target, 'dtach', 'client-kill', { workload: 'chatty' });
    t.equal(chatty.verdict, 'survived', `${target} chatty`);
    t.same(chatty.checks.map(k => [k.name, k.ok]), [['reattach', true]], `${target} chatty: ${chatty.checks[0]?.detail}`);
    t.match(chatty.checks[0]?.detail, /arrived live/);
    const quiet = cell(target, 'dtach', 'logout');
    t.same(quiet.checks.map(k => [k.name, k.ok]), [['reattach', true]], `${target} quiet: ${quiet.checks[0]?.detail}`);
    t.match(quiet.checks[0]?.detail, /ss -xH state connected/);
  }
});
