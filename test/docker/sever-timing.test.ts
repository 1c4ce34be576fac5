// Faults take effect when the sever is applied, and last what was asked, while the machine is
// loaded (issue 12, items 4 and 9): stress-ng --cpu 4 runs for the whole matrix (bounded, always
// killed). Asserted from what the run recorded: the nap-length check (client frozen, path cut,
// network back before the thaw), the sever's own delay for drop/reject, and the NAT flow expiring
// its timeout after the sever set it. The asked tolerance of a nap (100 ms) is the issue's; the
// measured numbers are printed as comments, with the load average.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { CellResult } from '../../harness/results.js';
import { runMatrix } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';
import { NAP_TOLERANCE_MS } from '../../harness/sever/sleep.js';

const HOST_TIMEOUT = '/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established';
/** The NAT flow is forgotten within this after its timeout: conntrack's timer, the agent's 50 ms poll, a loaded scheduler. */
const EXPIRY_SLACK_MS = 300;

if (spawnSync('stress-ng', ['--version']).error) {
  t.fail('stress-ng is missing: apt-get install stress-ng (.ci/run installs it)');
  process.exit(1);
}
// Bounded by its own timeout too, should this process be killed before its teardown.
const stress = spawn('stress-ng', ['--cpu', '4', '--timeout', '600s', '--quiet'], { stdio: 'ignore', detached: true });
const stopStress = () => {
  try {
    process.kill(-stress.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.on('exit', stopStress);
t.teardown(stopStress);

const hostTimeoutBefore = fs.readFileSync(HOST_TIMEOUT, 'utf8').trim();
const loadBefore = os.loadavg();
const scenario = loadScenario(path.join(import.meta.dirname, 'sever-timing.yaml'));
const result = await runMatrix(scenario, { say: () => {}, version: 'test' });
const loadAfter = os.loadavg();
stopStress();
t.comment(`load average (1/5/15 min) before the run: ${loadBefore.map(l => l.toFixed(1)).join(' ')}; after: ${loadAfter.map(l => l.toFixed(1)).join(' ')}`);

const cell = (sever: string): CellResult => {
  const c = result.cells.find(x => x.sever === sever);
  if (!c) throw new Error(`no ${sever} cell`);
  return c;
};
const marks = (c: CellResult) => c.timeline.map(m => `+${m.atMs} ms ${m.event}`).join('\n');

t.test('every cell could be judged', async t => {
  t.same(result.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.sever}: ${c.reason}`), []);
});

for (const sever of ['sleep:2', 'sleep:12']) {
  t.test(`${sever}: the real nap is within ${NAP_TOLERANCE_MS} ms of the asked one, the network back before the thaw`, async t => {
    const c = cell(sever);
    const check = c.checks.find(k => k.name === 'nap-length');
    t.ok(check, 'the nap was measured');
    t.comment(`${sever}: ${check?.detail}`);
    const m = /^asked (\d+) ms: the client frozen (\d+) ms, the path cut (\d+) ms, back (\d+) ms before the client thawed/.exec(check?.detail ?? '');
    t.ok(m, check?.detail ?? 'no detail');
    if (!m) return;
    const [asked, frozen, cut] = [Number(m[1]), Number(m[2]), Number(m[3])];
    t.ok(Math.abs(frozen - asked) <= NAP_TOLERANCE_MS, `client frozen ${frozen} ms for ${asked}`);
    t.ok(Math.abs(cut - asked) <= NAP_TOLERANCE_MS, `path cut ${cut} ms for ${asked}`);
    t.equal(check?.ok, true);
  });
}

for (const sever of ['drop', 'reject']) {
  t.test(`${sever}: the cut happens at the sever, and its own delay is recorded`, async t => {
    const c = cell(sever);
    t.not(c.pathBrokeMs, null);
    t.ok((c.pathBrokeMs ?? -1) >= 0, 'never before the sever');
    t.match(marks(c), /the cutter agent had the line -?\d+ ms after it was sent, the cut was on \d+ ms later/);
    t.comment(`${sever}: pathBrokeMs ${c.pathBrokeMs}`);
  });
}

t.test('nat-expiry:3: the idle flow expires 3 s after the sever set the timeout, not before', async t => {
  const c = cell('nat-expiry:3');
  // The mark names, in its text, when the agent had set the timeout (ms after the sever).
  const set = /the NAT router's idle timeout became 3 s \(\+(\d+) ms\)/.exec(marks(c));
  t.ok(set, marks(c));
  t.not(c.pathBrokeMs, null, 'the router forgot the flow');
  if (!set || c.pathBrokeMs === null) return;
  const afterSetMs = c.pathBrokeMs - Number(set[1]);
  t.comment(`nat-expiry:3: timeout set +${set[1]} ms after the sever, flow forgotten +${c.pathBrokeMs} ms (${afterSetMs} ms after the set)`);
  t.ok(afterSetMs >= 3000 && afterSetMs <= 3000 + EXPIRY_SLACK_MS, `forgotten ${afterSetMs} ms after the timeout was set`);
  t.match(c.networkPath, /^NAT: .*of this cell's own/);
});

t.test("the router's timeout is its own: the host's setting is untouched", async t => {
  t.equal(fs.readFileSync(HOST_TIMEOUT, 'utf8').trim(), hostTimeoutBefore);
});

t.test('nothing is left behind: no container of this process remains', async t => {
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).trim();
  t.equal(left, '');
});
