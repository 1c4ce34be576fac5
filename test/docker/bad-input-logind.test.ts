// logind.extra: systemd-logind itself judges the lines. One it rejects is one line naming the
// scenario field, the target's systemd and logind's own words, exit 2, and the container is gone;
// accepted lines show in the fingerprint as logind sees them.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunResult } from '../../harness/results.js';
import { cliAsync, lastLine, leftoversOf } from '../fixtures/cli.js';

const head = 'target: debian-bookworm\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }\n';

t.test('a key logind does not know: exit 2 naming logind.extra[1] and what logind said', async t => {
  const dir = t.testdir({ 'x.yaml': `name: logind-bad\n${head}logind:\n  extra: ["UserStopDelaySec=3", "KillUserProcesess=yes"]\n` });
  const file = path.join(dir, 'x.yaml');
  const r = await cliAsync(['run', '--scenario', file, '--out', path.join(dir, 'out')]);
  t.equal(r.status, 2, r.stderr);
  t.match(
    lastLine(r.stderr),
    new RegExp(`^${file.replace(/[.]/g, '\\.')}: logind\\.extra\\[1\\]: systemd-logind on debian-bookworm \\(systemd 252\\.[^)]+\\) rejects "KillUserProcesess=yes": Unknown key .KillUserProcesess. in section \\[Login\\]; fix or remove it$`),
  );
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no run dir');
  t.notOk(fs.existsSync(path.join(dir, 'out', 'results.json')), 'no results');
});

t.test('accepted lines apply, and the fingerprint shows them', async t => {
  const dir = t.testdir({ 'x.yaml': `name: logind-ok\n${head}logind:\n  extra: ["UserStopDelaySec=3", "InhibitDelayMaxSec=7"]\n` });
  const r = await cliAsync(['run', '--scenario', path.join(dir, 'x.yaml'), '--out', path.join(dir, 'out')]);
  t.equal(r.status, 0, r.stderr.split('\n').slice(-3).join('\n'));
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as RunResult;
  const logind = result.targets[0]!.logind;
  t.equal(logind.UserStopDelayUSec, '3000000', 'UserStopDelaySec=3 as logind holds it (µs)');
  t.equal(logind.InhibitDelayMaxUSec, '7000000', 'a key the fingerprint does not list by itself, as logind holds it');
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no run dir');
});
