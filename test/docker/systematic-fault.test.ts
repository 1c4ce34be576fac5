// A run whose every login is refused the same way stops within seconds: one line naming the cause
// and the fix, exit 3, no reports that look like results, nothing left behind. The refusal is a
// real sshd refusing the real client (the scenario points AuthorizedKeysFile at a file that does
// not exist), not a stand-in.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, lastLine, leftoversOf } from '../fixtures/cli.js';

t.test('every login refused: stop within 30 s of the first cell, exit 3, one line, nothing left', async t => {
  const dir = t.testdir({
    'refused.yaml': [
      'name: refused-key',
      'target: debian-bookworm',
      'sshd:',
      '  ClientAliveInterval: 1',
      '  ClientAliveCountMax: 2',
      '  extra: ["AuthorizedKeysFile /nonexistent/authorized_keys"]',
      // 24 cells: without the stop, each would wait out its own tries
      'axes: { session: [pty, exec], launch: [background, nohup, setsid], workload: [quiet, chatty], sever: [client-kill, sshd-kill] }',
      'run: { concurrency: 12 }',
    ].join('\n'),
  });
  const out = path.join(dir, 'out');
  const began = Date.now();
  const r = cli(['run', '--scenario', path.join(dir, 'refused.yaml'), '--out', out, '--progress', 'log'], {}, 300_000);
  // For the record, not asserted (timings belong in benchmarks): the whole run, container included.
  t.comment(`run took ${((Date.now() - began) / 1000).toFixed(1)} s`);
  t.equal(r.status, 3, lastLine(r.stderr));
  const last = lastLine(r.stderr);
  t.match(last, /^debian-bookworm clientAlive=1\/2 .*: the first 3 logins all failed with "Permission denied \(publickey\)\."; the server refuses the run's key: check the sshd settings that decide key logins/);
  // Progress lines come before; the error itself is one line.
  t.equal(last.split('\n').length, 1);
  // From the server's start (its "started" line) to the end: the first logins fail in about a
  // second each, so the run must be over long before the cells' own waits (20 s per login try).
  const started = r.stderr.split('\n').findIndex(l => / started$/.test(l));
  t.ok(started >= 0, 'the server started');
  const cellsDone = r.stderr.split('\n').filter(l => /^hangup-lab: \[\d+\/24 /.test(l)).length;
  t.ok(cellsDone < 24, `the run stopped before trying every cell (${cellsDone} of 24 reported)`);
  t.notOk(fs.existsSync(path.join(out, 'results.json')), 'no results.json');
  t.notOk(fs.existsSync(path.join(out, 'report.md')), 'no report');
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no temp dir left');
});
