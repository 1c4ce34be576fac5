// Real-container tests of the targets other than bookworm: debian-bullseye (OpenSSH 8.4, systemd
// 247) and debian-trixie (OpenSSH 10.0, systemd 257). A few cells each, chosen for what differs
// between the versions: the per-session process is `sshd` on 8.4 and `sshd-session` on 10.0, only
// 10.0 has PerSourcePenalties (the harness exempts its own subnet), only 8.4 sends ClientAlive
// probes on a busy session, and the hangup, nohup and KillMode=process behaviour is the same on
// all three. Cells: test/docker/distros.yaml. debian-bookworm-backports and debian-sid have their
// own opt-in test (distros-recent.test.ts): seeding sid and building both images would add 5–8 min.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import type { Cell, CellResult } from '../../harness/results.js';
import { runMatrix, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

const scenario = loadScenario(path.join(import.meta.dirname, 'distros.yaml'));
const result = await runMatrix(scenario, { say: () => {}, version: 'test' });

const TARGETS = ['debian-bullseye', 'debian-trixie'] as const;
type Target = (typeof TARGETS)[number];

function cell(target: Target, launch: Cell['launch'], sever: string, workload: Cell['workload'] = 'quiet'): CellResult {
  const found = result.cells.filter(c => c.target === target && c.launch === launch && c.sever === sever && c.workload === workload);
  if (found.length !== 1) throw new Error(`expected one ${target} ${launch}/${sever} cell, found ${found.length}`);
  return found[0]!;
}

function fingerprint(target: Target) {
  const fp = result.targets.find(f => f.name === target);
  if (!fp) throw new Error(`no fingerprint of ${target}`);
  return fp;
}

t.test('every requested cell ran once and could be judged', async t => {
  t.equal(result.cells.length, scenarioCells(scenario).length);
  const inconclusive = result.cells.filter(c => c.verdict === 'inconclusive');
  t.same(inconclusive.map(c => `${c.target} ${c.launch}/${c.sever}: ${c.reason}`), []);
});

t.test('the fingerprints name the OpenSSH and systemd the images were built with', async t => {
  t.match(fingerprint('debian-bullseye').serverVersion, /^OpenSSH_8\.4p1 Debian/);
  t.match(fingerprint('debian-bullseye').versions.systemd, /^systemd 247 /);
  t.match(fingerprint('debian-trixie').serverVersion, /^OpenSSH_10\.0p\d Debian/);
  t.match(fingerprint('debian-trixie').versions.systemd, /^systemd 257 /);
  for (const target of TARGETS) t.equal(fingerprint(target).sshKillMode, 'process', `${target}: Debian's ssh.service has KillMode=process`);
});

t.test('PerSourcePenalties: exempted for the harness on 10.0, absent on 8.4, and recorded', async t => {
  const trixie = fingerprint('debian-trixie').sshdEffective;
  t.match(trixie.persourcepenalties ?? '', /noauth:/, 'on by default in 10.0');
  t.match(trixie.persourcepenaltyexemptlist ?? '', /^\d+\.\d+\.\d+\.\d+\/\d+/, 'the bridge subnet is exempt');
  const bullseye = fingerprint('debian-bullseye').sshdEffective;
  t.equal(bullseye.persourcepenalties, undefined);
  t.equal(bullseye.persourcepenaltyexemptlist, undefined, 'no keyword that 8.4 would reject');
});

t.test('the per-session process is sshd on 8.4 and sshd-session on 10.0', async t => {
  for (const c of result.cells.filter(c => c.target === 'debian-bullseye')) t.match(c.sshdSession?.name ?? '', /^sshd: hl[0-9a-f]+@pts\/\d+/, `${c.launch}/${c.sever}`);
  for (const c of result.cells.filter(c => c.target === 'debian-trixie')) t.match(c.sshdSession?.name ?? '', /^sshd-session: hl[0-9a-f]+@pts\/\d+/, `${c.launch}/${c.sever}`);
});

for (const target of TARGETS) {
  t.test(`${target}: a killed client hangs up the terminal, the foreground probe dies of SIGHUP`, async t => {
    const c = cell(target, 'foreground', 'client-kill');
    t.equal(c.verdict, 'killed');
    t.equal(c.signal, 'SIGHUP');
  });

  t.test(`${target}: bash resends SIGHUP to its background job`, async t => {
    const c = cell(target, 'background', 'client-kill');
    t.equal(c.verdict, 'killed');
    t.equal(c.signal, 'SIGHUP');
    t.equal(c.signalSender?.comm, 'bash');
  });

  t.test(`${target}: killing the per-session sshd (found by its name on this version) hangs up the foreground probe`, async t => {
    const c = cell(target, 'foreground', 'sshd-kill');
    t.equal(c.verdict, 'killed');
    t.equal(c.signal, 'SIGHUP');
  });

  t.test(`${target}: nohup survives a killed client and a killed sshd`, async t => {
    for (const sever of ['client-kill', 'sshd-kill']) {
      const c = cell(target, 'nohup', sever);
      t.equal(c.verdict, 'survived', sever);
      t.ok(c.sessionEndedMs !== null, `${sever}: sshd ended the session`);
    }
  });

  t.test(`${target}: systemctl restart ssh keeps the open session (KillMode=process)`, async t => {
    const c = cell(target, 'nohup', 'sshd-restart');
    t.equal(c.verdict, 'survived');
    t.equal(c.checks.find(k => k.name === 'session-after-restart')?.ok, true, 'the session still answered after the restart');
  });
}

// A real difference between the versions, not a harness artefact: OpenSSH 8.4's select loop sends
// a ClientAlive probe whenever it has not heard from the client for an interval, even while it is
// busy forwarding output; from 9.x on (ppoll loop) it probes only when ppoll timed out, so a
// process that keeps writing to the terminal keeps a dropped session open (until TCP gives up).
t.test('a dropped busy session: 8.4 still probes and ends it, 10.0 never probes it', async t => {
  const old = cell('debian-bullseye', 'disown', 'drop', 'chatty');
  t.ok(old.sessionEndedMs !== null, `8.4: sshd ended the session (${old.sessionEndedMs} ms)`);
  t.equal(old.verdict, 'survived', 'the disowned probe outlives it');
  const now = cell('debian-trixie', 'disown', 'drop', 'chatty');
  t.equal(now.sessionEndedMs, null, '10.0: sshd had not ended the session when the window closed');
  t.equal(now.verdict, 'session-open');
});

t.test('nothing is left behind: no container of this process remains', async t => {
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).trim();
  t.equal(left, '', 'no labelled container left');
});
