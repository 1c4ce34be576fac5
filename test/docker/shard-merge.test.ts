// --shard i/n and merge, through the real CLI: shard 1/2 and 2/2 merged must equal a full run
// (same cells in the same order, same verdicts and signals, same expectation outcomes, same exit
// code), and a failing expectation must make the exit code 1 and name the cell.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunResult } from '../../harness/results.js';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');
const scenario = path.resolve(import.meta.dirname, 'shard-merge.yaml');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 600_000 });
const read = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;

/** What must be equal between a full run and merged shards: everything but clocks and pids. */
function essence(r: RunResult) {
  return {
    plan: r.plan,
    axes: r.axes,
    expectations: r.expectations,
    shard: r.shard,
    servers: r.targets.map(fp => [fp.key, fp.serverVersion]),
    cells: r.cells.map(c => [c.id, c.verdict, c.signal, c.expectations.map(o => `${o.expectation}:${o.status}`).join(',')]),
  };
}

t.test('shard 1/2 + shard 2/2, merged, equal the full run; a failing expectation exits 1 naming the cell', async t => {
  const dir = t.testdir({});
  const full = cli('run', '--scenario', scenario, '--out', path.join(dir, 'full'), '--progress', 'log');
  // Inconclusive cells say why in the message, so a failure here can be diagnosed from the CI log.
  const why = () => read(path.join(dir, 'full')).cells.filter(c => c.verdict === 'inconclusive').map(c => `${c.id}: ${c.reason}`).join(' | ');
  t.equal(full.status, 1, `the deliberately wrong expectation fails the full run ${why()} ${full.stderr.split('\n').slice(-4).join(' / ')}`);
  const wrong = read(path.join(dir, 'full')).cells.find(c => c.launch === 'foreground' && c.sever === 'client-kill')!;
  t.match(full.stdout, `✗ debian-bookworm pty/foreground/quiet × client-kill (${wrong.id})`, 'the terminal report names the failing cell');
  t.match(full.stdout, 'expect[1] (deliberately wrong, to see exit 1): expected survived, saw killed by SIGHUP');
  t.match(fs.readFileSync(path.join(dir, 'full', 'report.md'), 'utf8'), /## Expectations[\s\S]*### Failing cells \(1\)[\s\S]*## debian-bookworm/, 'report.md lists failing cells before the matrices');
  const junit = fs.readFileSync(path.join(dir, 'full', 'junit.xml'), 'utf8');
  t.equal((junit.match(/<testcase /g) ?? []).length, 6, 'one testcase per cell');
  t.equal((junit.match(/<failure /g) ?? []).length, 1, 'one failure');
  t.match(junit, new RegExp(`<testcase [^>]*${wrong.id}[^>]*>\\s*<failure`));

  const codes: number[] = [];
  for (const i of [1, 2]) {
    const r = cli('run', '--scenario', scenario, '--shard', `${i}/2`, '--out', path.join(dir, `shard${i}`), '--progress', 'log');
    t.ok(r.status === 0 || r.status === 1, `shard ${i}/2 ran (exit ${r.status}): ${r.stderr.split('\n').at(-2)}`);
    codes.push(r.status!);
    const part = read(path.join(dir, `shard${i}`));
    t.same(part.shard, { index: i, count: 2 });
    t.ok(part.cells.length > 0 && part.cells.length < 6, `shard ${i} ran part of the plan (${part.cells.length} cells)`);
  }
  t.equal(codes.filter(c => c === 1).length, 1, 'exactly the shard holding the wrong cell fails');

  const merged = cli('merge', '--out', path.join(dir, 'merged'), path.join(dir, 'shard2', 'results.json'), path.join(dir, 'shard1', 'results.json'));
  t.equal(merged.status, 1, `merge re-judges and exits 1 too: ${merged.stderr}`);
  t.same(essence(read(path.join(dir, 'merged'))), essence(read(path.join(dir, 'full'))), 'merged shards = the full run');
  for (const f of ['results.json', 'report.md', 'junit.xml']) t.ok(fs.existsSync(path.join(dir, 'merged', f)), `merge wrote ${f}`);

  const missing = cli('merge', '--out', path.join(dir, 'm2'), path.join(dir, 'shard1', 'results.json'));
  t.equal(missing.status, 2, 'merging one shard alone is bad input');
  t.match(missing.stderr, /cells are missing .*shards 1\/2/);
});
