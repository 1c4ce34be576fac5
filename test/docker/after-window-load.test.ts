// The questions after the window must not fail for want of patience: under CPU load (Debian's
// stress-ng, four CPU hogs on this 2-core machine, bounded in time and always stopped) the unit's
// restart and tmux's reattach must still answer "yes". Before, the restart check gave the unit a
// fixed 5 s and once answered "no new probe started within 5000 ms" under load.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { CellResult, RunResult } from '../../harness/results.js';
import { runMatrix, scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';

/** Longer than the run is expected to take; stress-ng stops by itself then, whatever happens here. */
const STRESS_S = 420;

try {
  execFileSync('stress-ng', ['--version'], { stdio: 'ignore' });
} catch {
  t.fail('stress-ng is not installed: apt-get install -y stress-ng');
  process.exit(1);
}
const stress = spawn('stress-ng', ['--cpu', '4', '--timeout', `${STRESS_S}s`, '--quiet'], { stdio: 'ignore', detached: true });
const stopStress = () => {
  // Its own process group: stress-ng's workers go with it.
  if (stress.pid && stress.exitCode === null) {
    try {
      process.kill(-stress.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
};
process.on('exit', stopStress);
t.teardown(stopStress);

const scenario = loadScenario(path.join(import.meta.dirname, 'after-window-load.yaml'));
let result: RunResult;
try {
  result = await runMatrix(scenario, { say: () => {}, version: 'test' });
} finally {
  // Read before stopping: the load the cells ran under.
  t.comment(`load average at the end of the run (1, 5, 15 min): ${os.loadavg().map(l => l.toFixed(2)).join(', ')}`);
  stopStress();
}

const cell = (launch: string, sever: string, workload = 'quiet'): CellResult => {
  const found = result.cells.filter(c => c.launch === launch && c.sever === sever && c.workload === workload);
  if (found.length !== 1) throw new Error(`expected one ${launch}/${sever}/${workload} cell, found ${found.length}`);
  return found[0]!;
};
const answer = (c: CellResult, name: string) => {
  const k = c.checks.find(x => x.name === name);
  return { ok: k?.ok, detail: k?.detail ?? `no ${name} check (verdict ${c.verdict}: ${c.reason})` };
};

// What each cell took, for a failure under load to be read from the test log alone.
for (const c of result.cells) {
  t.comment(`${c.launch}/${c.sever}/${c.workload}: ${c.verdict} in ${(c.timing.durationMs / 1000).toFixed(1)} s (server wait ${(c.timing.serverWaitMs / 1000).toFixed(1)} s, setup ${JSON.stringify(c.setup ?? null)})`);
}

t.test('every cell ran and was judged', async t => {
  t.equal(result.cells.length, scenarioCells(scenario).length);
  t.same(result.cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.launch}/${c.sever}: ${c.reason}`), []);
});

t.test('systemd-unit: the unit outlives the session and systemd restarts its killed process', async t => {
  for (const sever of ['client-kill', 'drop']) {
    const c = cell('systemd-unit', sever);
    t.equal(c.verdict, 'survived', `${sever}: ${c.reason}`);
    const a = answer(c, 'restart');
    t.equal(a.ok, true, `${sever}: ${a.detail}`);
    t.match(a.detail, /NRestarts 0→1/, 'systemd itself counted the restart');
    t.comment(`${sever}: restart: ${a.detail}`);
  }
});

t.test('tmux and screen: a new session reattaches after the client was killed', async t => {
  for (const launch of ['tmux', 'screen']) {
    for (const workload of ['quiet', 'chatty']) {
      const c = cell(launch, 'client-kill', workload);
      t.equal(c.verdict, 'survived', `${launch}/${workload}: ${c.reason}`);
      const a = answer(c, 'reattach');
      t.equal(a.ok, true, `${launch}/${workload}: ${a.detail}`);
      t.comment(`${launch}/${workload}: reattach: ${a.detail}`);
    }
  }
});
