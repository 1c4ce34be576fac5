// The exit code is decided from results.json alone (commands/output.ts), so `merge` shows it without
// Docker: a flaky case exits 1 and is listed with its verdict counts; a steady run exits 0; the
// shards of a repeated run merge back into the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { shardOf } from '../../harness/matrix/shard.js';
import { derived } from '../../harness/expect/flaky.js';
import type { RunResult } from '../../harness/results.js';
import { expectations, fixtureCopy, repeatedRun, steadyCopy, withExpectations } from '../report/fixtures.js';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');
const merge = (out: string, ...files: string[]) =>
  spawnSync(process.execPath, [bin, 'merge', '--out', out, ...files], { encoding: 'utf8', timeout: 60_000 });
const write = (file: string, r: RunResult) => fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');

t.test('a flaky case exits 1, listed with its verdict counts; a steady run exits 0', async (t) => {
  const dir = t.testdir({});
  write(path.join(dir, 'flaky.json'), fixtureCopy());
  const r = merge(path.join(dir, 'out1'), path.join(dir, 'flaky.json'));
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, 'hangup-lab: flaky: debian-bookworm pty/disown/quiet × drop · user=lab: 2 survived, 1 killed over 3 repeats\n');
  t.match(r.stderr, 'hangup-lab: exit 1: 1 case flaky\n');
  t.match(r.stdout, /^flaky: 1 case whose repetitions disagree/m, 'the terminal report lists it');
  t.match(r.stdout, /^result: FAIL: 1 case flaky · 1 FLAKY$/m);

  write(path.join(dir, 'steady.json'), steadyCopy());
  const ok = merge(path.join(dir, 'out2'), path.join(dir, 'steady.json'));
  t.equal(ok.status, 0, ok.stderr);
  t.notMatch(ok.stderr, /flaky:|exit 1/);

  // Both at once: the expectation and the flaky case are both named.
  write(path.join(dir, 'both.json'), withExpectations(fixtureCopy(), expectations));
  const both = merge(path.join(dir, 'out3'), path.join(dir, 'both.json'));
  t.equal(both.status, 1);
  t.match(both.stderr, '2 cells failed an expectation; the report lists them first');
  t.match(both.stderr, 'exit 1: an expectation failed, 1 case flaky');
});

t.test('the shards of a --repeat 3 run merge into it: the same results.json, reports and exit code', async (t) => {
  const dir = t.testdir({});
  const full = withExpectations(repeatedRun());
  write(path.join(dir, 'full.json'), full);
  const whole = merge(path.join(dir, 'whole'), path.join(dir, 'full.json'));
  const files = [1, 2, 3].map((index) => {
    const cells = full.cells.filter((c) => shardOf(c, 3) === index);
    const file = path.join(dir, `shard${index}.json`);
    // As --shard writes it: its own cells and flaky cases; the one container is shard 1's.
    const containers = index === 1 ? full.containers : [];
    write(file, { ...structuredClone(full), shard: { index, count: 3 }, containers, ...derived(cells, full.races), cells });
    return file;
  });
  const merged = merge(path.join(dir, 'merged'), ...files.reverse());
  t.equal(merged.status, 1, 'flaky and failing expectations: exit 1');
  t.equal(merged.status, whole.status);
  for (const f of ['results.json', 'report.md', 'report.html', 'junit.xml']) {
    t.equal(fs.readFileSync(path.join(dir, 'merged', f), 'utf8'), fs.readFileSync(path.join(dir, 'whole', f), 'utf8'), f);
  }
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'results.json'), 'utf8')) as RunResult;
  t.equal(result.flaky.length, 2);
  t.equal(result.repeat, 3);
});
