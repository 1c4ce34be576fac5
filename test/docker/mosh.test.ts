// Real-container test of the mosh session (issue 15): the real mosh client in a pty bootstraps
// mosh-server over the real ssh on bookworm, UDP straight to the target's address; the session is
// then cut (client killed, its UDP flow dropped) or left (`exit`), with mosh-server's network
// timeout off and at 5 s. The verdicts are what a run observed. Cells: test/docker/mosh.yaml.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.setTimeout(15 * 60_000);

const out = t.testdir({});
const run = cli(['run', '--scenario', path.join(import.meta.dirname, 'mosh.yaml'), '--out', out, '--concurrency', '4'], {}, 14 * 60_000);
const result = fs.existsSync(path.join(out, 'results.json')) ? (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult) : null;

function cell(session: string, launch: string, sever: string): CellResult {
  const found = (result?.cells ?? []).filter(c => c.session === session && c.launch === launch && c.sever === sever);
  if (found.length !== 1) throw new Error(`expected one ${session}/${launch} × ${sever} cell, found ${found.length}`);
  return found[0]!;
}

const moshServerAfter = (c: CellResult) => c.after.some(p => p.comm === 'mosh-server' && p.pid === c.sshdSession?.pid);

t.test('the run ends with every cell judged or not-applicable with why, and leaves nothing behind', async t => {
  t.equal(run.status, 0, lastLine(run.stderr));
  t.ok(result, 'results.json written');
  t.equal(result?.cells.length, 6);
  t.same(result?.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.session}/${c.launch} × ${c.sever}: ${c.reason}`), []);
  t.same(leftoversOf(run.pid).containers, []);
});

t.test('mosh-server holds the session: the bootstrap ssh login is gone before the sever', async t => {
  for (const c of (result?.cells ?? []).filter(c => c.verdict !== 'not-applicable')) {
    t.match(c.sshdSession?.name, /^mosh-server new /, `${c.session}/${c.launch} × ${c.sever}`);
    t.notOk(c.before.some(p => /^sshd/.test(p.comm)), 'no sshd process of the login is left in the "before" picture');
    t.ok(c.before.some(p => p.comm === 'probe'));
  }
});

t.test('without MOSH_SERVER_NETWORK_TMOUT, a killed client or a dropped flow leaves mosh-server and the probe running', async t => {
  for (const sever of ['client-kill', 'drop']) {
    const c = cell('mosh', 'foreground', sever);
    t.equal(c.verdict, 'session-open', `${sever}: ${c.reason}`);
    t.match(c.reason, /^mosh-server had not ended the session/);
    t.equal(c.sessionEndedMs, null, `${sever}: mosh-server lived through the window`);
    t.ok(moshServerAfter(c), `${sever}: mosh-server is in the "after" snapshot`);
    t.ok(c.after.some(p => p.comm === 'probe'), `${sever}: the probe too`);
  }
  t.equal(cell('mosh', 'foreground', 'drop').pathBrokeMs !== null, true, 'the UDP flow was cut');
});

t.test('a new mosh-client with the session key does not reach the live mosh-server (its replay protection)', async t => {
  const c = cell('mosh', 'foreground', 'client-kill');
  const k = c.checks.find(k => k.name === 'reach-again');
  t.equal(k?.ok, false, k?.detail ?? 'no reach-again check');
  t.match(k?.detail, /Nothing received from server/);
});

t.test('with MOSH_SERVER_NETWORK_TMOUT=5, mosh-server exits within 5 s of the last word and the hangup kills the foreground probe', async t => {
  for (const sever of ['client-kill', 'drop']) {
    const c = cell('mosh:5', 'foreground', sever);
    t.equal(c.verdict, 'killed', `${sever}: ${c.reason}`);
    t.equal(c.signal, 'SIGHUP', sever);
    // mosh-server counts from the client's last packet, which came up to a heartbeat (~3 s) before the sever.
    t.ok(c.sessionEndedMs !== null && c.sessionEndedMs > 1000 && c.sessionEndedMs < 9000, `${sever}: mosh-server ended at ${c.sessionEndedMs} ms`);
    t.ok(c.deathMs !== null && c.deathMs >= c.sessionEndedMs! - 500 && c.deathMs <= c.sessionEndedMs! + 1500, `${sever}: the probe died with the session (${c.deathMs} ms)`);
    t.notOk(moshServerAfter(c), `${sever}: mosh-server is gone`);
  }
});

t.test("`exit` in the mosh shell does not end the session while a background job holds mosh's terminal", async t => {
  const c = cell('mosh', 'background', 'logout');
  t.equal(c.verdict, 'session-open', c.reason);
  t.ok(moshServerAfter(c), 'mosh-server still running');
});

t.test('sshd-kill is not-applicable: no per-session sshd is left', async t => {
  const c = cell('mosh', 'background', 'sshd-kill');
  t.equal(c.verdict, 'not-applicable');
  t.match(c.reason, /no per-session sshd is left to kill: mosh-server/);
});
