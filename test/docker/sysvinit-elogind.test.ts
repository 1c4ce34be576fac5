// Real-container test of a target without systemd (issue 15): bookworm booting sysvinit, its sshd
// started by its init script, elogind as the login manager (pam_elogind). The verdicts are what a
// run observed there. Cells: test/docker/sysvinit-elogind.yaml.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.setTimeout(20 * 60_000);

const TARGET = 'debian-bookworm-sysvinit-elogind';

const out = t.testdir({});
const run = cli(['run', '--scenario', path.join(import.meta.dirname, 'sysvinit-elogind.yaml'), '--out', out], {}, 19 * 60_000);
const result = fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult) : null;

function cell(launch: string, sever: string, o: { kup?: 'yes' | 'no'; linger?: 'on' | 'off' } = {}): CellResult {
  const found = (result?.cells ?? []).filter(
    c => c.target === TARGET && c.launch === launch && c.sever === sever && c.killUserProcesses === (o.kup ?? 'no') && c.linger === (o.linger ?? 'off'),
  );
  if (found.length !== 1) throw new Error(`expected one ${launch}/${sever} ${JSON.stringify(o)} cell, found ${found.length}`);
  return found[0]!;
}

const probeCgroup = (c: CellResult) => c.before.find(p => p.comm === 'probe')?.cgroup ?? '';

t.test('the run ends with every cell judged or not-applicable with why, and leaves nothing behind', async t => {
  t.equal(run.status, 0, lastLine(run.stderr));
  t.ok(result, 'results.json written');
  t.equal(result?.cells.length, 23);
  t.same(result?.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.launch}/${c.sever}: ${c.reason}`), []);
  t.same(leftoversOf(run.pid).containers, []);
});

t.test('the fingerprint says which manager: sysvinit and elogind, KillUserProcesses as elogind holds it, no systemd', async t => {
  const fps = result!.targets.filter(f => f.name === TARGET);
  t.equal(fps.length, 2, 'one container per KillUserProcesses value');
  for (const fp of fps) {
    t.equal(fp.manager, 'elogind');
    t.match(fp.versions.init, /^sysvinit-core 3\./);
    t.match(fp.versions.elogind, /^elogind 246\./);
    t.match(fp.versions['libpam-elogind'], /^246\./);
    t.notOk('systemd' in fp.versions, 'no systemd to ask');
    t.equal(fp.logind.KillUserProcesses, fp.config.killUserProcesses, 'elogind read the drop-in in /etc/elogind/logind.conf.d');
    t.match(fp.sshKillMode, /^pidfile /, "the init script's stop signals only the listener");
  }
});

t.test('logins get an elogind session with a cgroup of its own, named after the session id', async t => {
  for (const launch of ['background', 'nohup', 'setsid', 'tmux']) t.match(probeCgroup(cell(launch, 'logout')), /^\/\d+$/, launch);
});

t.test('KillUserProcesses=no: what leaves the job table or the terminal survives both endings', async t => {
  for (const launch of ['nohup', 'setsid', 'tmux']) {
    for (const sever of ['logout', 'client-kill']) {
      const c = cell(launch, sever);
      t.equal(c.verdict, 'survived', `${launch}/${sever}: ${c.reason}`);
    }
  }
  // A job of the shell: bash resends the terminal's hangup to it, but a clean `exit` sends nothing
  // (no huponexit), as under systemd.
  t.equal(cell('background', 'logout').verdict, 'survived');
  const killed = cell('background', 'client-kill');
  t.equal(killed.verdict, 'killed', `background/client-kill: ${killed.reason}`);
  t.equal(killed.signal, 'SIGHUP');
  t.equal(killed.signalSender?.comm, 'bash', 'resent by bash to its job');
});

t.test('KillUserProcesses=yes: elogind itself kills what is left in the session cgroup, with SIGTERM', async t => {
  // Open finding (stop 25): in 6 of 7 runs of this file on 2026-12-07, one of these cells (a different
  // one each time, also at --concurrency 1) lived on past the whole patient wait, still in its
  // session's cgroup, with no signal logged, while elogind killed the others of the same container
  // 0.01-0.03 s after the session ended. Not yet explained; the cell is reported as it was
  // (survived, and why the watch ended), and this test keeps the rest of the rule: a probe there is
  // killed by elogind, or (tmux) by its pane's hangup when elogind killed the tmux server first,
  // or lived on in the session's cgroup: never killed by anyone else.
  const cells = [
    ...['nohup', 'setsid', 'tmux'].flatMap(launch => ['logout', 'client-kill'].map(sever => cell(launch, sever, { kup: 'yes' }))),
    cell('background', 'logout', { kup: 'yes' }),
  ];
  const missed = cells.filter(c => c.verdict === 'survived');
  if (missed.length) t.comment(`elogind did not kill: ${missed.map(c => `${c.launch}/${c.sever} (${c.reason})`).join('; ')}`);
  t.ok(missed.length <= 1, `at most one cell in a run lived on, as seen so far: ${missed.length}`);
  for (const c of missed) {
    t.match(c.probe.cgroup, /^\/\d+$/, `${c.launch}/${c.sever}: it lived on in its session's cgroup`);
    t.match(c.window?.endedBecause, /lived on \(KillUserProcesses=yes\)/, `${c.launch}/${c.sever}: after the whole wait for the stop`);
  }
  for (const c of cells.filter(c => c.verdict !== 'survived')) {
    const { launch, sever } = c;
    t.equal(c.verdict, 'killed', `${launch}/${sever}: ${c.reason}`);
    // elogind signals the cgroup's processes one by one: when the tmux server's SIGTERM comes
    // first, the pane's terminal is hung up under the probe and the kernel's SIGHUP wins (loaded
    // run L13: tmux/client-kill, 0.02 s after the sever). Either way it is that kill.
    if (launch === 'tmux' && c.signal === 'SIGHUP' && c.signalSender?.code === 128) continue; // SI_KERNEL
    t.equal(c.signal, 'SIGTERM', `${launch}/${sever}`);
    t.equal(c.signalSender?.comm, 'elogind-daemon', `${launch}/${sever}: from elogind, not a service manager`);
    t.match(c.reason, /elogind \(pid \d+\) killing what was left in the session's cgroup \/\d+/);
  }
  // After a killed client bash's SIGHUP comes with the hangup, before the session is closed (seen: SIGHUP from bash).
  const hungUp = cell('background', 'client-kill', { kup: 'yes' });
  t.equal(hungUp.verdict, 'killed', `background/client-kill: ${hungUp.reason}`);
  t.ok(['SIGHUP', 'SIGTERM'].includes(hungUp.signal ?? ''), `background/client-kill: ${hungUp.signal}`);
});

t.test('what needs systemd is not-applicable, and says why', async t => {
  for (const sever of ['logout', 'client-kill']) {
    for (const kup of ['no', 'yes'] as const) {
      const c = cell('systemd-run-user', sever, { kup });
      t.equal(c.verdict, 'not-applicable');
      t.match(c.reason, /runs elogind, which starts no user manager \(systemd --user\), so systemd-run-user has nothing to talk to/);
    }
  }
  const system = cell('systemd-run-system', 'logout');
  t.equal(system.verdict, 'not-applicable');
  t.match(system.reason, /boots sysvinit, not systemd, so systemd-run-system has no service manager to start its unit/);
  const linger = cell('nohup', 'logout', { linger: 'on' });
  t.equal(linger.verdict, 'not-applicable');
  t.match(linger.reason, /no user manager for linger to keep running, so linger on is not a setting there/);
});
