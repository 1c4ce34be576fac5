import t from 'tap';
import { markdown } from '../../harness/report/markdown.js';
import { VERDICTS } from '../../harness/results.js';
import { fixture, fixtureCopy } from './fixtures.js';

/** Splits a table row on unescaped pipes, dropping the empty ends. */
function tableCells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

function section(out: string, heading: string): string {
  const start = out.indexOf(`${heading}\n`);
  const next = out.indexOf('\n#', start + heading.length);
  return out.slice(start, next === -1 ? undefined : next);
}

const matrixLines = (out: string) => section(out, '### Matrix').split('\n').filter((l) => l.startsWith('|'));

t.test('title and run line', async (t) => {
  const out = markdown.render(fixture);
  t.ok(out.startsWith('# hangup-lab: pty vs exec\n\n'));
  t.match(out, 'Started 2025-06-14T09:12:03.417Z · took 162.5 s · 8 cells');
  t.match(out, '\n## debian-bookworm\n');
});

t.test('fingerprint table', async (t) => {
  const out = markdown.render(fixture);
  t.match(out, '| OpenSSH | OpenSSH_9.2p1 Debian-2+deb12u7, OpenSSL 3.0.17 1 Jul 2025 |');
  t.match(out, /\| sshd \(effective\) \| clientaliveinterval=0, clientalivecountmax=3, tcpkeepalive=yes/);
  t.match(out, '| ssh unit KillMode | process |');
  t.match(out, '| logind | KillUserProcesses=no, KillExcludeUsers=root |');
  t.match(out, /\| Versions \| systemd=252\.38-1~deb12u1/);
  t.match(out, /\| Sysctls \| net\.ipv4\.tcp_keepalive_time=7200/);
  t.match(out, '| Network path | direct |');
  t.match(out, '| Client | OpenSSH_9.6p1 Ubuntu-3ubuntu13.13');
});

t.test('matrix: rows and columns in axes order, every cell in place', async (t) => {
  const [header, rule, ...rows] = matrixLines(markdown.render(fixture));
  t.same(tableCells(header ?? ''), ['session / launch / workload', 'logout', 'client-kill']);
  t.equal(rule, '|---|---|---|');
  t.same(rows.map(tableCells), [
    ['pty / foreground / quiet', 'n/a', 'killed SIGHUP (+0.04 s)'],
    ['pty / nohup / quiet', 'survived', 'survived'],
    ['exec / foreground / quiet', 'n/a', 'session-open'],
    ['exec / nohup / quiet', 'n/a', 'inconclusive'],
  ]);
});

t.test('pipes in table cells are escaped', async (t) => {
  const result = fixtureCopy();
  result.targets[0]!.client = 'ssh | tee client.log';
  for (const c of result.cells) if (c.sever === 'client-kill') c.sever = 'kill -9 | client';
  result.axes.sever = ['logout', 'kill -9 | client'];
  const out = markdown.render(result);
  t.match(out, '| Client | ssh \\| tee client.log |');
  const [header, ...rows] = matrixLines(out);
  t.same(tableCells(header ?? ''), ['session / launch / workload', 'logout', 'kill -9 \\| client']);
  for (const row of rows) t.equal(tableCells(row).length, 3, row);
});

t.test('legend explains every verdict', async (t) => {
  const legend = section(markdown.render(fixture), '### Legend');
  for (const v of VERDICTS) t.match(legend, new RegExp(`^- \\*\\*${v}\\*\\*: \\S.*\\.$`, 'm'), v);
});

t.test('details give reasons and the kill evidence, in matrix order', async (t) => {
  const details = section(markdown.render(fixture), '### Details');
  const bullets = details.split('\n').filter((l) => l.startsWith('- '));
  t.same(bullets, [
    '- **pty / foreground / quiet × logout**: not-applicable: logout needs the shell prompt, and a foreground job holds it',
    '- **pty / foreground / quiet × client-kill**: killed by SIGHUP (caught) from bash (pid 2041); ' +
      'session ended +0.02 s, probe died +0.04 s, client exited +0.00 s (signal SIGKILL)',
    '- **exec / foreground / quiet × logout**: not-applicable: an exec session has no interactive shell | nothing to log out of',
    '- **exec / foreground / quiet × client-kill**: session-open: sshd-session (pid 2107) was still running when the 30 s window closed',
    '- **exec / nohup / quiet × logout**: not-applicable: an exec session has no interactive shell to log out of',
    '- **exec / nohup / quiet × client-kill**: inconclusive: probe pid 2129 vanished from /proc but its log has no exit record',
  ]);
});

t.test('kill details cope with an unknown sender and a client still running', async (t) => {
  const result = fixtureCopy();
  const killed = result.cells.find((c) => c.verdict === 'killed')!;
  killed.signalSender = { pid: null, comm: null, code: 128 };
  killed.sessionEndedMs = null;
  killed.client = { exitMs: null, exitCode: null, exitSignal: null, lastLines: [] };
  t.match(
    markdown.render(result),
    'killed by SIGHUP (caught) from the kernel (terminal hangup); session ended not seen, probe died +0.04 s, client still running',
  );
});

t.test('deterministic: same input, same output, whatever the cell order', async (t) => {
  const shuffled = fixtureCopy();
  shuffled.cells.reverse();
  const out = markdown.render(fixture);
  t.equal(markdown.render(fixture), out);
  t.equal(markdown.render(shuffled), out);
  t.notMatch(out, /\x1b/);
});
