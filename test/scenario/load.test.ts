import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { BadInputError, ExitCode } from '../../harness/errors.js';
import { loadScenario } from '../../harness/scenario/load.js';

const scenarios = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const minimal = `name: t
target: debian-bookworm
axes:
  session: [pty]
  launch: [nohup]
  workload: [quiet]
  sever: [logout]
`;

/** Write `text` as a scenario file in a fresh test dir and return its path. */
function scenarioFile(t: Test, text: string): string {
  const dir = t.testdir({ 'scenario.yaml': text });
  return path.join(dir, 'scenario.yaml');
}

/** The BadInputError that loading `file` throws (fails the test if it throws something else). */
function loadError(t: Test, file: string): BadInputError {
  try {
    loadScenario(file);
  } catch (error) {
    t.type(error, BadInputError);
    t.equal((error as BadInputError).exitCode, ExitCode.badInput);
    const message = (error as Error).message;
    t.equal(message.slice(0, file.length + 1), `${file}:`, 'the message starts with the file path');
    return error as BadInputError;
  }
  t.fail('loadScenario did not throw');
  return new BadInputError('did not throw');
}

t.test('scenarios/default.yaml loads as the full 2 × 8 × 2 × 4 matrix', async t => {
  const s = loadScenario(path.join(scenarios, 'default.yaml'));
  t.equal(s.name, 'default');
  t.same(s.axes, {
    target: ['debian-bookworm'],
    session: ['pty', 'exec'],
    launch: ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux', 'screen', 'systemd-run-user'],
    workload: ['chatty', 'quiet'],
    sever: ['logout', 'client-kill', 'sshd-kill', 'drop'],
  });
  t.same(s.sshd, { ClientAliveInterval: 1, ClientAliveCountMax: 2, TCPKeepAlive: true, extra: [] });
  t.equal(s.run.concurrency, 12);
  t.same(s.exclude, []);
  t.same(s.include, []);
  t.ok(s.description.length > 0);
});

t.test('scenarios/smoke.yaml loads', async t => {
  const file = path.join(scenarios, 'smoke.yaml');
  const s = loadScenario(file);
  t.equal(s.file, file);
  t.equal(s.name, 'smoke');
  t.same(s.axes, {
    target: ['debian-bookworm'],
    session: ['pty'],
    launch: ['background', 'nohup'],
    workload: ['quiet'],
    sever: ['client-kill'],
  });
});

t.test('a singular target: becomes a one-element targets list', async t => {
  const s = loadScenario(scenarioFile(t, minimal));
  t.same(s.axes.target, ['debian-bookworm']);
});

t.test('a targets: list is taken as is', async t => {
  const s = loadScenario(scenarioFile(t, minimal.replace('target: debian-bookworm', 'targets: [debian-bookworm]')));
  t.same(s.axes.target, ['debian-bookworm']);
});

t.test('omitted sections get their defaults', async t => {
  const s = loadScenario(scenarioFile(t, minimal));
  t.equal(s.description, '');
  t.same(s.sshd, { ClientAliveInterval: 0, ClientAliveCountMax: 3, TCPKeepAlive: true, extra: [] });
  t.same(s.sysctls, {});
  t.same(s.run, { concurrency: 10 });
  t.same(s.exclude, []);
  t.same(s.include, []);
});

t.test('kernel settings become sysctl strings', async t => {
  const s = loadScenario(
    scenarioFile(t, minimal + 'kernel:\n  net.ipv4.tcp_keepalive_time: 5\n  net.ipv4.tcp_retries2: 3\n'),
  );
  t.same(s.sysctls, { 'net.ipv4.tcp_keepalive_time': '5', 'net.ipv4.tcp_retries2': '3' });
});

t.test('exclude and include patterns with known axes and values are kept', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      minimal +
        'exclude:\n  - { session: exec, launch: tmux }\n' +
        'include:\n  - { target: debian-bookworm, session: pty, launch: setsid, workload: chatty, sever: drop }\n',
    ),
  );
  t.same(s.exclude, [{ session: 'exec', launch: 'tmux' }]);
  t.same(s.include, [{ target: 'debian-bookworm', session: 'pty', launch: 'setsid', workload: 'chatty', sever: 'drop' }]);
});

t.test('a missing file is bad input that names the path', async t => {
  const file = path.join(t.testdir({}), 'nope.yaml');
  const e = loadError(t, file);
  t.match(e.message, /cannot read the scenario file \(ENOENT\)/);
});

t.test('malformed YAML is bad input that names the file, line and column', async t => {
  const file = scenarioFile(t, 'name: t\naxes: [pty, exec\n');
  const e = loadError(t, file);
  t.match(e.message, `${file}:3:1: not valid YAML: `);
});

t.test('a YAML error on the first line reports line 1 and its column', async t => {
  const file = scenarioFile(t, 'name: t: x\n');
  const message = loadError(t, file).message;
  t.ok(message.startsWith(`${file}:1:`), 'line 1 right after the file name');
  t.match(message, /:1:\d+: not valid YAML: /);
});

t.test('a YAML error message is one line', async t => {
  const e = loadError(t, scenarioFile(t, 'name: t\naxes: [pty, exec\n'));
  t.notMatch(e.message, '\n');
});

t.test('an unknown launch mode names its index and suggests the closest', async t => {
  const e = loadError(t, scenarioFile(t, minimal.replace('launch: [nohup]', 'launch: [background, nohub]')));
  t.match(e.message, 'axes.launch[1]: unknown launch "nohub"');
  t.match(e.message, 'did you mean "nohup"');
});

t.test('an unknown session, workload and sever are each named with their axis', async t => {
  t.match(loadError(t, scenarioFile(t, minimal.replace('session: [pty]', 'session: [tty]'))).message, 'axes.session[0]: unknown session "tty"');
  t.match(loadError(t, scenarioFile(t, minimal.replace('workload: [quiet]', 'workload: [silent]'))).message, 'axes.workload[0]: unknown workload "silent"');
  t.match(loadError(t, scenarioFile(t, minimal.replace('sever: [logout]', 'sever: [logut]'))).message, 'axes.sever[0]: unknown sever "logut" (did you mean "logout"?)');
});

t.test('an unknown target is named', async t => {
  const e = loadError(t, scenarioFile(t, minimal.replace('debian-bookworm', 'debian-bookwrm')));
  t.match(e.message, 'targets[0]: unknown target "debian-bookwrm" (did you mean "debian-bookworm"?)');
});

t.test('an unknown top-level key is named', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'axis: {}\n'));
  t.match(e.message, '(top level)');
  t.match(e.message, '"axis"');
});

t.test('target: and targets: together are rejected, naming target', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'targets: [debian-bookworm]\n'));
  t.match(e.message, '"target"');
});

t.test('a wrong type names the field path', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'sshd:\n  ClientAliveInterval: "x"\n'));
  t.match(e.message, 'sshd.ClientAliveInterval: ');
});

t.test('an unknown sshd key is rejected', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'sshd:\n  ClientAliveIntreval: 1\n'));
  t.match(e.message, 'sshd');
  t.match(e.message, 'ClientAliveIntreval');
});

t.test('a missing axis is named', async t => {
  const e = loadError(t, scenarioFile(t, minimal.replace('  sever: [logout]\n', '')));
  t.match(e.message, 'axes.sever: ');
});

t.test('an empty axis list is rejected', async t => {
  const e = loadError(t, scenarioFile(t, minimal.replace('sever: [logout]', 'sever: []')));
  t.match(e.message, 'axes.sever: ');
});

t.test('an empty file is rejected at the top level', async t => {
  const e = loadError(t, scenarioFile(t, ''));
  t.match(e.message, '(top level)');
});

t.test('an unknown sysctl is named with a suggestion', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'kernel:\n  net.ipv4.tcp_keepalive_tim: 5\n'));
  t.match(e.message, 'kernel: unknown sysctl "net.ipv4.tcp_keepalive_tim" (did you mean "net.ipv4.tcp_keepalive_time"?)');
});

t.test('a sysctl outside the allowed list is rejected even when it is a real sysctl', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'kernel:\n  net.ipv4.ip_forward: 1\n'));
  t.match(e.message, 'kernel: unknown sysctl "net.ipv4.ip_forward"');
});

t.test('an exclude with an unknown axis names the entry and suggests the axis', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'exclude:\n  - { session: pty }\n  - { sesion: pty }\n'));
  t.match(e.message, 'exclude[1]: unknown axis "sesion" (did you mean "session"?)');
});

t.test('an include with an unknown value names the entry and the axis', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'include:\n  - { launch: nohub }\n'));
  t.match(e.message, 'include[0].launch: unknown launch "nohub" (did you mean "nohup"?)');
});

t.test('an sshd extra option that is not "Keyword value" is rejected', async t => {
  const e = loadError(t, scenarioFile(t, minimal + 'sshd:\n  extra: ["MaxSessions 10", "NoValue"]\n'));
  t.match(e.message, 'sshd.extra');
  t.match(e.message, 'must be "Keyword value"');
});

t.test('sshd extra options of the form "Keyword value" pass through verbatim', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'sshd:\n  extra: ["MaxSessions 10", "LoginGraceTime 30s"]\n'));
  t.same(s.sshd.extra, ['MaxSessions 10', 'LoginGraceTime 30s']);
});

t.test('run.concurrency outside 1..64 is rejected', async t => {
  t.match(loadError(t, scenarioFile(t, minimal + 'run:\n  concurrency: 0\n')).message, 'run.concurrency: ');
  t.match(loadError(t, scenarioFile(t, minimal + 'run:\n  concurrency: 65\n')).message, 'run.concurrency: ');
});
