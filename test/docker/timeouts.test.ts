// A stuck cell becomes inconclusive with what it was waiting for, and the run goes on: with
// --cell-timeout 30, a cell whose sever naps for 90 s overruns; its neighbours are judged, the run
// exits 0 (1 with --strict), and nothing of it is left behind (the client frozen mid-nap included).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { bin, leftoversOf } from '../fixtures/cli.js';
import type { RunResult } from '../../harness/results.js';

const scenario = path.resolve(import.meta.dirname, 'timeouts.yaml');

t.test('a cell past --cell-timeout is inconclusive with its step; the others are judged', async t => {
  const dir = t.testdir({});
  const r = spawnSync(process.execPath, [bin, 'run', '--scenario', scenario, '--cell-timeout', '30', '--strict', '--out', dir, '--progress', 'log'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  t.equal(r.status, 1, `--strict: the inconclusive cell fails the run (${r.stderr.trim().split('\n').at(-1)})`);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
  const nap = result.cells.find(c => c.sever === 'sleep:90')!;
  t.equal(nap.verdict, 'inconclusive');
  t.match(nap.reason, /^the cell did not finish within 30 s: it was stuck for [\d.]+ s at "applying the sever \(sleep:90\)"; the run went on without it$/);
  // The budget (30 s) plus its bounded wind-down (run/cell.ts WIND_DOWN_MS, 30 s) at most; the nap
  // itself would have taken 90 s plus its watch window. (The budget was 12 s once: at load 60 a
  // neighbour's login and watch alone overran it, so the budget now leaves the neighbours room.)
  // The budget starts once the cell has its server; durationMs also holds the wait for it (the
  // container's start: it took the whole run 73 s at load 28 in a fresh clone, over the bound).
  const own = nap.timing.durationMs - nap.timing.serverWaitMs;
  t.ok(own < 30_000 + 30_000, `given up after ${own} ms of its own (${nap.timing.serverWaitMs} ms waiting for its server), not after the 90 s nap`);
  for (const c of result.cells.filter(c => c.sever !== 'sleep:90')) t.equal(c.verdict, 'survived', `${c.sever}: judged as usual (${c.reason})`);
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no temp dir of the run left');
  const clients = spawnSync('sh', ['-c', `ps -eo args= | grep -c "[h]angup-lab-${r.pid}-" || true`], { encoding: 'utf8' }).stdout.trim();
  t.equal(clients, '0', 'no ssh client of the run left (the one frozen mid-nap included)');
});
