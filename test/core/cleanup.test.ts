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

t.test('an undo registered while the interrupt awaits its last docker call still runs before the exit', async t => {
  // The interrupt's removal asks docker what the run still owns; the run goes on meanwhile and may
  // make a thing then (the death witness's tracefs instance, CI stop 22). A stand-in `docker` that
  // takes 0.4 s per call opens that window on purpose; the undo takes 0.8 s and leaves a mark.
  const dir = t.testdir({ bin: { docker: '#!/bin/sh\nsleep 0.4\n' } });
  fs.chmodSync(path.join(dir, 'bin', 'docker'), 0o755);
  const made = path.join(dir, 'made');
  const mark = path.join(dir, 'undone');
  const child = path.join(dir, 'child.mts');
  const cleanup = path.resolve('harness/core/cleanup.ts');
  fs.writeFileSync(
    child,
    `import fs from 'node:fs';
import { installSignalHandlers, onCleanup } from ${JSON.stringify(cleanup)};
installSignalHandlers();
process.kill(process.pid, 'SIGTERM');
// Made at 0.5, 0.7, 0.9 and 1.1 s: one of them lands in the last docker call, whatever the load.
for (const ms of [500, 700, 900, 1100]) setTimeout(() => {
  fs.appendFileSync(${JSON.stringify(made)}, ms + '\\n');
  onCleanup(async () => {
    await new Promise(r => setTimeout(r, 800));
    fs.appendFileSync(${JSON.stringify(mark)}, ms + '\\n');
  });
}, ms);
setInterval(() => {}, 1000);
`,
  );
  const tsx = path.resolve('node_modules/tsx/dist/esm/index.mjs');
  const r = spawnSync(process.execPath, ['--import', tsx, child], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` },
  });
  t.equal(r.status, 128 + 15, `SIGTERM → exit 143 (${r.stderr.trim().split('\n').at(-1)})`);
  const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').sort() : []);
  t.ok(lines(made).length >= 1, `things were made during the removal (at ${lines(made).join(', ')} ms)`);
  // Things the exit came before were never made; every one made before it was undone.
  t.same(lines(mark), lines(made), 'every thing made was undone before the exit');
});

t.test('an undo that fails during the interrupt is named in the last line, never "nothing left behind"', async t => {
  // Seen under load 35: a kernel trace instance still busy when its removal gave up, and the run
  // said it had left nothing. A stand-in `docker` that owns nothing; one undo throws, one does not.
  const dir = t.testdir({ bin: { docker: '#!/bin/sh\n' } });
  fs.chmodSync(path.join(dir, 'bin', 'docker'), 0o755);
  const child = path.join(dir, 'child.mts');
  const cleanup = path.resolve('harness/core/cleanup.ts');
  fs.writeFileSync(
    child,
    `import { installSignalHandlers, onCleanup } from ${JSON.stringify(cleanup)};
installSignalHandlers();
onCleanup(async () => { throw new Error('the kernel trace instance /x/hangup-lab-1.2-witness1 could not be removed: EBUSY\\nmore'); });
onCleanup(async () => {});
process.kill(process.pid, 'SIGTERM');
setInterval(() => {}, 1000);
`,
  );
  const tsx = path.resolve('node_modules/tsx/dist/esm/index.mjs');
  const run = (src: string) => {
    fs.writeFileSync(child, src);
    return spawnSync(process.execPath, ['--import', tsx, child], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` } });
  };
  const failed = run(fs.readFileSync(child, 'utf8'));
  t.equal(failed.status, 143);
  const last = failed.stderr.trim().split('\n').at(-1) ?? '';
  t.match(last, /^hangup-lab: could not undo: the kernel trace instance \/x\/hangup-lab-1\.2-witness1 could not be removed: EBUSY \(.*hangup-lab clean\)$/, last);
  t.notMatch(failed.stderr, /nothing left behind/);
  const fine = run(`import { installSignalHandlers, onCleanup } from ${JSON.stringify(cleanup)};
installSignalHandlers();
onCleanup(async () => {});
process.kill(process.pid, 'SIGTERM');
setInterval(() => {}, 1000);
`);
  t.match(fine.stderr.trim().split('\n').at(-1), /nothing left behind$/);
});
