// Cross-axis contradictions are bad input at load time; ordinary cross products with some
// not-applicable cells stay valid.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { expand } from '../../harness/matrix/expand.js';
import { loadScenario } from '../../harness/scenario/load.js';
import { neverRuns } from '../../harness/scenario/contradictions.js';
import { errorOf } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const head = 'name: t\ntarget: debian-bookworm\n';
const FOREGROUND_LOGOUT = 'sever "logout" cannot apply to session pty × launch foreground (a foreground job holds the terminal: a typed exit would go to the job, not to the shell)';

t.test('neverRuns: the sever table, statically', async t => {
  t.equal(neverRuns({ session: 'pty', launch: 'foreground', sever: 'logout' }), FOREGROUND_LOGOUT);
  t.equal(neverRuns({ session: 'pty', launch: 'nohup', sever: 'logout' }), null);
  t.equal(neverRuns({ session: 'exec', launch: 'tmux', sever: 'drop' }), null, 'an exec session already over is decided at run time');
});

t.test('every shipped scenario still loads (their cross products contain not-applicable cells)', async t => {
  const files = [
    ...fs.readdirSync(path.join(repo, 'scenarios')).filter(f => f.endsWith('.yaml')).map(f => path.join(repo, 'scenarios', f)),
    ...fs.readdirSync(path.join(repo, 'scenarios/claims')).map(f => path.join(repo, 'scenarios/claims', f)),
  ];
  t.ok(files.length >= 7);
  for (const f of files) t.doesNotThrow(() => loadScenario(f), path.relative(repo, f));
  const cells = expand(loadScenario(path.join(repo, 'scenarios/default.yaml')).blocks);
  t.ok(cells.some(c => neverRuns(c) !== null), 'default.yaml has cells that can never run, and loads');
});

t.test('(a) an include that asks for a cell that can never run', async t => {
  const axes = 'axes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }\n';
  t.equal(
    errorOf(t, head + axes + 'include:\n  - { launch: nohup }\n  - { session: pty, launch: foreground, sever: logout }\n'),
    `include[1]: asks for a cell that can never run: ${FOREGROUND_LOGOUT}; remove the entry or choose another launch, session or sever`,
  );
  // In a block of matrices: the block's own path and index.
  t.match(
    errorOf(t, head + 'axes: { session: [pty], workload: [quiet] }\nmatrices:\n  - axes: { launch: [nohup], sever: [drop] }\n  - axes: { launch: [tmux], sever: [logout] }\n    include: [{ launch: foreground }]\n'),
    /^matrices\[1\]\.include\[0\]: asks for a cell that can never run: sever "logout" cannot apply/,
  );
  // An include that merges into a mix of cells is an ordinary cross product.
  t.doesNotThrow(() =>
    loadScenario(path.join(t.testdir({ 'ok.yaml': head + 'axes: { session: [pty], launch: [foreground, nohup], workload: [quiet], sever: [logout] }\ninclude: [{ sever: logout, serverAlive: "5/2" }]\n' }), 'ok.yaml')),
  );
});

t.test('(b) an expectation on cells that are always not-applicable', async t => {
  const axes = 'axes: { session: [pty, exec], launch: [foreground, nohup], workload: [quiet], sever: [logout, drop] }\n';
  t.equal(
    errorOf(t, head + axes + 'expect:\n  - where: { launch: foreground, sever: logout }\n    verdict: survived\n'),
    `expect[0].where: matches only cells that are always not-applicable: sever "logout" cannot apply to session pty × launch foreground (a foreground job holds the terminal: a typed exit would go to the job, not to the shell); expect verdict not-applicable, or change where`,
  );
  const ok = (expect: string) => loadScenario(path.join(t.testdir({ 'ok.yaml': head + axes + expect }), 'ok.yaml'));
  t.doesNotThrow(() => ok('expect:\n  - where: { launch: foreground, sever: logout }\n    verdict: not-applicable\n'), 'expecting not-applicable is fine');
  t.doesNotThrow(() => ok('expect:\n  - where: { sever: logout }\n    verdict: [survived, killed]\n'), 'some cells can run');
});

t.test('(c) a block where every cell can never run', async t => {
  t.equal(
    errorOf(t, head + 'axes: { session: [pty, exec], launch: [foreground], workload: [quiet, chatty], sever: [logout] }\n'),
    `axes: every cell can never run: ${FOREGROUND_LOGOUT}; add a launch, session or sever that can`,
  );
  t.match(
    errorOf(t, head + 'axes: { session: [pty], workload: [quiet] }\nmatrices:\n  - axes: { launch: [nohup], sever: [drop] }\n  - axes: { launch: [foreground], sever: [logout] }\n'),
    /^matrices\[1\]: every cell can never run: sever "logout"/,
  );
  t.equal(
    errorOf(t, head + 'axes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }\nexclude: [{ launch: nohup }]\n'),
    'axes: its excludes remove every cell; remove the block or narrow the excludes',
  );
});

t.test('the demo may ask for one not-applicable cell on purpose', async t => {
  const dir = t.testdir({ 'x.yaml': head + 'axes: { session: [pty], launch: [foreground], workload: [quiet], sever: [logout] }\n' });
  t.doesNotThrow(() => loadScenario(path.join(dir, 'x.yaml'), { allowNotApplicable: true }));
});

t.test('(d) sshd.extra must not set a keepalive axis: sshd would ignore it', async t => {
  t.equal(
    errorOf(t, head + 'sshd:\n  extra: ["MaxSessions 10", "ClientAliveInterval 5"]\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }\n'),
    'sshd.extra[1]: "ClientAliveInterval 5": ClientAliveInterval is set by the clientAlive axis (default: sshd.ClientAliveInterval), written before this line, and sshd keeps the first value; set it there and remove this line',
  );
  t.match(errorOf(t, head + 'sshd:\n  extra: ["tcpkeepalive no"]\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }\n'), /^sshd\.extra\[0\]: "tcpkeepalive no": .*the tcpKeepAlive axis/);
});

t.test('(d) user root with a PermitRootLogin that refuses key login', async t => {
  const axes = 'axes: { user: [lab, root], session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }\n';
  t.equal(
    errorOf(t, head + 'sshd:\n  extra: ["PermitRootLogin no"]\n' + axes),
    `sshd.extra[0]: "PermitRootLogin no" refuses root's key login, which the cells of user root need; allow it (PermitRootLogin prohibit-password) or remove user root`,
  );
  const dir = t.testdir({ 'x.yaml': head + 'sshd:\n  config: mine\n' + axes, mine: 'UsePAM yes\nPermitRootLogin forced-commands-only\n' });
  t.throws(() => loadScenario(path.join(dir, 'x.yaml')), {
    message: `${path.join(dir, 'x.yaml')}: sshd.config ${path.join(dir, 'mine')}: line 2: PermitRootLogin forced-commands-only refuses root's key login, which the cells of user root need; allow it (PermitRootLogin prohibit-password) or remove user root`,
  });
  const ok = (extra: string, a = axes) => loadScenario(path.join(t.testdir({ 'ok.yaml': head + `sshd:\n  extra: ["${extra}"]\n` + a }), 'ok.yaml'));
  t.doesNotThrow(() => ok('PermitRootLogin prohibit-password'));
  t.doesNotThrow(() => ok('PermitRootLogin no', axes.replace('[lab, root]', '[lab]')), 'no root cells: no contradiction');
});

t.test('logind.extra: "Key=Value" lines, KillUserProcesses stays an axis', async t => {
  const axes = 'axes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }\n';
  const dir = t.testdir({ 'ok.yaml': head + 'logind:\n  extra: ["UserStopDelaySec=3", "KillExcludeUsers=root"]\n' + axes });
  t.same(loadScenario(path.join(dir, 'ok.yaml')).logindExtra, ['UserStopDelaySec=3', 'KillExcludeUsers=root']);
  t.equal(errorOf(t, head + 'logind:\n  extra: ["UserStopDelaySec 3"]\n' + axes), 'logind.extra[0]: must be "Key=Value"');
  t.equal(
    errorOf(t, head + 'logind:\n  extra: ["IdleAction=ignore", "KillUserProcesses=yes"]\n' + axes),
    'logind.extra[1]: "KillUserProcesses=yes": KillUserProcesses is the killUserProcesses axis; set logind.KillUserProcesses (its default) or list it under axes:, and remove this line',
  );
});
