// Real-container test of the later-login session (issue 15, the editor-server pattern): a program
// started by `ssh host 'nohup … > log 2>&1 &'`, that command returned, then a later login of the
// same user severed. The outcomes asserted are the ones runs on bookworm (systemd 252) observed.
// Cells: test/docker/later-login.yaml.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.setTimeout(15 * 60_000);

const out = t.testdir({});
const run = cli(['run', '--scenario', path.join(import.meta.dirname, 'later-login.yaml'), '--out', out], {}, 14 * 60_000);
const result = fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult) : null;

function cell(launch: string, sever: string, kup = 'no'): CellResult {
  const found = (result?.cells ?? []).filter(c => c.launch === launch && c.sever === sever && c.killUserProcesses === kup);
  if (found.length !== 1) throw new Error(`expected one later/${launch} × ${sever} (KillUserProcesses=${kup}) cell, found ${found.length}`);
  return found[0]!;
}
const label = (c: CellResult) => `${c.launch}/${c.sever}/KillUserProcesses=${c.killUserProcesses}: ${c.verdict} (${c.reason})`;
/** The cgroup of the severed login's sshd, as the "before" snapshot had it. */
const loginCgroup = (c: CellResult) => c.before.find(p => p.pid === c.sshdSession?.pid)?.cgroup ?? null;

t.test('the run ends with every cell judged or not-applicable with why, and leaves nothing behind', async t => {
  t.equal(run.status, 0, lastLine(run.stderr));
  t.ok(result, 'results.json written');
  t.equal(result?.cells.length, 6);
  t.same(result?.cells.filter(c => c.verdict === 'inconclusive').map(label), []);
  t.same(leftoversOf(run.pid).containers, []);
});

t.test("KillUserProcesses=no: the server outlives the later login's end, in the scope of the session that started it", async t => {
  for (const sever of ['logout', 'client-kill']) {
    const c = cell('nohup-to-file', sever);
    t.equal(c.verdict, 'survived', label(c));
    t.not(c.sessionEndedMs, null, `${sever}: the later login ended`);
    t.match(c.probe.cgroup, /session-\d+\.scope$/, `${sever}: in a session scope`);
    t.not(c.probe.cgroup, loginCgroup(c), `${sever}: not the later login's: the first session's`);
  }
});

t.test('KillUserProcesses=yes: the server does not outlive the session that started it, so no later login is asked', async t => {
  for (const sever of ['logout', 'client-kill']) {
    const c = cell('nohup-to-file', sever, 'yes');
    t.equal(c.verdict, 'not-applicable', label(c));
    t.match(c.reason, /did not outlive the session that started it/);
    // Caught by its handler, or (killed while perl started) by the kernel's trace of its birth.
    t.match(c.reason, /SIGTERM from (systemd|kill\(2\) from systemd)/, `${sever}: logind's stop of that session's scope`);
  }
});

t.test("in the user manager: killed when the later login, the user's last session, ended and the manager stopped", async t => {
  const c = cell('systemd-run-user', 'logout');
  t.equal(c.verdict, 'killed', label(c));
  t.equal(c.signal, 'SIGTERM');
  t.match(c.reason, /the user manager user@\d+\) stopping hl-probe-/);
});

t.test("a job that keeps the first session's output: that command never returns, so there is no later login", async t => {
  const c = cell('background', 'logout');
  t.equal(c.verdict, 'not-applicable', label(c));
  t.match(c.reason, /had not returned after \d+ ms/);
});
