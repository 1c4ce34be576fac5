// Real-container tests of the two newest targets: debian-bookworm-backports (OpenSSH 10.0p2 from
// bookworm-backports on bookworm's systemd 252) and debian-sid (OpenSSH 10.6p1, systemd 262, as
// Debian's archive served sid on 2026-10-30). Cells: test/docker/distros-recent.yaml.
//
// Opt-in (HANGUP_LAB_RECENT_TARGETS=1): on a fresh machine it seeds debian:sid (debootstrap,
// 1.3–3 min here) and builds two images (2–3 min each on 2 cores) before its ≈1 min of cells, too
// much to add to every CI run for two targets the default suite does not use.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Cell, CellResult, RunResult } from '../../harness/results.js';
import openssh from '../../harness/server/openssh.js';
import { hostCgroups } from '../../harness/target/cgroup.js';
import { runMatrix, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const TARGETS = ['debian-bookworm-backports', 'debian-sid'] as const;
type Target = (typeof TARGETS)[number];

const optIn = process.env.HANGUP_LAB_RECENT_TARGETS === '1';
if (!optIn) {
  t.pass('opt-in: set HANGUP_LAB_RECENT_TARGETS=1 to run debian-bookworm-backports and debian-sid');
} else {
  t.setTimeout(40 * 60_000);
  const scenario = loadScenario(path.join(import.meta.dirname, 'distros-recent.yaml'));
  const result = await runMatrix(scenario, { say: () => {}, version: 'test' });
  checks(result, scenarioCells(scenario).length);
}

// Long because it is the whole test file's list of subtests over one run.
function checks(result: RunResult, planned: number): void {
  const cell = (target: Target, launch: Cell['launch'], sever: string, workload: Cell['workload'] = 'quiet'): CellResult => {
    const found = result.cells.filter(c => c.target === target && c.launch === launch && c.sever === sever && c.workload === workload);
    if (found.length !== 1) throw new Error(`expected one ${target} ${launch}/${sever} cell, found ${found.length}`);
    return found[0]!;
  };
  const fingerprint = (target: Target) => {
    const fp = result.targets.find(f => f.name === target);
    if (!fp) throw new Error(`no fingerprint of ${target}`);
    return fp;
  };

  t.test('every requested cell ran once and could be judged', async t => {
    t.equal(result.cells.length, planned);
    t.same(result.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.target} ${c.launch}/${c.sever}: ${c.reason}`), []);
  });

  t.test('the fingerprints: OpenSSH 10.0 on systemd 252 from backports, 10.6 on systemd 262 in sid', async t => {
    t.match(fingerprint('debian-bookworm-backports').serverVersion, /^OpenSSH_10\.0p\d Debian-\S*~bpo12\+\d/);
    t.match(fingerprint('debian-bookworm-backports').versions.systemd, /^systemd 252 /, "bookworm's own systemd, not a backport");
    t.match(fingerprint('debian-sid').serverVersion, /^OpenSSH_10\.6p\d Debian/);
    t.match(fingerprint('debian-sid').versions.systemd, /^systemd 262 /);
    for (const target of TARGETS) {
      t.equal(fingerprint(target).sshKillMode, 'process', `${target}: Debian's ssh.service has KillMode=process`);
      t.match(fingerprint(target).sshdEffective.persourcepenaltyexemptlist ?? '', /^\d+\.\d+\.\d+\.\d+\/\d+/, `${target}: the harness's subnet is exempt from PerSourcePenalties`);
    }
  });

  t.test('the per-session process is sshd-session on both, and the monitor was found', async t => {
    for (const c of result.cells) t.match(c.sshdSession?.name ?? '', /^sshd-session: hl[0-9a-f]+@pts\/\d+/, `${c.target} ${c.launch}/${c.sever}`);
    // 10.6 titles the monitor "[postauth]" after login, 10.0 "[priv]": both are the root monitor.
    const monitors = (target: Target) => result.cells.filter(c => c.target === target).map(c => openssh.monitorProcess(c.before, c.loginUser)?.args);
    t.match(monitors('debian-sid'), Array(monitors('debian-sid').length).fill(/^sshd-session: hl[0-9a-f]+ \[postauth\]$/), 'sid');
    t.match(monitors('debian-bookworm-backports'), Array(monitors('debian-bookworm-backports').length).fill(/^sshd-session: hl[0-9a-f]+ \[priv\]$/), 'bookworm-backports');
  });

  for (const target of TARGETS) {
    t.test(`${target}: a killed client or sshd-session hangs up the terminal; bash resends SIGHUP to its job`, async t => {
      for (const sever of ['client-kill', 'sshd-kill']) {
        const fg = cell(target, 'foreground', sever);
        t.equal(fg.verdict, 'killed', `foreground/${sever}`);
        t.equal(fg.signal, 'SIGHUP', `foreground/${sever}`);
        const bg = cell(target, 'background', sever);
        t.equal(bg.verdict, 'killed', `background/${sever}`);
        t.equal(bg.signal, 'SIGHUP', `background/${sever}`);
        t.equal(bg.signalSender?.comm, 'bash', `background/${sever}`);
      }
    });

    t.test(`${target}: nohup survives a killed client, a killed sshd-session and a restart of ssh`, async t => {
      for (const sever of ['client-kill', 'sshd-kill', 'sshd-restart']) t.equal(cell(target, 'nohup', sever).verdict, 'survived', sever);
      t.equal(cell(target, 'nohup', 'sshd-restart').checks.find(k => k.name === 'session-after-restart')?.ok, true, 'the session still answered after the restart');
    });

    // On sid the user manager's cgroup is in the unified hierarchy: the harness must still see it.
    t.test(`${target}: without linger the user manager stops the unit after logout (SIGTERM from systemd)`, async t => {
      const c = cell(target, 'systemd-run-user', 'logout');
      t.equal(c.verdict, 'killed');
      t.equal(c.signal, 'SIGTERM');
      t.equal(c.signalSender?.comm, 'systemd');
      t.match(c.reason ?? '', /user manager user@\d+/);
    });

    // As on trixie (10.0): probes only when ppoll timed out, so a busy dropped session stays open.
    t.test(`${target}: a dropped busy session is never probed by ClientAlive`, async t => {
      const c = cell(target, 'disown', 'drop', 'chatty');
      t.equal(c.sessionEndedMs, null);
      t.equal(c.verdict, 'session-open');
    });
  }

  t.test('nothing is left behind: no container of this process, no cgroup of a removed container', async t => {
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).trim();
    t.equal(left, '', 'no labelled container left');
    // sid's systemd wrote below /docker/<id> of the host's unified hierarchy; the engine removes it with the container.
    if (hostCgroups() === 'hybrid') {
      const known = new Set(execFileSync('docker', ['ps', '-aq', '--no-trunc'], { encoding: 'utf8' }).split('\n').filter(Boolean));
      const dirs = fs.existsSync('/sys/fs/cgroup/unified/docker') ? fs.readdirSync('/sys/fs/cgroup/unified/docker').filter(d => /^[0-9a-f]{64}$/.test(d)) : [];
      t.same(dirs.filter(d => !known.has(d)), [], 'no cgroup of a container that no longer exists');
    }
  });
}
