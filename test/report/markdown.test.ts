import t from 'tap';
import { markdown } from '../../harness/report/markdown.js';
import { VERDICTS } from '../../harness/results.js';
import { fixture, fixtureCopy, withDerived } from './fixtures.js';
import { section, tableCells } from './markdown-text.js';

const tableLines = (text: string) => text.split('\n').filter((l) => l.startsWith('|'));
const bullets = (text: string) => text.split('\n').filter((l) => l.startsWith('- '));

t.test('title, run line, fixed axes and network paths', async (t) => {
  const out = markdown.render(fixture);
  t.ok(out.startsWith('# hangup-lab: pty vs exec\n\n'));
  t.match(out, 'Started 2025-06-14T09:12:03.417Z · took 162.5 s · 16 cells');
  t.match(
    out,
    '\n\nFixed: server=openssh · client=openssh · clientAlive=1/2 · serverAlive=3/2 · tcpKeepAlive=yes · kernel=default · killUserProcesses=no · linger=off · huponexit=off\n\n',
  );
  t.notMatch(out, /Fixed: [^\n]*user=/, 'user varies, so it is not fixed');
  t.match(out, '\nNetwork paths (Details name the path of every cell not on direct):\n- **direct** (15 cells)\n- **nat** (1 cell)\n\n');
  t.match(out, '\n## debian-bookworm\n');
});

t.test('one path: named once, no per-cell mention', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.networkPath === 'direct');
  const out = markdown.render(result);
  t.match(out, '\nNetwork path: direct\n');
  t.notMatch(out, 'Details name the path');
  t.notMatch(out, '; network path');
});

t.test('one matrix per value of the varying axis, only the rows and columns it uses', async (t) => {
  const out = markdown.render(fixture);
  const lab = tableLines(section(out, '### Matrix: user=lab'));
  t.same(tableCells(lab[0] ?? ''), ['session / launch / workload', 'logout', 'client-kill', 'drop', 'nat-expiry:10']);
  t.equal(lab[1], '|---|---|---|---|---|');
  t.same(lab.slice(2).map(tableCells), [
    ['pty / foreground / quiet', 'n/a', 'killed SIGHUP (+0.04 s)', '—', '—'],
    ['pty / disown / quiet', '—', '—', '**flaky** · 2× survived / 1× killed SIGHUP (+5.65 s)', '—'],
    ['pty / nohup / quiet', 'survived', 'survived', '—', 'survived'],
    ['pty / tmux / quiet', 'survived', 'survived · reattach failed', '—', '—'],
    ['exec / foreground / quiet', 'n/a', 'session-open', '—', '—'],
    ['exec / nohup / quiet', 'n/a', 'inconclusive', '—', '—'],
  ]);
  const root = tableLines(section(out, '### Matrix: user=root'));
  t.same(tableCells(root[0] ?? ''), ['session / launch / workload', 'client-kill']);
  t.same(root.slice(2).map(tableCells), [
    ['pty / background / quiet', 'killed SIGHUP (+0.03 s)'],
    ['pty / setsid / chatty', 'survived'],
  ]);
});

t.test('nothing varies: one matrix titled plainly', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.user === 'lab');
  result.axes.user = ['lab'];
  const out = markdown.render(result);
  t.match(out, '\n### Matrix\n');
  t.notMatch(out, '### Matrix:');
  t.match(out, 'Fixed: server=openssh · client=openssh · user=lab · clientAlive=1/2');
});

t.test('an empty combination is skipped', async (t) => {
  const result = fixtureCopy();
  result.axes.linger = ['off', 'on'];
  const out = markdown.render(result);
  t.match(out, '### Matrix: user=lab · linger=off');
  t.match(out, '### Matrix: user=root · linger=off');
  t.notMatch(out, 'linger=on');
});

t.test('repetitions that agree share one slot with their count and time spread', async (t) => {
  const result = fixtureCopy();
  const rep1 = result.cells.find((c) => c.id === 'a1000001')!;
  Object.assign(rep1, { verdict: 'killed', signal: 'SIGHUP', deathMs: 5_330 });
  result.cells = result.cells.filter((c) => c.id !== 'a2000002');
  t.match(markdown.render(withDerived(result)), '| pty / disown / quiet | — | — | 2× killed SIGHUP (+5.33 s … +5.65 s) | — |');
});

t.test('pipes in table cells are escaped', async (t) => {
  const result = fixtureCopy();
  result.targets[0]!.client = 'ssh | tee client.log';
  for (const c of result.cells) if (c.sever === 'client-kill') c.sever = 'kill -9 | client';
  result.axes.sever = ['logout', 'kill -9 | client', 'drop', 'nat-expiry:10'];
  const out = markdown.render(result);
  t.match(out, '| Client | ssh \\| tee client.log |');
  const [header, ...rows] = tableLines(section(out, '### Matrix: user=lab'));
  t.same(tableCells(header ?? ''), ['session / launch / workload', 'logout', 'kill -9 \\| client', 'drop', 'nat-expiry:10']);
  for (const row of rows) t.equal(tableCells(row).length, 5, row);
});

t.test('details: who killed it, from where, reasons, failed writes and checks, in matrix order', async (t) => {
  const out = markdown.render(fixture);
  t.same(bullets(section(out, '#### Details')), [
    '- **pty / foreground / quiet × logout**: not-applicable: logout needs the shell prompt, and a foreground job holds it',
    '- **pty / foreground / quiet × client-kill**: killed by SIGHUP (caught) from bash (pid 2041) resending SIGHUP to its jobs, probe in ' +
      '/user.slice/user-1001.slice/session-7.scope; session ended +0.02 s, probe died +0.04 s, client exited +0.00 s (signal SIGKILL)',
    '- **pty / disown / quiet × drop (rep 3)**: killed by SIGHUP (caught) from the kernel (terminal hangup), probe in ' +
      '/user.slice/user-1001.slice/session-9.scope; path broke +0.00 s, session ended +5.60 s, probe died +5.65 s, client still running',
    '- **pty / nohup / quiet × nat-expiry:10**: survived; network path nat',
    '- **pty / tmux / quiet × client-kill**: survived; check reattach failed (+15.20 s): tmux attach-session: no server running on /tmp/tmux-1001/default',
    '- **exec / foreground / quiet × logout**: not-applicable: an exec session has no interactive shell | nothing to log out of',
    '- **exec / foreground / quiet × client-kill**: session-open: sshd-session (pid 2107) was still running when the 30 s window closed',
    '- **exec / nohup / quiet × logout**: not-applicable: an exec session has no interactive shell to log out of',
    '- **exec / nohup / quiet × client-kill**: inconclusive: probe pid 2129 vanished from /proc but its log has no exit record',
  ]);
  const root = section(out, '### Matrix: user=root');
  t.match(root, '- **pty / background / quiet × client-kill**: killed by SIGHUP (caught) from bash (pid 2240) resending SIGHUP to its jobs, probe in /user.slice/user-0.slice/session-12.scope;');
  t.match(root, '- **pty / setsid / chatty × client-kill**: survived; stdout write errors: EIO (writes to the hung-up terminal failed)\n');
});

t.test('kill details: the cgroup at the signal wins over the one at start; unknown sender; client running', async (t) => {
  const result = fixtureCopy();
  const killed = result.cells.find((c) => c.id === '2b3c4d5e')!;
  killed.signalSender = { pid: null, comm: null, code: 128 };
  killed.sessionEndedMs = null;
  killed.clientEnd = { exitMs: null, exitCode: null, exitSignal: null, lastLines: [] };
  killed.probe.signalsCaught = [
    { signal: 'SIGHUP', atMs: 40, code: 128, senderPid: null, senderComm: null, cgroup: '/user.slice/user-1001.slice/user@1001.service/app.slice/run-u5.scope' },
  ];
  t.match(
    markdown.render(result),
    'killed by SIGHUP (caught) from the kernel (terminal hangup), probe in /user.slice/user-1001.slice/user@1001.service/app.slice/run-u5.scope; ' +
      'session ended not seen, probe died +0.04 s, client still running',
  );
  killed.probe.cgroup = null;
  killed.probe.signalsCaught = [];
  t.match(markdown.render(result), 'killed by SIGHUP (caught) from the kernel (terminal hangup); session ended');
});

t.test('kill details: the sender description gets the signal and the cgroup it was sent in', async (t) => {
  const result = fixtureCopy();
  const killed = result.cells.find((c) => c.id === '2b3c4d5e')!;
  const unit = '/user.slice/user-1001.slice/user@1001.service/app.slice/run-u5.service';
  Object.assign(killed, { signal: 'SIGTERM', signalSender: { pid: 1190, comm: 'systemd', code: 0 } });
  killed.probe.signalsCaught = [{ signal: 'SIGTERM', atMs: 10_040, code: 0, senderPid: 1190, senderComm: 'systemd', cgroup: unit }];
  t.match(
    markdown.render(result),
    `killed by SIGTERM (caught) from systemd (pid 1190, the user manager user@1001) stopping run-u5.service, probe in ${unit};`,
  );
});

t.test('a check that could not be answered shows in the matrix, the details and the Checks section', async (t) => {
  const result = fixtureCopy();
  result.cells.find((c) => c.id === '4d5e6f70')!.checks = [
    { name: 'session-after-restart', ok: null, detail: 'no second session could be opened', atMs: null },
  ];
  const out = markdown.render(result);
  t.match(out, '| pty / nohup / quiet | survived | survived · session-after-restart unknown | — | survived |');
  t.match(out, '- **pty / nohup / quiet × client-kill**: survived; check session-after-restart unknown: no second session could be opened\n');
  t.match(out, '| session-after-restart | 0 | 0 | 1 |');
});

t.test('Checks section: counts per check and every answer', async (t) => {
  const checks = section(markdown.render(fixture), '## Checks');
  t.same(tableLines(checks).map(tableCells), [
    ['check', 'passed', 'failed', 'unknown'],
    ['---', '---', '---', '---'],
    ['reattach', '1', '1', '0'],
  ]);
  t.match(checks, '\n### reattach\n\nAll: user=lab.\n\n', 'what every answer shares is said once');
  t.same(bullets(checks), [
    '- passed: **pty / tmux / quiet × logout** (+12.10 s): a new session attached to tmux session hl-c5 and saw the probe',
    '- failed: **pty / tmux / quiet × client-kill** (+15.20 s): tmux attach-session: no server running on /tmp/tmux-1001/default',
  ]);
  const result = fixtureCopy();
  result.cells.find((c) => c.id === 'e7f8091a')!.checks = [{ name: 'reattach', ok: true, detail: 'attached', atMs: 9_000 }];
  const varied = section(markdown.render(result), '## Checks');
  t.notMatch(varied, 'All: user=');
  t.same(bullets(varied), [
    '- passed: **pty / tmux / quiet × logout · user=lab** (+12.10 s): a new session attached to tmux session hl-c5 and saw the probe',
    '- failed: **pty / tmux / quiet × client-kill · user=lab** (+15.20 s): tmux attach-session: no server running on /tmp/tmux-1001/default',
    '- passed: **pty / background / quiet × client-kill · user=root** (+9.00 s): attached',
  ], 'once user varies among the answers, each names it');
});

t.test('no checks, no latency cases: no empty sections', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.checks.length === 0 && c.pathBrokeMs === null);
  const out = markdown.render(result);
  t.notMatch(out, '## Checks');
  t.notMatch(out, '## Detection latency');
});

t.test('Detection latency: the repeated cases, a computed reading each, the single ones counted', async (t) => {
  const latency = section(markdown.render(fixture), '## Detection latency');
  const [header, rule, ...rows] = tableLines(latency);
  t.equal(tableCells(header ?? '').length, 11);
  t.equal(rule, '|---|---|---|---|---|---|---|---|---|---|---|');
  t.same(rows.map(tableCells), [
    ['pty / disown / quiet × drop', '1/2', '3/2', '3', '3', '5.10 / 5.30 / 5.60 s', '0', '2 s / 3 s', '9.10 / 9.15 / 9.20 s', '1', '6 s / 9 s'],
  ]);
  t.match(latency, '\n1 more network case ran once and is not listed (1 nat-expiry:10); the matrices and Details have their outcomes and times.\n');
  t.match(latency, '\nAll cases below: user=lab.\n');
  t.match(
    latency,
    '- **pty / disown / quiet × drop, ClientAlive 1/2, ServerAlive 3/2**: server: 5.30 s median of 3 vs 2 s / 3 s predicted: neither — about 1.8 × (CountMax + 1) × Interval; ' +
      'client: 9.15 s median of 2 (1 more repetition had none) vs 6 s / 9 s predicted: close to (CountMax + 1) × Interval',
  );
});

t.test('Detection latency: a path that never broke, in the table and the reading', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown'))
    Object.assign(c, { sever: 'nat-expiry:10', pathBrokeMs: null, severLayer: 'middlebox', sessionEndedMs: null, verdict: 'session-open' });
  const latency = section(markdown.render(result), '## Detection latency');
  t.match(latency, '| pty / disown / quiet × nat-expiry:10 | 1/2 | 3/2 | 3 | 0 | path never broke | — | 2 s / 3 s | path never broke | — | 6 s / 9 s |');
  t.match(latency, ': path never broke in any of 3 repetitions (pathBrokeMs null): the flow was kept alive; nothing to detect\n');
  t.notMatch(latency, 'no detection');
});

t.test('Detection latency: only single-sample cases leave the count, no table', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.caseId !== 'case-drop-disown');
  const latency = section(markdown.render(result), '## Detection latency');
  t.match(latency, '1 network case ran once and is not listed (1 nat-expiry:10)');
  t.same(tableLines(latency), []);
});

t.test('network paths: each listed in full once, with a short name the Details use', async (t) => {
  const result = fixtureCopy();
  const router = (ip: string) => `NAT: host → router container ${ip} (conntrack idle timeout 4 s) → target`;
  for (const c of result.cells) c.networkPath = 'direct: host → container bridge address';
  result.cells.find((c) => c.id === 'b4c5d6e7')!.networkPath = router('172.17.0.6');
  result.cells.find((c) => c.id === '4d5e6f70')!.networkPath = router('172.17.0.4');
  const out = markdown.render(result);
  t.match(
    out,
    '\nNetwork paths (Details name the path of every cell not on direct):\n' +
      '- **direct** (14 cells): host → container bridge address\n' +
      '- **NAT #1** (1 cell): host → router container 172.17.0.4 (conntrack idle timeout 4 s) → target\n' +
      '- **NAT #2** (1 cell): host → router container 172.17.0.6 (conntrack idle timeout 4 s) → target\n',
  );
  t.match(out, '- **pty / nohup / quiet × nat-expiry:10**: survived; network path NAT #2\n');
  t.match(out, '- **pty / nohup / quiet × client-kill**: survived; network path NAT #1\n');
  t.match(out, '| Network paths of its cells | direct (14 cells), NAT #1 (1 cell), NAT #2 (1 cell) |');
});

t.test('Servers: one block per fingerprint with every recorded fact', async (t) => {
  const servers = section(markdown.render(fixture), '## Servers');
  t.match(servers, '### debian-bookworm · clientAlive=1/2 · tcpKeepAlive=yes · kernel=default · killUserProcesses=no\n');
  t.match(servers, '| Cells | 16 |');
  t.match(servers, '| Server | openssh: OpenSSH_9.2p1 Debian-2+deb12u7, OpenSSL 3.0.17 1 Jul 2025 |');
  t.match(servers, '| ssh unit KillMode | process |');
  t.match(servers, '| logind | KillUserProcesses=no, KillExcludeUsers=root |');
  t.match(servers, /\| Versions \| systemd=252\.38-1~deb12u1/);
  t.match(servers, /\| Kernel sysctls \| [^\n]*net\.ipv4\.tcp_retries2=15 \|/);
  t.match(servers, '| Network path | direct |');
  t.match(servers, '| Network paths of its cells | direct (15 cells), nat (1 cell) |', 'one cell went another way');
  t.match(servers, '| Client | OpenSSH_9.6p1 Ubuntu-3ubuntu13.13');
  t.match(servers, '```\nclientaliveinterval 1\nclientalivecountmax 2\ntcpkeepalive yes\nusepam yes\n```');
  t.notMatch(servers, 'Config mismatch');
});

t.test('Servers: a measured config that disagrees with the axes, and a server without fingerprint', async (t) => {
  const result = fixtureCopy();
  result.targets[0]!.sshdEffective.clientaliveinterval = '0';
  result.targets[0]!.config.kernel = 'tcp_retries2=3';
  result.cells[0]!.serverKey = 'debian-bookworm|elsewhere';
  const servers = section(markdown.render(result), '## Servers');
  t.match(servers, '- **Config mismatch**: clientAlive is 1/2, but sshd -T says clientaliveinterval 0, clientalivecountmax 2');
  t.match(servers, '- **Config mismatch**: kernel asks tcp_retries2=3, but the server has net.ipv4.tcp_retries2=15');
  t.match(servers, '_No fingerprint recorded for server debian-bookworm|elsewhere._');
});

t.test('legend explains every verdict, disagreement and check notes', async (t) => {
  const legend = section(markdown.render(fixture), '## Legend');
  for (const v of VERDICTS) t.match(legend, new RegExp(`^- \\*\\*${v}\\*\\*: \\S.*\\.$`, 'm'), v);
  t.match(legend, 'repetitions disagreed');
  t.match(legend, 'see Checks');
});

t.test('deterministic: same input, same output, whatever the cell order', async (t) => {
  const shuffled = fixtureCopy();
  shuffled.cells.reverse();
  const out = markdown.render(fixture);
  t.equal(markdown.render(fixture), out);
  t.equal(markdown.render(shuffled), out);
  t.notMatch(out, /\x1b/);
});
