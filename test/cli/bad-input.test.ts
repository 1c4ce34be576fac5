// Bad input: one clear line naming the file/field/value and the fix, exit code 2 (or 3 for missing
// infrastructure), and nothing left behind. No Docker needed.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import t, { type Test } from 'tap';
import { cli as runCli, cliAsync, leftoversOf, type CliResult } from '../fixtures/cli.js';

const cli = (...args: string[]) => runCli(args);

t.test('unknown command suggests the closest', async t => {
  const r = cli('rnu');
  t.equal(r.status, 2);
  t.match(r.stderr, /unknown command "rnu" \(did you mean "run"\?\)/);
});

t.test('without a scenario, run is the default scenario (its targets are what --target is checked against)', async t => {
  const r = cli('run', '--target', 'debian-nope');
  t.equal(r.status, 2);
  t.match(r.stderr, /unknown target "debian-nope" .*\(known: debian-bookworm\)\n$/);
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
  const dir = t.testdir({ 'a.json': '{"schemaVersion": 1, "cells": []}', 'b.json': 'not json', 'c.json': '{"cells": 3}' });
  let r = cli('merge');
  t.equal(r.status, 2);
  t.match(r.stderr, /give the results\.json files to merge/);
  r = cli('merge', path.join(dir, 'a.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /a\.json: schemaVersion 1 is older than this hangup-lab can upgrade \(3\); run the scenario again/);
  r = cli('merge', path.join(dir, 'c.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /c\.json: not a hangup-lab results\.json/);
  r = cli('merge', path.join(dir, 'b.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /b\.json: not JSON/);
  r = cli('merge', path.join(dir, 'nope.json'));
  t.equal(r.status, 2);
  t.match(r.stderr, /nope\.json: cannot read \(ENOENT\)/);
});

// ---- every axis suggests the closest name ----

t.test('an unknown value of any axis suggests the closest known one', async t => {
  const axes = { session: ['pty'], launch: ['nohup'], workload: ['quiet'], sever: ['logout'] };
  for (const [field, bad, hint] of [
    ['target', 'debian-bokworm', 'debian-bookworm'],
    ['session', 'ptty', 'pty'],
    ['sever', 'client-kil', 'client-kill'],
    ['workload', 'quite', 'quiet'],
    ['user', 'rot', 'root'],
  ] as const) {
    const line =
      field === 'target'
        ? `name: x\ntarget: ${bad}\naxes: ${JSON.stringify(axes)}\n`
        : `name: x\ntarget: debian-bookworm\naxes: ${JSON.stringify({ ...axes, [field]: [bad] })}\n`;
    const message = badScenario(t, line);
    t.match(message, `unknown `, field);
    t.match(message, `"${bad}" (did you mean "${hint}"?)`, field);
    t.match(message, field === 'target' ? /^targets\[0\]: / : new RegExp(`^axes\\.${field}\\[0\\]: `), `${field}: names the field`);
  }
});

// ---- impossible combinations, decided before anything starts ----

t.test('an include asking for a cell that can never run is bad input, with the reason', async t => {
  t.match(
    badScenario(t, base + '  sever: [drop]\ninclude:\n  - { launch: foreground, sever: logout }\n'),
    /^include\[0\]: asks for a cell that can never run: sever "logout" cannot apply to session pty × launch foreground \(a foreground job holds the terminal/,
  );
});

t.test('logind.extra must not set KillUserProcesses: it is an axis', async t => {
  t.match(badScenario(t, base + '  sever: [drop]\nlogind:\n  extra: ["KillUserProcesses=yes"]\n'), /^logind\.extra\[0\]: .*KillUserProcesses is the killUserProcesses axis/);
});

// ---- the engine: never provisioned where it cannot help or must not ----

const tiny = path.resolve(import.meta.dirname, '../../scenarios/smoke.yaml');

/** Exit 3, one line on stderr, and nothing left behind. */
function infrastructure(t: Test, r: CliResult): string {
  t.equal(r.status, 3, `exit 3 (stderr: ${r.stderr.trim()})`);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.same(leftoversOf(r.pid), { containers: [], runDirs: [] }, 'no container, no run dir');
  return r.stderr.trim();
}

t.test('DOCKER_HOST names an engine that does not answer: exit 3, no provisioning', async t => {
  const r = runCli(['run', '--scenario', tiny], { DOCKER_HOST: 'unix:///tmp/nonexistent.sock' });
  t.equal(
    infrastructure(t, r),
    'no Docker engine answers at DOCKER_HOST=unix:///tmp/nonexistent.sock; start it, or unset DOCKER_HOST to use (or provision) the local one',
  );
});

t.test('HANGUP_LAB_PROVISION=never: exit 3 with the command to run, nothing installed', async t => {
  // A docker CLI that finds no engine, whatever this machine has.
  const dir = t.testdir({ 'docker': '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n' });
  fs.chmodSync(path.join(dir, 'docker'), 0o755);
  const r = runCli(['run', '--scenario', tiny], { HANGUP_LAB_PROVISION: 'never', PATH: `${dir}:${process.env.PATH}` });
  t.match(infrastructure(t, r), /^no Docker engine answers \(docker info failed\); HANGUP_LAB_PROVISION=never forbids installing one; start Docker, or run: sudo \S+\/engine\/provision\.sh$/);
});

t.test('HANGUP_LAB_PROVISION with another value is bad input', async t => {
  const r = runCli(['run', '--scenario', tiny], { HANGUP_LAB_PROVISION: 'nevr' });
  t.equal(r.status, 2);
  t.equal(r.stderr.trim(), 'HANGUP_LAB_PROVISION=nevr: must be auto (the default: install and start a Docker engine when none answers) or never');
});

// ---- demo --port ----

t.test('demo --port: not a port is bad input', async t => {
  for (const bad of ['abc', '0', '70000', '22.5']) {
    const r = runCli(['demo', '--port', bad]);
    t.equal(r.status, 2, bad);
    t.equal(r.stderr.trim(), `hangup-lab demo: --port "${bad}": must be an integer from 1 to 65535`);
  }
});

t.test('demo --port on a port that is taken: exit 3 naming who holds it, before anything starts', async t => {
  const holder = net.createServer();
  await new Promise<void>(resolve => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
  t.teardown(() => new Promise<void>(resolve => holder.close(() => resolve())));
  const port = (holder.address() as net.AddressInfo).port;
  const out = path.join(t.testdir({}), 'out');
  const r = await cliAsync(['demo', '--port', String(port), '--out', out]);
  t.equal(
    infrastructure(t, r),
    `hangup-lab demo: --port ${port}: 127.0.0.1:${port} is already in use (by node pid ${process.pid}); choose another port or free it`,
  );
  t.notOk(fs.existsSync(out), 'nothing written either');
});

// ---- every SSH implementation's knobs: what it cannot say is refused, never mapped ----

t.test("an include asking an implementation for a knob it cannot express names the knob and the implementation's words", async t => {
  const cases: [string, string, RegExp][] = [
    // servers (an include puts the knob on the cell)
    // (tcpKeepAlive no: Dropbear cannot say yes, the default, which would be refused first)
    ['server: [dropbear]\n  tcpKeepAlive: ["no"]\n  clientAlive: ["5/2"]', '{ server: dropbear, tcpKeepAlive: "no", clientAlive: "5/2" }', /5\/2/],
    ['server: [dropbear]\n  tcpKeepAlive: ["yes"]', '{ server: dropbear, tcpKeepAlive: "yes" }', /tcpKeepAlive/],
    // clients
    ['client: [plink]\n  serverAlive: ["5/2"]', '{ client: plink, serverAlive: "5/2" }', /plink/],
    ['client: [paramiko]\n  serverAlive: ["5/2"]', '{ client: paramiko, serverAlive: "5/2" }', /paramiko/],
    ['client: [dbclient]\n  serverAlive: ["5/3"]', '{ client: dbclient, serverAlive: "5/3" }', /dbclient|Dropbear/],
    ['client: [asyncssh]\n  serverAlive: ["5/0"]', '{ client: asyncssh, serverAlive: "5/0" }', /asyncssh/],
  ];
  for (const [axes, include, says] of cases) {
    const message = badScenario(t, `${base}  sever: [drop]\n  ${axes}\ninclude:\n  - ${include}\n`);
    t.match(message, /^include\[0\]: asks for a cell that can never run: /, include);
    t.match(message, says, `${include}: says which knob`);
  }
});

t.test('an unknown server or client implementation suggests the closest', async t => {
  t.match(badScenario(t, `${base}  sever: [drop]\n  server: [dropbar]\n`), /^axes\.server\[0\]: unknown .*"dropbar" \(did you mean "dropbear"\?\)/);
  t.match(badScenario(t, `${base}  sever: [drop]\n  client: [paramko]\n`), /^axes\.client\[0\]: unknown .*"paramko" \(did you mean "paramiko"\?\)/);
});
