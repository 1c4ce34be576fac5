// Bad input: one clear line naming the file/field/value and the fix, exit code 2, no Docker needed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t, { type Test } from 'tap';

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
  t.match(r.stderr, /axes\.launch\[0\]: unknown launch mode "nohub" \(did you mean "nohup"\?\)/);
});

t.test('a bad --concurrency value', async t => {
  const r = cli('run', '--scenario', 'scenarios/default.yaml', '--concurrency', '0');
  t.equal(r.status, 2);
  t.match(r.stderr, /--concurrency "0"/);
});

// Every scenario below is invalid, so the CLI stops before it would touch Docker.
const base = 'name: x\ntarget: debian-bookworm\naxes:\n  session: [pty]\n  launch: [nohup]\n  workload: [quiet]\n';

/** Run `hangup-lab run` on a scenario file with `text`; expect exit 2 and one line on stderr. */
function badScenario(t: Test, text: string) {
  const dir = t.testdir({ 'x.yaml': text });
  const file = path.join(dir, 'x.yaml');
  const r = cli('run', '--scenario', file);
  t.equal(r.status, 2, 'exit code 2 (bad input)');
  t.equal(r.stdout, '', 'nothing on stdout');
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.ok(r.stderr.startsWith(`${file}: `), 'starts with the file');
  return r.stderr.slice(file.length + 2).trim();
}

t.test('a bad clientAlive value names the field, the value and the expected form', async t => {
  t.equal(
    badScenario(t, base + '  sever: [drop]\n  clientAlive: ["1-2"]\n'),
    'axes.clientAlive[0]: "1-2" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"',
  );
});

t.test('a sever parameter out of range names its meaning and range', async t => {
  t.equal(
    badScenario(t, base + '  sever: ["sleep:0"]\n'),
    'axes.sever[0]: "sleep:0": the parameter of sleep is seconds asleep, a whole number from 1 to 600',
  );
});

t.test('a parameter on a sever that takes none', async t => {
  t.equal(badScenario(t, base + '  sever: ["logout:5"]\n'), 'axes.sever[0]: sever "logout" takes no parameter; write "logout"');
});

t.test('kernel both at the top level and as an axis', async t => {
  t.equal(
    badScenario(t, base + '  sever: [drop]\n  kernel: [tcp_retries2=3]\nkernel:\n  net.ipv4.tcp_retries2: 5\n'),
    'kernel: set kernel sysctls either at the top level or as the `kernel` axis, not both',
  );
});

t.test('a matrices block without a sever axis', async t => {
  t.equal(
    badScenario(t, base + 'matrices:\n  - axes: { sever: [drop] }\n  - axes: { launch: [setsid] }\n'),
    'matrices[1].axes.sever: missing; list the values to run (here or under the top-level axes:)',
  );
});

t.test('an unknown axis in an exclude suggests the closest', async t => {
  t.match(badScenario(t, base + '  sever: [drop]\nexclude:\n  - { lingr: on }\n'), /^exclude\[0\]: unknown axis "lingr" \(did you mean "linger"\?\)/);
});

t.test('a bad expectation names its path in the scenario', async t => {
  const dir = t.testdir({
    'x.yaml': 'name: x\ntarget: debian-bookworm\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }\nexpect:\n  - where: { launch: nohup }\n    verdict: survivd\n',
  });
  const r = cli('run', '--scenario', path.join(dir, 'x.yaml'));
  t.equal(r.status, 2);
  t.match(r.stderr, /x\.yaml: expect\[0\]\.verdict: unknown verdict "survivd" \(did you mean "survived"\?\)/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('--shard, --target and --progress are checked before anything runs', async t => {
  const scenario = path.resolve(import.meta.dirname, '../../scenarios/default.yaml');
  for (const [args, re] of [
    [['--shard', '3/2'], /--shard "3\/2": must be I\/N with 1 <= I <= N/],
    [['--shard', 'half'], /--shard "half": must be I\/N/],
    [['--target', 'debian-bullseye'], /--target "debian-bullseye" is not a target of .*default\.yaml \(its targets: debian-bookworm\)/],
    [['--target', 'debian-bokworm'], /--target unknown target "debian-bokworm" \(did you mean "debian-bookworm"\?\)/],
    [['--progress', 'fancy'], /--progress "fancy": must be auto, tty or log/],
    [['--sshd-config', 'no/such/file'], /--sshd-config: cannot read the sshd config no\/such\/file \(ENOENT\)/],
  ] as const) {
    const r = cli('run', '--scenario', scenario, ...args);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, re);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

t.test('merge: bad files are one line, exit 2', async t => {
  const dir = t.testdir({ 'a.json': '{"schemaVersion": 1}', 'b.json': 'not json' });
  let r = cli('merge');
  t.equal(r.status, 2);
  t.match(r.stderr, /give the results\.json files to merge/);
  r = cli('merge', path.join(dir, 'a.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /a\.json: schemaVersion 1, this hangup-lab reads \d+/);
  r = cli('merge', path.join(dir, 'b.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /b\.json: not JSON/);
  r = cli('merge', path.join(dir, 'nope.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /nope\.json: cannot read \(ENOENT\)/);
});
