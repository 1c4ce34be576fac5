import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DEFAULT_AXES as DEFAULT_CELL } from '../fixtures/cell.js';
import { launches } from '../../harness/launch/registry.js';
import { expand } from '../../harness/matrix/expand.js';
import type { Cell } from '../../harness/results.js';
import { latencyRepeats, loadScenario } from '../../harness/scenario/load.js';
import { sessions } from '../../harness/session/registry.js';
import { severs } from '../../harness/sever/registry.js';
import { workloads } from '../../harness/workload/registry.js';
import { errorOf, loadError, scenarioFile } from './helpers.js';

const scenarios = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const minimal = `name: t
target: debian-bookworm
axes:
  session: [pty]
  launch: [nohup]
  workload: [quiet]
  sever: [logout]
`;

/** The axes a scenario gets when it sets nothing but the four required ones. */
const DEFAULT_AXES = {
  target: ['debian-bookworm'],
  server: ['openssh'],
  client: ['openssh'],
  user: ['lab'],
  clientAlive: ['off'],
  serverAlive: ['off'],
  tcpKeepAlive: ['yes'],
  kernel: ['default'],
  killUserProcesses: ['no'],
  linger: ['off'],
  huponexit: ['off'],
};

/** `minimal` with one more line under `axes:` (e.g. "linger: [on]"). */
const withAxis = (line: string) => minimal + `  ${line}\n`;

const cellsOf = (s: ReturnType<typeof loadScenario>) => expand(s.blocks, { repeats: latencyRepeats });

t.test('scenarios/default.yaml loads as the full 2 × 8 × 2 × 4 matrix', async t => {
  const s = loadScenario(path.join(scenarios, 'default.yaml'));
  t.equal(s.name, 'default');
  t.same(s.axes, {
    ...DEFAULT_AXES,
    session: ['pty', 'exec'],
    launch: ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux', 'screen', 'systemd-run-user'],
    workload: ['chatty', 'quiet'],
    sever: ['logout', 'client-kill', 'sshd-kill', 'drop'],
    clientAlive: ['1/2'],
  });
  t.equal(s.blocks.length, 1);
  t.same(s.sshdExtra, []);
  t.equal(s.run.concurrency, 24);
  t.equal(s.run.latencyRepeats, 1, 'one sample per cell; scenarios/faults.yaml measures latency distributions');
  t.same(
    s.blocks.map(b => b.latencyRepeats),
    [1],
  );
  t.ok(s.description.length > 0);
  const cells = cellsOf(s);
  t.equal(new Set(cells.map(c => c.caseId)).size, 128, '128 cases');
  // drop is a network sever with ClientAlive on, but latencyRepeats is 1: every case runs once.
  t.equal(cells.length, 128, '128 cells');
  t.ok(
    cells.every(c => c.rep === 1 && c.id === c.caseId),
    'no repetitions',
  );
});

t.test('scenarios/smoke.yaml loads', async t => {
  const file = path.join(scenarios, 'smoke.yaml');
  const s = loadScenario(file);
  t.equal(s.file, file);
  t.equal(s.name, 'smoke');
  t.same(s.axes, {
    ...DEFAULT_AXES,
    session: ['pty'],
    launch: ['background', 'nohup'],
    workload: ['quiet'],
    sever: ['client-kill'],
    clientAlive: ['1/2'],
  });
  t.equal(cellsOf(s).length, 2);
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
  t.same(s.sshdExtra, []);
  t.same(s.run, { concurrency: 10, latencyRepeats: 5, strict: false });
  t.same(s.expectations, []);
  t.same(s.races, []);
  t.equal(s.sshdConfig, null);
  t.same(s.axes, { ...DEFAULT_AXES, session: ['pty'], launch: ['nohup'], workload: ['quiet'], sever: ['logout'] });
  t.equal(s.blocks.length, 1);
  t.same(s.blocks[0], { name: 'axes', axes: s.axes, matrixAxes: ['target', 'session', 'launch', 'workload', 'sever'], exclude: [], include: [], latencyRepeats: 5 });
});

t.test('top-level settings become the one-value default of their axis', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      minimal +
        'sshd:\n  ClientAliveInterval: 15\n  ClientAliveCountMax: 3\n  TCPKeepAlive: false\n' +
        'client:\n  ServerAliveInterval: 5\n  ServerAliveCountMax: 2\n' +
        'logind:\n  KillUserProcesses: true\n' +
        'kernel:\n  net.ipv4.tcp_keepalive_time: 5\n  net.ipv4.tcp_retries2: 3\n',
    ),
  );
  t.same(s.axes.clientAlive, ['15/3']);
  t.same(s.axes.serverAlive, ['5/2']);
  t.same(s.axes.tcpKeepAlive, ['no']);
  t.same(s.axes.killUserProcesses, ['yes']);
  t.same(s.axes.kernel, ['tcp_keepalive_time=5,tcp_retries2=3']);
});

t.test('a keepalive interval of 0 at the top level is "off", whatever the count', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'sshd:\n  ClientAliveInterval: 0\n  ClientAliveCountMax: 7\nclient:\n  ServerAliveCountMax: 9\n'));
  t.same(s.axes.clientAlive, ['off']);
  t.same(s.axes.serverAlive, ['off']);
});

t.test('ClientAliveCountMax alone keeps the default interval (off)', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'sshd:\n  ClientAliveCountMax: 5\n'));
  t.same(s.axes.clientAlive, ['off']);
});

t.test('an axis overrides the top-level default', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('clientAlive: [off, 5/3]') + 'sshd:\n  ClientAliveInterval: 1\n  ClientAliveCountMax: 2\n'));
  t.same(s.axes.clientAlive, ['off', '5/3']);
});

t.test('every axis accepts its valid values', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      `name: t
target: debian-bookworm
axes:
  user: [lab, root]
  session: [pty, exec, exec-tty]
  launch: [foreground, background, disown, nohup, setsid, tmux, screen, systemd-run-user]
  workload: [chatty, quiet]
  sever: [logout, client-kill, sshd-kill, drop, reject, sleep, "sleep:1", sleep:600, nat-expiry, nat-expiry:2, nat-expiry:3600, sshd-restart, hangup, group-kill]
  clientAlive: [off, 1/2, 15/3, 1/0]
  serverAlive: [off, 5/2]
  tcpKeepAlive: [yes, no]
  kernel: [default, tcp_retries2=3, "tcp_keepalive_time=10,tcp_keepalive_intvl=5,tcp_keepalive_probes=3", net.ipv4.tcp_retries2=5]
  killUserProcesses: [no, yes]
  linger: [off, on]
  huponexit: [off, on]
`,
    ),
  );
  t.same(s.axes.user, ['lab', 'root']);
  t.same(s.axes.sever.length, 14);
  t.same(s.axes.clientAlive, ['off', '1/2', '15/3', '1/0']);
  t.same(s.axes.kernel, ['default', 'tcp_retries2=3', 'tcp_keepalive_time=10,tcp_keepalive_intvl=5,tcp_keepalive_probes=3', 'tcp_retries2=5'], 'kernel values in their short form');
  t.same(s.axes.linger, ['off', 'on']);
});

t.test('every registered session, launch mode and sever loads by its name', async t => {
  const list = (xs: readonly string[]) => `[${xs.map(x => JSON.stringify(x)).join(', ')}]`;
  const s = loadScenario(
    scenarioFile(
      t,
      `name: t\ntarget: debian-bookworm\naxes:\n  session: ${list(sessions.names)}\n  launch: ${list(launches.names)}\n  workload: [quiet]\n  sever: ${list(severs.names)}\n`,
    ),
  );
  t.same(s.axes.session, sessions.names);
  t.same(s.axes.launch, launches.names);
  t.same(s.axes.sever, severs.names);
});

t.test('YAML booleans read as the axis’s own words', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      withAxis('tcpKeepAlive: [true, false]') +
        '  killUserProcesses: [true]\n  linger: [true, false]\n  huponexit: [false, true]\n' +
        'exclude:\n  - { linger: true, tcpKeepAlive: false }\n' +
        'include:\n  - { huponexit: true, killUserProcesses: false }\n',
    ),
  );
  t.same(s.axes.tcpKeepAlive, ['yes', 'no']);
  t.same(s.blocks[0]!.axes.killUserProcesses, ['yes']);
  t.same(s.axes.killUserProcesses, ['yes', 'no'], 'the include brings "no"');
  t.same(s.axes.linger, ['on', 'off']);
  t.same(s.axes.huponexit, ['off', 'on']);
  t.same(s.blocks[0]!.exclude, [{ linger: 'on', tcpKeepAlive: 'no' }]);
  t.same(s.blocks[0]!.include, [{ huponexit: 'on', killUserProcesses: 'no' }]);
});

t.test('a boolean on an axis that is not on/off or yes/no is an error, not a silent value', async t => {
  t.match(errorOf(t, minimal.replace('session: [pty]', 'session: [true]')), /^axes\.session\[0\]: unknown session "on"/);
});

t.test('exclude and include patterns with known axes and values are kept', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      minimal +
        'exclude:\n  - { session: exec, launch: tmux }\n  - { user: root, clientAlive: 1/2, sever: "sleep:20" }\n' +
        'include:\n  - { target: debian-bookworm, session: pty, launch: setsid, workload: chatty, sever: drop, linger: on }\n',
    ),
  );
  t.same(s.blocks[0]!.exclude, [
    { session: 'exec', launch: 'tmux' },
    { user: 'root', clientAlive: '1/2', sever: 'sleep:20' },
  ]);
  t.same(s.blocks[0]!.include, [{ target: 'debian-bookworm', session: 'pty', launch: 'setsid', workload: 'chatty', sever: 'drop', linger: 'on' }]);
});

t.test('an include that disagrees with a matrix axis is a new cell over the first values of the axes', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('user: [lab, root]') + 'include:\n  - { launch: setsid, linger: on }\n'));
  const cells = cellsOf(s);
  t.equal(cells.length, 3);
  t.match(cells.at(-1)!, { user: 'lab', session: 'pty', launch: 'setsid', workload: 'quiet', sever: 'logout', linger: 'on' });
});

t.test('an include that agrees with the matrix axes sets defaults in those cells (GitHub semantics)', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('user: [lab, root]') + 'include:\n  - { user: root, linger: on, clientAlive: 1/2 }\n'));
  const cells = cellsOf(s);
  t.equal(cells.length, 2, 'no new cell');
  t.match(cells[0]!, { user: 'lab', linger: 'off', clientAlive: 'off' });
  t.match(cells[1]!, { user: 'root', linger: 'on', clientAlive: '1/2' });
  t.same(s.blocks[0]!.matrixAxes, ['target', 'user', 'session', 'launch', 'workload', 'sever'], 'axes under axes: are the matrix; the rest are defaults');
});

t.test('matrices: each block inherits the top-level axes and defaults and overrides its own', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      `name: t
target: debian-bookworm
sshd: { ClientAliveInterval: 1, ClientAliveCountMax: 2 }
axes:
  session: [pty]
  workload: [quiet]
matrices:
  - name: the basics
    axes:
      launch: [nohup, setsid]
      sever: [logout, drop]
  - name: latency
    axes:
      launch: [nohup]
      sever: [drop, reject]
      clientAlive: [off, 5/2]
      serverAlive: [5/2]
`,
    ),
  );
  t.equal(s.blocks.length, 2);
  t.same(s.blocks[0]!.axes, { ...DEFAULT_AXES, session: ['pty'], workload: ['quiet'], launch: ['nohup', 'setsid'], sever: ['logout', 'drop'], clientAlive: ['1/2'] });
  t.same(s.blocks[1]!.axes, { ...DEFAULT_AXES, session: ['pty'], workload: ['quiet'], launch: ['nohup'], sever: ['drop', 'reject'], clientAlive: ['off', '5/2'], serverAlive: ['5/2'] });
  t.same(s.axes.launch, ['nohup', 'setsid'], 'the union of the blocks, in order, without duplicates');
  t.same(s.axes.sever, ['logout', 'drop', 'reject']);
  t.same(s.axes.clientAlive, ['1/2', 'off', '5/2']);
  t.same(s.axes.serverAlive, ['off', '5/2']);
});

t.test('matrices: top-level exclude/include apply to every block, a block’s own to it alone', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      `name: t
target: debian-bookworm
axes: { session: [pty, exec], workload: [quiet], launch: [nohup] }
exclude:
  - { session: exec, sever: drop }
matrices:
  - axes: { sever: [logout, drop] }
    exclude:
      - { session: exec }
  - axes: { sever: [drop, reject] }
    include:
      - { session: exec, sever: drop, linger: on }
`,
    ),
  );
  t.same(s.blocks[0]!.exclude, [{ session: 'exec', sever: 'drop' }, { session: 'exec' }]);
  t.same(s.blocks[1]!.exclude, [{ session: 'exec', sever: 'drop' }]);
  t.same(s.blocks[0]!.include, []);
  t.same(s.blocks[1]!.include, [{ session: 'exec', sever: 'drop', linger: 'on' }]);
  const cells = cellsOf(s);
  t.same(
    cells.map(c => `${c.session} ${c.sever} ${c.linger}`),
    ['pty logout off', 'pty drop off', 'pty reject off', 'exec reject off', 'exec drop on'],
    'pty drop appears once although both blocks have it',
  );
});

t.test('matrices: latencyRepeats per block, else run.latencyRepeats', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      `name: t
target: debian-bookworm
sshd: { ClientAliveInterval: 1, ClientAliveCountMax: 2 }
axes: { session: [pty], workload: [quiet], launch: [nohup] }
run: { latencyRepeats: 3 }
matrices:
  - axes: { sever: [drop] }
  - axes: { sever: [reject] }
    latencyRepeats: 7
`,
    ),
  );
  t.same(
    s.blocks.map(b => b.latencyRepeats),
    [3, 7],
  );
  const cells = cellsOf(s);
  t.equal(cells.filter(c => c.sever === 'drop').length, 3);
  t.equal(cells.filter(c => c.sever === 'reject').length, 7);
});

t.test('without matrices: one block, run.latencyRepeats applies', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('clientAlive: [1/2]').replace('sever: [logout]', 'sever: [logout, drop]') + 'run: { latencyRepeats: 2 }\n'));
  t.equal(s.blocks.length, 1);
  t.equal(s.blocks[0]!.latencyRepeats, 2);
  t.same(
    cellsOf(s).map(c => `${c.sever} ${c.rep}`),
    ['logout 1', 'drop 1', 'drop 2'],
  );
});

t.test('run settings are kept', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'run: { concurrency: 3, sessionTimeoutMs: 5000, afterSessionMs: 0, latencyRepeats: 1, strict: true }\n'));
  t.same(s.run, { concurrency: 3, sessionTimeoutMs: 5000, afterSessionMs: 0, latencyRepeats: 1, strict: true });
});

t.test('sshd extra options of the form "Keyword value" pass through verbatim', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'sshd:\n  extra: ["MaxSessions 10", "LoginGraceTime 30s"]\n'));
  t.same(s.sshdExtra, ['MaxSessions 10', 'LoginGraceTime 30s']);
});

// ---- latencyRepeats ----

const cellWith = (o: Partial<Cell>): Omit<Cell, 'id' | 'caseId' | 'rep'> => ({ ...DEFAULT_CELL, ...o });

t.test('latencyRepeats: a network sever with a keepalive on either side repeats', async t => {
  const s = loadScenario(scenarioFile(t, minimal));
  const b = { ...s.blocks[0]!, latencyRepeats: 4 };
  for (const sever of ['drop', 'reject', 'sleep', 'sleep:20', 'nat-expiry', 'nat-expiry:10']) {
    t.equal(latencyRepeats(cellWith({ sever, clientAlive: '1/2' }), b), 4, `${sever}, ClientAlive`);
    t.equal(latencyRepeats(cellWith({ sever, serverAlive: '5/2' }), b), 4, `${sever}, ServerAlive`);
    t.equal(latencyRepeats(cellWith({ sever, clientAlive: '1/2', serverAlive: '5/2' }), b), 4, `${sever}, both`);
  }
});

t.test('latencyRepeats: a network sever without ClientAlive or ServerAlive runs once', async t => {
  const s = loadScenario(scenarioFile(t, minimal));
  const b = { ...s.blocks[0]!, latencyRepeats: 4 };
  for (const sever of ['drop', 'reject', 'sleep:20', 'nat-expiry:10']) t.equal(latencyRepeats(cellWith({ sever }), b), 1, sever);
});

t.test('latencyRepeats: process severs run once even with a keepalive on', async t => {
  const s = loadScenario(scenarioFile(t, minimal));
  const b = { ...s.blocks[0]!, latencyRepeats: 4 };
  for (const sever of ['logout', 'client-kill', 'sshd-kill', 'sshd-restart', 'hangup', 'group-kill']) {
    t.equal(latencyRepeats(cellWith({ sever, clientAlive: '1/2', serverAlive: '5/2' }), b), 1, sever);
  }
});

// ---- errors: one line, FILE: field path: what is wrong and how to fix it ----

t.test('a missing file is bad input that names the path', async t => {
  const file = path.join(t.testdir({}), 'nope.yaml');
  const e = loadError(t, file);
  t.match(e.message, /cannot read the scenario file \(ENOENT\); check the path/);
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

t.test('an unknown launch mode names its index and suggests the closest', async t => {
  const m = errorOf(t, minimal.replace('launch: [nohup]', 'launch: [background, nohub]'));
  t.match(m, /^axes\.launch\[1\]: unknown launch mode "nohub" \(did you mean "nohup"\?\)/);
});

t.test('every declared workload is a value the workload axis takes', async t => {
  const s = loadScenario(scenarioFile(t, minimal.replace('workload: [quiet]', `workload: [${workloads.names.join(', ')}]`)));
  t.same(s.axes.workload, [...workloads.names]);
});

t.test('an unknown session, workload, sever and user are each named with their axis', async t => {
  t.match(errorOf(t, minimal.replace('session: [pty]', 'session: [tty]')), /^axes\.session\[0\]: unknown session "tty"/);
  t.match(errorOf(t, minimal.replace('workload: [quiet]', 'workload: [silent]')), /^axes\.workload\[0\]: unknown workload "silent"/);
  t.match(errorOf(t, minimal.replace('sever: [logout]', 'sever: [logut]')), /^axes\.sever\[0\]: unknown sever method "logut" \(did you mean "logout"\?\)/);
  t.match(errorOf(t, withAxis('user: [lab, admin]')), /^axes\.user\[1\]: unknown user "admin" \(known: lab, root\)$/);
});

t.test('an unknown sever method with a parameter is named without the parameter', async t => {
  t.match(errorOf(t, minimal.replace('sever: [logout]', 'sever: ["slep:20"]')), /^axes\.sever\[0\]: unknown sever method "slep" \(did you mean "sleep"\?\)/);
});

t.test('a sever parameter out of range names the value, its meaning and the range', async t => {
  t.equal(
    errorOf(t, minimal.replace('sever: [logout]', 'sever: [logout, "sleep:0"]')),
    'axes.sever[1]: "sleep:0": the parameter of sleep is seconds asleep, a whole number from 1 to 600',
  );
  t.match(errorOf(t, minimal.replace('sever: [logout]', 'sever: ["sleep:601"]')), /^axes\.sever\[0\]: "sleep:601": .* from 1 to 600$/);
  t.match(
    errorOf(t, minimal.replace('sever: [logout]', 'sever: ["nat-expiry:1"]')),
    /^axes\.sever\[0\]: "nat-expiry:1": the parameter of nat-expiry is NAT idle timeout in seconds, a whole number from 2 to 3600$/,
  );
  t.match(errorOf(t, minimal.replace('sever: [logout]', 'sever: ["nat-expiry:3601"]')), /^axes\.sever\[0\]: "nat-expiry:3601": /);
});

t.test('a sever parameter that is not a whole number is rejected', async t => {
  for (const bad of ['sleep:', 'sleep:abc', 'sleep:1.5', 'sleep:-5', 'sleep: 5', 'sleep:5s', 'sleep:1e2']) {
    t.match(errorOf(t, minimal.replace('sever: [logout]', `sever: ["${bad}"]`)), `axes.sever[0]: "${bad}": the parameter of sleep is seconds asleep, a whole number from 1 to 600`, bad);
  }
});

t.test('a parameter on a sever that takes none is rejected with the fix', async t => {
  t.equal(errorOf(t, minimal.replace('sever: [logout]', 'sever: ["logout:5"]')), 'axes.sever[0]: sever "logout" takes no parameter; write "logout"');
  t.equal(errorOf(t, minimal.replace('sever: [logout]', 'sever: ["drop:"]')), 'axes.sever[0]: sever "drop" takes no parameter; write "drop"');
});

t.test('a bad clientAlive / serverAlive value names the field and the expected form', async t => {
  t.equal(errorOf(t, withAxis('clientAlive: [off, "1-2"]')), 'axes.clientAlive[1]: "1-2" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"');
  t.equal(errorOf(t, withAxis('serverAlive: ["0/3"]')), 'axes.serverAlive[0]: "0/3": an interval of 0 disables keepalive; write "off"');
  t.equal(errorOf(t, withAxis('clientAlive: [15]')), 'axes.clientAlive[0]: "15" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"');
  t.equal(errorOf(t, withAxis('clientAlive: [true]')), 'axes.clientAlive[0]: "on" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"');
});

t.test('a YAML false on a keepalive axis reads as "off"', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('clientAlive: [false, 1/2]') + '  serverAlive: [false]\n'));
  t.same(s.axes.clientAlive, ['off', '1/2']);
  t.same(s.axes.serverAlive, ['off']);
});

t.test('bad yes/no and on/off values name the axis and the known words', async t => {
  t.equal(errorOf(t, withAxis('tcpKeepAlive: [maybe]')), 'axes.tcpKeepAlive[0]: unknown tcpKeepAlive value "maybe" (known: yes, no)');
  t.equal(errorOf(t, withAxis('killUserProcesses: [on]')), 'axes.killUserProcesses[0]: unknown killUserProcesses value "on" (did you mean "no"?) (known: yes, no)');
  t.equal(errorOf(t, withAxis('linger: [yes]')), 'axes.linger[0]: unknown linger value "yes" (known: on, off)');
  t.match(errorOf(t, withAxis('huponexit: [onn]')), /^axes\.huponexit\[0\]: unknown huponexit value "onn" \(did you mean "on"\?\)/);
});

t.test('a bad kernel axis value names the part and the allowed sysctls', async t => {
  t.equal(errorOf(t, withAxis('kernel: [default, "tcp_retries2=x"]')), 'axes.kernel[1]: "tcp_retries2=x" is not "sysctl=number"');
  t.match(errorOf(t, withAxis('kernel: [ip_forward=1]')), /^axes\.kernel\[0\]: sysctl "ip_forward" is not allowed \(allowed: tcp_keepalive_time, /);
});

t.test('kernel both at the top level and as an axis is rejected', async t => {
  const both = 'set kernel sysctls either at the top level or as the `kernel` axis, not both';
  t.equal(errorOf(t, withAxis('kernel: [tcp_retries2=3]') + 'kernel:\n  net.ipv4.tcp_retries2: 5\n'), `kernel: ${both}`);
  t.equal(
    errorOf(t, minimal + 'kernel:\n  net.ipv4.tcp_retries2: 5\nmatrices:\n  - axes: { sever: [drop] }\n  - axes: { kernel: [default] }\n'),
    `kernel: ${both}`,
    'also when the axis is in a matrices block',
  );
});

t.test('a missing required axis is named', async t => {
  t.equal(errorOf(t, minimal.replace('  sever: [logout]\n', '')), 'axes.sever: missing; list the values to run');
  t.equal(errorOf(t, minimal.replace('  session: [pty]\n', '')), 'axes.session: missing; list the values to run');
});

t.test('a missing sever axis in a matrices block names the block', async t => {
  const m = errorOf(
    t,
    `name: t
target: debian-bookworm
axes: { session: [pty], launch: [nohup], workload: [quiet] }
matrices:
  - axes: { sever: [drop] }
  - axes: { launch: [setsid] }
`,
  );
  t.equal(m, 'matrices[1].axes.sever: missing; list the values to run (here or under the top-level axes:)');
});

t.test('a required axis at the top level satisfies every block', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'matrices:\n  - axes: { launch: [setsid] }\n  - {}\n'));
  t.same(
    s.blocks.map(b => b.axes.launch),
    [['setsid'], ['nohup']],
  );
});

t.test('an invalid value in a matrices block names the block', async t => {
  t.equal(
    errorOf(t, minimal + 'matrices:\n  - axes: { sever: [drop] }\n  - axes: { serverAlive: [off, x] }\n'),
    'matrices[1].axes.serverAlive[1]: "x" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"',
  );
  t.equal(errorOf(t, minimal + 'matrices:\n  - exclude: [{ sever: "logout:1" }]\n'), 'matrices[0].exclude[0].sever: sever "logout" takes no parameter; write "logout"');
});

t.test('an unknown axis in exclude or include names the entry and suggests the axis', async t => {
  t.match(errorOf(t, minimal + 'exclude:\n  - { session: pty }\n  - { sesion: pty }\n'), /^exclude\[1\]: unknown axis "sesion" \(did you mean "session"\?\)/);
  t.match(errorOf(t, minimal + 'exclude:\n  - { lingr: on }\n'), /^exclude\[0\]: unknown axis "lingr" \(did you mean "linger"\?\)/);
  t.match(errorOf(t, minimal + 'include:\n  - { clientalive: 1/2 }\n'), /^include\[0\]: unknown axis "clientalive" \(did you mean "clientAlive"\?\)/);
  t.match(errorOf(t, minimal + 'matrices:\n  - exclude: [{ rep: 2 }]\n'), /^matrices\[0\]\.exclude\[0\]: unknown axis "rep"/);
});

t.test('an invalid value in exclude or include names the entry and the axis', async t => {
  t.match(errorOf(t, minimal + 'include:\n  - { launch: nohub }\n'), /^include\[0\]\.launch: unknown launch mode "nohub" \(did you mean "nohup"\?\)/);
  t.equal(errorOf(t, minimal + 'exclude:\n  - { clientAlive: "1-2" }\n'), 'exclude[0].clientAlive: "1-2" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"');
  t.equal(errorOf(t, minimal + 'exclude:\n  - { sever: "sleep:0" }\n'), 'exclude[0].sever: "sleep:0": the parameter of sleep is seconds asleep, a whole number from 1 to 600');
  t.match(errorOf(t, minimal + 'include:\n  - { target: debian-bookwrm }\n'), /^include\[0\]\.target: unknown target "debian-bookwrm"/);
});

t.test('an unknown target is named', async t => {
  t.match(errorOf(t, minimal.replace('debian-bookworm', 'debian-bookwrm')), /^targets\[0\]: unknown target "debian-bookwrm" \(did you mean "debian-bookworm"\?\)/);
});

/** The axes an `axes:` map may name, as "unknown axis" messages list them. */
const AXES_KNOWN = '(known: server, client, user, session, launch, workload, sever, clientAlive, serverAlive, tcpKeepAlive, kernel, killUserProcesses, linger, huponexit)';
const TARGET_HINT = '(the target is set with target: or targets: at the top level)';

t.test('an unknown top-level key is named as an unknown field, with the fix', async t => {
  t.equal(errorOf(t, minimal + 'axis: {}\n'), '(top level): unknown field "axis"; remove it or check its spelling');
  t.equal(errorOf(t, minimal + 'matrix: []\n'), '(top level): unknown field "matrix"; remove it or check its spelling');
});

t.test('an unknown axis under axes: is named as an axis, with a suggestion', async t => {
  t.equal(errorOf(t, withAxis('lingr: [on]')), `axes: unknown axis "lingr" (did you mean "linger"?) ${AXES_KNOWN}`);
  t.equal(errorOf(t, withAxis('clientalive: [1/2]')), `axes: unknown axis "clientalive" (did you mean "clientAlive"?) ${AXES_KNOWN}`);
  t.equal(errorOf(t, withAxis('frobnicate: [x]')), `axes: unknown axis "frobnicate" ${AXES_KNOWN}`, 'no suggestion when nothing is close');
});

t.test('an unknown axis under a matrices block’s axes: names the block', async t => {
  t.equal(errorOf(t, minimal + 'matrices:\n  - axes: { sever: [drop] }\n  - axes: { sevr: [drop] }\n'), `matrices[1].axes: unknown axis "sevr" (did you mean "sever"?) ${AXES_KNOWN}`);
});

t.test('target is not an axis: the message says where the target is set', async t => {
  t.equal(errorOf(t, withAxis('target: [debian-bookworm]')), `axes: unknown axis "target" ${AXES_KNOWN} ${TARGET_HINT}`);
  t.equal(errorOf(t, minimal + 'matrices:\n  - axes: { target: [debian-bookworm] }\n'), `matrices[0].axes: unknown axis "target" ${AXES_KNOWN} ${TARGET_HINT}`, 'also in a matrices block');
});

t.test('target: and targets: together are rejected, naming target', async t => {
  t.equal(errorOf(t, minimal + 'targets: [debian-bookworm]\n'), `(top level): unknown field "target"; remove it or check its spelling ${TARGET_HINT}`);
});

t.test('a field path is written like the harness’s own: dots for keys, brackets for indexes', async t => {
  t.equal(errorOf(t, minimal + 'matrices:\n  - axes: { sever: [drop] }\n  - axes: { sever: [drop, logout, { x: 1 }] }\n'), 'matrices[1].axes.sever[2]: Invalid input');
  t.equal(errorOf(t, minimal.replace('sever: [logout]', 'sever: [logout, [drop]]')), 'axes.sever[1]: Invalid input');
  t.match(errorOf(t, minimal + 'matrices:\n  - axes: { sever: drop }\n'), /^matrices\[0\]\.axes\.sever: /);
  t.match(errorOf(t, minimal + 'sshd:\n  extra: ["MaxSessions 10", "NoValue"]\n'), /^sshd\.extra\[1\]: must be "Keyword value"$/);
  t.match(errorOf(t, minimal + 'exclude:\n  - { session: pty }\n  - { session: [pty] }\n'), /^exclude\[1\]\.session: /);
  t.match(errorOf(t, minimal + 'matrices:\n  - include: [{ linger: [on] }]\n'), /^matrices\[0\]\.include\[0\]\.linger: /);
  t.match(errorOf(t, minimal.replace('target: debian-bookworm', 'targets: [debian-bookworm, 3]')), /^targets\[1\]: /);
});

t.test('a wrong type names the field path', async t => {
  t.match(errorOf(t, minimal + 'sshd:\n  ClientAliveInterval: "x"\n'), /^sshd\.ClientAliveInterval: /);
  t.match(errorOf(t, minimal + 'client:\n  ServerAliveInterval: -1\n'), /^client\.ServerAliveInterval: /);
  t.match(errorOf(t, minimal + 'logind:\n  KillUserProcesses: "no"\n'), /^logind\.KillUserProcesses: /);
  t.match(errorOf(t, minimal + 'kernel:\n  net.ipv4.tcp_retries2: x\n'), /^kernel\.net\.ipv4\.tcp_retries2: /);
});

t.test('an unknown sshd, client, logind or run key is rejected as an unknown field', async t => {
  const unknown = (key: string) => `unknown field "${key}"; remove it or check its spelling`;
  t.equal(errorOf(t, minimal + 'sshd:\n  ClientAliveIntreval: 1\n'), `sshd: ${unknown('ClientAliveIntreval')}`);
  t.equal(errorOf(t, minimal + 'client:\n  ServerAliveCount: 1\n'), `client: ${unknown('ServerAliveCount')}`);
  t.equal(errorOf(t, minimal + 'logind:\n  KillUserProcess: true\n'), `logind: ${unknown('KillUserProcess')}`);
  t.equal(errorOf(t, minimal + 'run:\n  concurency: 3\n'), `run: ${unknown('concurency')}`);
  t.notMatch(errorOf(t, minimal + 'run:\n  sever: 3\n'), 'unknown axis', 'a key that happens to be an axis name is still a field outside axes:');
});

t.test('an empty axis list is rejected', async t => {
  t.match(errorOf(t, minimal.replace('sever: [logout]', 'sever: []')), /^axes\.sever: /);
  t.match(errorOf(t, withAxis('linger: []')), /^axes\.linger: /);
});

t.test('an empty file is rejected at the top level', async t => {
  t.match(errorOf(t, ''), '(top level)');
});

t.test('an unknown top-level sysctl is named with a suggestion', async t => {
  t.match(
    errorOf(t, minimal + 'kernel:\n  net.ipv4.tcp_keepalive_tim: 5\n'),
    /^kernel: unknown sysctl "net\.ipv4\.tcp_keepalive_tim" \(did you mean "net\.ipv4\.tcp_keepalive_time"\?\)/,
  );
});

t.test('a top-level sysctl outside the allowed list is rejected even when it is a real sysctl', async t => {
  t.match(errorOf(t, minimal + 'kernel:\n  net.ipv4.ip_forward: 1\n'), /^kernel: unknown sysctl "net\.ipv4\.ip_forward"/);
});

t.test('an sshd extra option that is not "Keyword value" is rejected', async t => {
  const m = errorOf(t, minimal + 'sshd:\n  extra: ["MaxSessions 10", "NoValue"]\n');
  t.match(m, /^sshd\.extra/);
  t.match(m, 'must be "Keyword value"');
});

t.test('run settings out of range are rejected', async t => {
  t.match(errorOf(t, minimal + 'run:\n  concurrency: 0\n'), /^run\.concurrency: /);
  t.match(errorOf(t, minimal + 'run:\n  concurrency: 65\n'), /^run\.concurrency: /);
  t.match(errorOf(t, minimal + 'run:\n  latencyRepeats: 0\n'), /^run\.latencyRepeats: /);
  t.match(errorOf(t, minimal + 'run:\n  latencyRepeats: 51\n'), /^run\.latencyRepeats: /);
  t.match(errorOf(t, minimal + 'run:\n  sessionTimeoutMs: 999\n'), /^run\.sessionTimeoutMs: /);
  t.match(errorOf(t, minimal + 'matrices:\n  - latencyRepeats: 0\n'), /^matrices\[0\]\.latencyRepeats: /);
});

t.test('an unknown key in a matrices block is rejected', async t => {
  t.equal(errorOf(t, minimal + 'matrices:\n  - axes: { sever: [drop] }\n    exlude: []\n'), 'matrices[0]: unknown field "exlude"; remove it or check its spelling');
});

// ---- top-level include with matrices ----

t.test('matrices: a top-level include is rejected, telling to put it inside a block', async t => {
  const fix = 'include: with matrices:, put each include inside the block it belongs to (matrices[i].include)';
  t.equal(errorOf(t, minimal + 'include:\n  - { launch: setsid }\nmatrices:\n  - axes: { sever: [drop] }\n'), fix);
  t.equal(errorOf(t, minimal + 'matrices:\n  - axes: { sever: [drop] }\n  - {}\ninclude:\n  - { linger: on }\n'), fix, 'also when include: comes after matrices:');
});

t.test('matrices: a top-level exclude is still allowed and applies to every block', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'exclude:\n  - { sever: drop }\nmatrices:\n  - axes: { sever: [drop, logout] }\n  - axes: { sever: [drop, reject] }\n'));
  t.same(
    s.blocks.map(b => b.exclude),
    [[{ sever: 'drop' }], [{ sever: 'drop' }]],
  );
  t.same(
    cellsOf(s).map(c => c.sever),
    ['logout', 'reject'],
  );
});

t.test('without matrices: a top-level include is kept', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'include:\n  - { launch: setsid }\n'));
  t.same(s.blocks[0]!.include, [{ launch: 'setsid' }]);
});

// ---- Scenario.axes covers includes ----

t.test('Scenario.axes lists a value that only an include brings', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'include:\n  - { user: root, launch: setsid }\n'));
  t.ok(
    cellsOf(s).some(c => c.user === 'root'),
    'a root cell is run',
  );
  t.same(s.axes.user, ['lab', 'root'], 'so the axes must not say user was fixed at lab');
  t.same(s.axes.launch, ['nohup', 'setsid']);
  t.same(s.blocks[0]!.axes.user, ['lab'], 'the block’s own axes are unchanged: an include adds a cell, not a value to cross');
  t.same(s.blocks[0]!.axes.launch, ['nohup']);
});

t.test('Scenario.axes: include values come after the axis values, once each', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      withAxis('linger: [on]') + 'include:\n  - { linger: off, launch: nohup }\n  - { linger: on, launch: setsid }\n  - { launch: setsid, sever: drop }\n',
    ),
  );
  t.same(s.axes.linger, ['on', 'off']);
  t.same(s.axes.launch, ['nohup', 'setsid'], 'a value already on the axis, or in an earlier include, is not repeated');
  t.same(s.axes.sever, ['logout', 'drop']);
  t.same(s.axes.session, ['pty'], 'an axis no include names is as the axes say');
});

t.test('Scenario.axes: a value only a matrices block’s include brings is listed, in block order', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      minimal +
        'matrices:\n' +
        '  - axes: { sever: [logout] }\n    include: [{ sever: drop, clientAlive: 1/2 }]\n' +
        '  - axes: { sever: [reject] }\n    include: [{ user: root }]\n',
    ),
  );
  t.same(s.axes.sever, ['logout', 'drop', 'reject']);
  t.same(s.axes.clientAlive, ['off', '1/2']);
  t.same(s.axes.user, ['lab', 'root']);
  const cells = cellsOf(s);
  for (const axis of ['sever', 'clientAlive', 'user'] as const) {
    t.same(new Set(cells.map(c => c[axis])), new Set(s.axes[axis]), `every ${axis} value listed is run, and every one run is listed`);
  }
});

t.test('Scenario.axes: a YAML boolean or a kernel value in an include is listed in its cell form', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'include:\n  - { huponexit: true, kernel: net.ipv4.tcp_retries2=3 }\n'));
  t.same(s.axes.huponexit, ['off', 'on']);
  t.same(s.axes.kernel, ['default', 'tcp_retries2=3']);
  t.match(cellsOf(s).at(-1)!, { huponexit: 'on', kernel: 'tcp_retries2=3' });
});

// ---- kernel values: one text per setting ----

t.test('kernel axis values are normalised to one text per setting', async t => {
  const s = loadScenario(scenarioFile(t, withAxis('kernel: [net.ipv4.tcp_retries2=3, "tcp_retries2=3"]')));
  t.same(s.axes.kernel, ['tcp_retries2=3'], 'the same sysctl written two ways is one server, not two');
  t.equal(cellsOf(s).length, 1, 'and one cell');
  t.same(
    loadScenario(scenarioFile(t, withAxis('kernel: ["net.ipv4.tcp_keepalive_time=10, tcp_keepalive_intvl=5"]'))).axes.kernel,
    ['tcp_keepalive_time=10,tcp_keepalive_intvl=5'],
    'short names, spaces dropped, order kept',
  );
});

t.test('kernel values written differently across matrices blocks are one value and one cell', async t => {
  const s = loadScenario(scenarioFile(t, minimal + 'matrices:\n  - axes: { kernel: [net.ipv4.tcp_retries2=3] }\n  - axes: { kernel: [tcp_retries2=3] }\n'));
  t.same(
    s.blocks.map(b => b.axes.kernel),
    [['tcp_retries2=3'], ['tcp_retries2=3']],
  );
  t.same(s.axes.kernel, ['tcp_retries2=3']);
  t.equal(cellsOf(s).length, 1);
});

t.test('kernel values in exclude and include patterns are normalised too, so they match the cells', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      withAxis('kernel: [default, tcp_retries2=3]').replace('sever: [logout]', 'sever: [logout, drop]') +
        'exclude:\n  - { kernel: net.ipv4.tcp_retries2=3, sever: logout }\n' +
        'include:\n  - { kernel: "net.ipv4.tcp_retries2=3", sever: drop }\n',
    ),
  );
  t.same(s.blocks[0]!.exclude, [{ kernel: 'tcp_retries2=3', sever: 'logout' }]);
  t.same(s.blocks[0]!.include, [{ kernel: 'tcp_retries2=3', sever: 'drop' }]);
  t.same(
    cellsOf(s).map(c => `${c.kernel} ${c.sever}`),
    ['default logout', 'default drop', 'tcp_retries2=3 drop'],
    'the exclude removed the cell and the include is the existing cell, not a second one',
  );
});

t.test('an empty kernel value or an empty part is an error, not a second "default"', async t => {
  t.equal(errorOf(t, withAxis('kernel: [""]')), 'axes.kernel[0]: "" has an empty part; write "default" or "sysctl=number,…"');
  t.equal(errorOf(t, withAxis('kernel: [default, ","]')), 'axes.kernel[1]: "," has an empty part; write "default" or "sysctl=number,…"');
  t.equal(errorOf(t, withAxis('kernel: ["tcp_retries2=3,"]')), 'axes.kernel[0]: "tcp_retries2=3," has an empty part; write "default" or "sysctl=number,…"');
  t.match(errorOf(t, minimal + 'include:\n  - { kernel: "" }\n'), /^include\[0\]\.kernel: "" has an empty part/);
  t.match(errorOf(t, minimal + 'matrices:\n  - axes: { kernel: ["tcp_retries2=3,,tcp_keepalive_time=10"] }\n'), /^matrices\[0\]\.axes\.kernel\[0\]: .* has an empty part/);
});

// ---- expectations ----

t.test('expectations: patterns with one value or a list, one verdict or several, an optional signal', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      withAxis('user: [lab, root]') +
        'expect:\n' +
        '  - where: { launch: nohup, user: [lab, root] }\n    verdict: survived\n    why: nohup ignores SIGHUP\n' +
        '  - where: { user: root }\n    verdict: [killed, survived]\n    signal: SIGHUP\n',
    ),
  );
  t.same(s.expectations, [
    { index: 0, where: { launch: ['nohup'], user: ['lab', 'root'] }, verdict: ['survived'], signal: null, why: 'nohup ignores SIGHUP' },
    { index: 1, where: { user: ['root'] }, verdict: ['killed', 'survived'], signal: 'SIGHUP', why: '' },
  ]);
});

t.test('expectations: values are normalised like axis values (YAML booleans, kernel spelling)', async t => {
  const s = loadScenario(
    scenarioFile(t, withAxis('linger: [on, off]') + '  kernel: ["net.ipv4.tcp_retries2=3"]\nexpect:\n  - where: { linger: true, kernel: "net.ipv4.tcp_retries2=3" }\n    verdict: survived\n'),
  );
  t.same(s.expectations[0]!.where, { linger: ['on'], kernel: ['tcp_retries2=3'] });
});

t.test('expectations: every bad field is named with its path', async t => {
  const bad = (e: string) => errorOf(t, minimal + 'expect:\n' + e);
  t.match(bad('  - where: { lauch: nohup }\n    verdict: survived\n'), /^expect\[0\]\.where: unknown axis "lauch" \(did you mean "launch"\?\)/);
  t.match(bad('  - where: { launch: nohpu }\n    verdict: survived\n'), /^expect\[0\]\.where\.launch: unknown launch mode "nohpu" \(did you mean "nohup"\?\)/);
  t.match(bad('  - where: { launch: [nohup, tmuxx] }\n    verdict: survived\n'), /^expect\[0\]\.where\.launch\[1\]: unknown launch mode "tmuxx"/);
  t.match(bad('  - where: { launch: nohup }\n    verdict: survive\n'), /^expect\[0\]\.verdict: unknown verdict "survive" \(did you mean "survived"\?\)/);
  t.match(bad('  - where: { launch: nohup }\n    verdict: [killed, dead]\n'), /^expect\[0\]\.verdict\[1\]: unknown verdict "dead"/);
  t.match(bad('  - where: { launch: nohup }\n    verdict: killed\n    signal: SIGHUPP\n'), /^expect\[0\]\.signal: unknown signal "SIGHUPP" \(did you mean "SIGHUP"\?\)/);
  t.match(bad('  - where: { launch: nohup }\n    verdict: survived\n    signal: SIGHUP\n'), /^expect\[0\]\.signal: a signal only applies to the verdict "killed"/);
  t.match(bad('  - where: { launch: tmux }\n    verdict: survived\n'), /^expect\[0\]\.where: matches no cell of the matrix/);
  t.match(bad('  - where: { launch: nohup }\n    verdict: survived\n    because: x\n'), /^expect\[0\]: unknown field "because"/);
  t.match(bad('  - where: { launch: nohup }\n'), /^expect\[0\]\.verdict: /);
});

// ---- races ----

t.test('races: a where like an expectation\'s, normalised, and the why as written', async t => {
  const s = loadScenario(
    scenarioFile(
      t,
      withAxis('linger: [on, off]') +
        'races:\n' +
        '  - where: { linger: true, launch: nohup }\n    why: linger vs the end of the last session\n' +
        '  - where: { linger: [on, off] }\n    why: KillUserProcesses SIGTERM vs the SIGHUP\n',
    ),
  );
  t.same(s.races, [
    { where: { linger: ['on'], launch: ['nohup'] }, why: 'linger vs the end of the last session' },
    { where: { linger: ['on', 'off'] }, why: 'KillUserProcesses SIGTERM vs the SIGHUP' },
  ]);
});

t.test('races: every bad field is named with its path, its value and the fix', async t => {
  const bad = (e: string) => errorOf(t, minimal + 'races:' + e);
  const form = 'write each race as { where: { axis: value, … }, why: "what races" }';
  t.equal(bad(' nohup\n'), `races: "nohup" is not a list; ${form}`);
  t.equal(bad('\n  - nohup\n'), `races[0]: "nohup" is not an object; ${form}`);
  t.equal(bad('\n  - where: { launch: nohup }\n'), 'races[0].why: missing; say what races in the system under test, e.g. "linger vs the end of the last session"');
  t.equal(bad('\n  - where: { launch: nohup }\n    why: ""\n'), 'races[0].why: empty; say what races in the system under test');
  t.equal(bad('\n  - where: { launch: nohup }\n    why: 3\n'), 'races[0].why: 3 is not text; say what races in words (quote it)');
  t.equal(bad('\n  - why: x\n'), 'races[0].where: missing; name the axes of the cases that race, e.g. where: { launch: nohup, sever: logout }');
  t.equal(bad('\n  - where: [nohup]\n    why: x\n'), `races[0].where: ["nohup"] is not a pattern; ${form}`);
  t.match(bad('\n  - where: {}\n    why: x\n'), /^races\[0\]\.where: empty; name the axes of the cases that race \(an empty where would exempt every case/);
  t.match(bad('\n  - where: { lauch: nohup }\n    why: x\n'), /^races\[0\]\.where: unknown axis "lauch" \(did you mean "launch"\?\)/);
  t.match(bad('\n  - where: { launch: nohpu }\n    why: x\n'), /^races\[0\]\.where\.launch: unknown launch mode "nohpu" \(did you mean "nohup"\?\)/);
  t.match(bad('\n  - where: { launch: [nohup, tmuxx] }\n    why: x\n'), /^races\[0\]\.where\.launch\[1\]: unknown launch mode "tmuxx"/);
  t.match(bad('\n  - where: { launch: tmux }\n    why: x\n'), /^races\[0\]\.where: matches no cell of the matrix/);
  t.equal(bad('\n  - where: { launch: nohup }\n    why: x\n    verdict: killed\n'), 'races[0]: unknown field "verdict"; remove it or check its spelling');
});

// ---- a user's own sshd_config ----

t.test("sshd.config: the file's global keepalive settings become the defaults of the sshd axes", async t => {
  const dir = t.testdir({
    'scenario.yaml': minimal + 'sshd:\n  config: prod_sshd_config\n',
    prod_sshd_config: 'Include /etc/ssh/sshd_config.d/*.conf\nClientAliveInterval 1m\nclientalivecountmax=5\nTCPKeepAlive no\nMatch User backup\n  ClientAliveInterval 5\n',
  });
  const s = loadScenario(path.join(dir, 'scenario.yaml'));
  t.same(s.axes.clientAlive, ['60/5']);
  t.same(s.axes.tcpKeepAlive, ['no']);
  t.equal(s.sshdConfig!.matchBlocks, 1);
  t.same(s.sshdConfig!.includes, ['/etc/ssh/sshd_config.d/*.conf']);
  t.match(s.sshdConfig!.file, /prod_sshd_config$/);
});

t.test("sshd.config: a file without keepalive settings means sshd's defaults", async t => {
  const dir = t.testdir({ 'scenario.yaml': minimal + 'sshd:\n  config: c\n', c: 'UsePAM yes\n' });
  const s = loadScenario(path.join(dir, 'scenario.yaml'));
  t.same(s.axes.clientAlive, ['off']);
  t.same(s.axes.tcpKeepAlive, ['yes']);
});

t.test('--sshd-config overrides the scenario and is relative to the working directory', async t => {
  const dir = t.testdir({ 'scenario.yaml': minimal, c: 'ClientAliveInterval 3\nClientAliveCountMax 1\n' });
  const s = loadScenario(path.join(dir, 'scenario.yaml'), { sshdConfig: path.join(dir, 'c') });
  t.same(s.axes.clientAlive, ['3/1']);
});

t.test('sshd.config: unreadable files, bad values and conflicting settings are one line each', async t => {
  const dir = t.testdir({
    'missing.yaml': minimal + 'sshd:\n  config: nope\n',
    'bad.yaml': minimal + 'sshd:\n  config: c\n',
    'both.yaml': minimal + 'sshd:\n  config: good\n  ClientAliveInterval: 5\n',
    c: '# prod\nClientAliveInterval soon\n',
    good: 'ClientAliveInterval 5\n',
  });
  t.match(loadError(t, path.join(dir, 'missing.yaml')).message, /sshd\.config: cannot read the sshd config .*nope \(ENOENT\); check the path$/);
  t.match(loadError(t, path.join(dir, 'bad.yaml')).message, /sshd\.config .*c: line 2: ClientAliveInterval "soon": expected seconds/);
  t.match(loadError(t, path.join(dir, 'both.yaml')).message, /: sshd\.ClientAliveInterval: .*good is the sshd config; set ClientAliveInterval there/);
});

t.test('the expectations of default.yaml and distros.yaml are the same list', async t => {
  const a = loadScenario(path.join(scenarios, 'default.yaml'));
  const b = loadScenario(path.join(scenarios, 'distros.yaml'));
  t.ok(a.expectations.length >= 8);
  t.same(a.expectations, b.expectations);
  t.same(b.axes.target, ['debian-bullseye', 'debian-bookworm', 'debian-bookworm-backports', 'debian-trixie', 'debian-sid']);
});

// ---- claims files ----

t.test("claims: a claim's own source (a thread's URL) replaces the file's article for that claim only", async t => {
  const file = scenarioFile(
    t,
    minimal +
      'article: questions about hangups\nclaims:\n' +
      '  - {id: q-1, claim: c, source: "https://github.com/paramiko/paramiko/issues/785", confirms: {verdict: survived}}\n' +
      '  - {id: q-2, claim: d, confirms: {verdict: survived}}\n',
  );
  const claims = loadScenario(file).claims!;
  t.same(
    claims.claims.map(c => c.article),
    ['https://github.com/paramiko/paramiko/issues/785', 'questions about hangups'],
  );
});

t.test('claims: a bad field is named with its path; claims need an article', async t => {
  const bad = (e: string) => errorOf(t, minimal + e);
  t.match(bad('claims:\n  - {id: a-1, claim: c, confirms: {verdict: survived}}\n'), /^article: a file with claims names the article/);
  const head = 'article: x.txt\nclaims:\n';
  t.match(bad(head + '  - {id: a-1, claim: c, where: {launch: nohpu}, confirms: {}}\n'), /^claims\[0\]\.where\.launch: unknown launch mode "nohpu"/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {verdict: [survivd]}}\n'), /^claims\[0\]\.confirms\.verdict\[0\]: unknown verdict "survivd"/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {probeState: "S+("}}\n'), /^claims\[0\]\.confirms\.probeState: not a regular expression/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {stdout: "[nohup"}}\n'), /^claims\[0\]\.confirms\.stdout: not a regular expression/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {sender: "*sshd"}}\n'), /^claims\[0\]\.confirms\.sender: not a regular expression/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {signal: HUP}}\n'), /^claims\[0\]\.confirms\.signal: unknown signal "HUP"/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {sender: "("}}\n'), /^claims\[0\]\.confirms\.sender: not a regular expression/);
  t.match(bad(head + '  - {id: a-1, claim: c, confirms: {bogus: 1}}\n'), /^claims\[0\]\.confirms: unknown field "bogus"/);
  t.match(bad(head + '  - {id: a-1, claim: c, where: {launch: tmux}, confirms: {}}\n'), /^claims\[0\]\.where: matches no cell of the matrix/);
});
