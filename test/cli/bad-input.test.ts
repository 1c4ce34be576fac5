// Bad input: one clear line naming the file/field/value and the fix, exit code 2, no Docker needed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

t.test('unknown command suggests the closest', async t => {
  const r = cli('rnu');
  t.equal(r.status, 2);
  t.match(r.stderr, /unknown command "rnu" \(did you mean "run"\?\)/);
});

t.test('missing --scenario', async t => {
  const r = cli('run');
  t.equal(r.status, 2);
  t.match(r.stderr, /--scenario FILE is required/);
});

t.test('a missing scenario file names the path', async t => {
  const r = cli('run', '--scenario', 'nope.yaml');
  t.equal(r.status, 2);
  t.match(r.stderr, /^nope\.yaml: cannot read the scenario file \(ENOENT\)/);
});

t.test('malformed YAML gives file:line:col', async t => {
  const dir = t.testdir({ 'x.yaml': 'name: x\naxes: [unclosed\n' });
  const r = cli('run', '--scenario', path.join(dir, 'x.yaml'));
  t.equal(r.status, 2);
  t.match(r.stderr, /x\.yaml:\d+:\d+: not valid YAML/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('an unknown launch mode names the field and suggests the closest', async t => {
  const dir = t.testdir({
    'x.yaml': 'name: x\ntarget: debian-bookworm\naxes: { session: [pty], launch: [nohub], workload: [quiet], sever: [logout] }\n',
  });
  const r = cli('run', '--scenario', path.join(dir, 'x.yaml'));
  t.equal(r.status, 2);
  t.match(r.stderr, /axes\.launch\[0\]: unknown launch "nohub" \(did you mean "nohup"\?\)/);
});

t.test('a bad --concurrency value', async t => {
  const r = cli('run', '--scenario', 'scenarios/default.yaml', '--concurrency', '0');
  t.equal(r.status, 2);
  t.match(r.stderr, /--concurrency "0"/);
});
