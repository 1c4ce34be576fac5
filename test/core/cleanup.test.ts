// The pure parts of the cleanup guarantee: who owns a temp dir, which dirs a sweep may remove,
// and that an undo registered during an interrupt runs at once. (test/docker/interrupt.test.ts
// interrupts real runs.)
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { ownerAlive, processStart, RUN_DIR_NAME, self, staleDirs } from '../../harness/core/cleanup.js';

t.test('a process is told apart from a later one with the same pid by its start time', async t => {
  t.ok(processStart(process.pid), 'this process has a start time');
  t.ok(ownerAlive(self), 'this process is alive');
  t.notOk(ownerAlive({ pid: process.pid, start: '1' }), 'same pid, other start time: not the owner');
  const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
  t.notOk(ownerAlive({ pid: Number(gone), start: '' }), 'an exited process is not alive');
  t.notOk(ownerAlive({ pid: 0, start: '' }), 'no pid, no owner');
});

t.test('run dir names: only the harness own pattern', async t => {
  t.ok(RUN_DIR_NAME.test('hangup-lab-1234-0a1b2c3d-AbC123'), 'current form (pid, run id)');
  t.ok(RUN_DIR_NAME.test('hangup-lab-0a1b2c3d-AbC123'), 'the form before owner files');
  for (const n of ['hangup-lab-test-xyz', 'hangup-lab-seed-abc123', 'hangup-lab-1234-0a1b2c3d-AbC123-extra', 'other-0a1b2c3d-AbC123']) {
    t.notOk(RUN_DIR_NAME.test(n), `${n} is not touched`);
  }
});

t.test('staleDirs: owner gone → stale; owner alive → kept; ownerless → stale only when old', async t => {
  const dir = t.testdir({});
  const make = (name: string, owner?: string, ageMs = 0) => {
    const p = path.join(dir, name);
    fs.mkdirSync(p);
    if (owner !== undefined) fs.writeFileSync(path.join(p, 'owner'), owner);
    const when = (Date.now() - ageMs) / 1000;
    fs.utimesSync(p, when, when);
    return p;
  };
  const dead = make('hangup-lab-999999-0a1b2c3d-aaaaaa', '999999 1\n');
  make(`hangup-lab-${self.pid}-0a1b2c3d-bbbbbb`, `${self.pid} ${self.start}\n`);
  const reused = make(`hangup-lab-${self.pid}-0a1b2c3d-cccccc`, `${self.pid} 1\n`);
  make('hangup-lab-0a1b2c3d-dddddd', undefined, 60_000);
  const old = make('hangup-lab-0a1b2c3d-eeeeee', undefined, 2 * 3600_000);
  make('hangup-lab-unrelated', '999999 1\n', 2 * 3600_000);
  fs.writeFileSync(path.join(dir, 'hangup-lab-0a1b2c3d-ffffff'), 'a file, not a dir');
  t.same(staleDirs(dir).sort(), [dead, reused, old].sort());
  t.same(staleDirs(path.join(dir, 'missing')), [], 'a missing temp dir is nothing to sweep');
});
