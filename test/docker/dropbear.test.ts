// Real-container test of the Dropbear server (harness/server/dropbear.ts) on debian-bookworm
// (Dropbear 2022.83), through the CLI: the verdicts are what a run observed there. What differs
// from OpenSSH shows in them: no PAM, so no logind session (the login's processes stay in
// dropbear.service's cgroup), and an exec session ends as soon as its command returns, even with a
// background job holding its pipes. Cells: test/docker/dropbear.yaml.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.setTimeout(15 * 60_000);

const out = t.testdir({});
const run = cli(['run', '--scenario', path.join(import.meta.dirname, 'dropbear.yaml'), '--out', out], {}, 14 * 60_000);
const result = fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult) : null;

function cell(session: string, launch: string, sever: string): CellResult {
  const found = (result?.cells ?? []).filter(c => c.session === session && c.launch === launch && c.sever === sever);
  if (found.length !== 1) throw new Error(`expected one ${session}/${launch}/${sever} cell, found ${found.length}`);
  return found[0]!;
}

t.test('the run ends with every cell judged, and leaves nothing behind', async t => {
  t.equal(run.status, 0, lastLine(run.stderr));
  t.ok(result, 'results.json written');
  t.equal(result?.cells.length, 16);
  t.same(result?.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.session}/${c.launch}/${c.sever}: ${c.reason}`), []);
  t.same(leftoversOf(run.pid).containers, []);
});

t.test("the fingerprint: Debian's Dropbear, without PAM, under a KillMode=process unit, run with -K 1", async t => {
  const fp = result!.targets[0]!;
  t.equal(fp.server, 'dropbear');
  t.match(fp.serverVersion, /^Dropbear v2022\.83/);
  t.equal(fp.sshKillMode, 'process');
  t.match(fp.sshdEffective, { clientaliveinterval: '1', clientalivecountmax: '3', tcpkeepalive: 'no', usepam: 'no', idletimeout: '0' });
  t.match(fp.sshdEffective.args, /^\/usr\/sbin\/dropbear -EF -p 22 .*-K 1 -I 0 -r \/etc\/dropbear\/dropbear_ed25519_host_key$/);
});

t.test('no logind session: the login runs in dropbear.service, under a root dropbear connection process', async t => {
  const c = cell('pty', 'nohup', 'client-kill');
  t.match(c.sshdSession?.name ?? '', /^\/usr\/sbin\/dropbear .* -2 \d+$/, 'found by the harness before the sever');
  const probe = c.before.find(p => p.comm === 'probe');
  t.equal(probe?.cgroup, '/system.slice/dropbear.service');
  t.notOk(c.before.some(p => /session-\d+\.scope|user@/.test(p.cgroup)), 'no session scope, no user manager');
});

t.test('a pty in the foreground: SIGHUP from the shell when the client dies, the path drops or the connection process is killed', async t => {
  for (const sever of ['client-kill', 'drop', 'sshd-kill']) {
    const c = cell('pty', 'foreground', sever);
    t.equal(c.verdict, 'killed', sever);
    t.equal(c.signal, 'SIGHUP', sever);
    t.equal(c.signalSender?.comm, 'bash', `${sever}: the login shell, hung up, resends SIGHUP to its jobs`);
  }
  t.not(cell('pty', 'foreground', 'drop').sessionEndedMs, null, "Dropbear's -K 1 ended the dropped session");
});

t.test('the launch modes that protect from SIGHUP survive every way the session ends', async t => {
  for (const [session, launch, sever] of [
    ['pty', 'nohup', 'client-kill'],
    ['pty', 'setsid', 'client-kill'],
    ['pty', 'tmux', 'client-kill'],
    ['pty', 'nohup', 'logout'],
    ['pty', 'tmux', 'logout'],
    ['exec', 'nohup', 'logout'],
    ['exec', 'tmux', 'logout'],
    ['exec', 'foreground', 'client-kill'],
    ['exec', 'setsid', 'client-kill'],
    ['pty', 'nohup', 'drop'],
    ['pty', 'nohup', 'sshd-kill'],
    ['pty', 'nohup', 'sshd-restart'],
  ] as const) {
    t.equal(cell(session, launch, sever).verdict, 'survived', `${session}/${launch}/${sever}: ${cell(session, launch, sever).reason}`);
  }
  t.same(cell('pty', 'nohup', 'sshd-restart').checks.map(c => [c.name, c.ok]), [['session-after-restart', true]], 'KillMode=process: the session outlives the restart');
});

t.test('exec and a background job: Dropbear ends the session when the command returns', async t => {
  const c = cell('exec', 'nohup', 'client-kill');
  t.equal(c.verdict, 'not-applicable');
  t.match(c.reason, /the command returned and sshd ended the session before the sever/);
});

t.test('clientAlive Dropbear cannot express: exit 2 and one line, before any container', async t => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: dropbear-count',
      'target: debian-bookworm',
      'sshd: {ClientAliveInterval: 1, ClientAliveCountMax: 2, TCPKeepAlive: false}',
      'axes: { server: [dropbear], session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }',
    ].join('\n'),
  });
  const file = path.join(dir, 'bad.yaml');
  const r = cli(['run', '--scenario', file, '--out', path.join(dir, 'out')], {}, 120_000);
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.match(lastLine(r.stderr), `${file}: axes: every cell can never run: the dropbear server of debian-bookworm cannot: Dropbear's -K gives up after 3 missed replies`);
  t.match(lastLine(r.stderr), /clientAlive 1\/2/);
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] });
});
