import t from 'tap';
import { terminal } from '../../harness/report/terminal.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { fixture, fixtureCopy } from './fixtures.js';

const ESC = /\x1b\[[0-9;]*m/g;

/** The table block under a matrix title: header, rule, then one line per row. */
function tableLines(output: string, title: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(title);
  if (start === -1) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('counts:'));
  return lines.slice(start + 1, end);
}

// Columns are separated by at least two spaces; cell codes contain at most one.
const columns = (line: string) => line.split(/ {2,}/);

/** Every slot of a matrix as "row × column" → text. */
function slots(output: string, title: string): Record<string, string> {
  const [header, , ...rows] = tableLines(output, title);
  const severs = columns(header ?? '').slice(1);
  const seen: Record<string, string> = {};
  for (const row of rows) {
    const [key, ...codes] = columns(row);
    codes.forEach((code, i) => (seen[`${key} × ${severs[i]}`] = code));
  }
  return seen;
}

const LAB = 'debian-bookworm · user=lab';
const ROOT = 'debian-bookworm · user=root';

t.test('header: scenario, size, fixed axes, network paths, one line per server', async (t) => {
  const [first, fixed, fixed2, paths, server, server2, blank] = terminal.render(fixture).split('\n');
  t.equal(first, 'hangup-lab: pty vs exec — 16 cells in 162.5 s');
  t.equal(fixed, 'fixed: server=openssh · client=openssh · clientAlive=1/2 · serverAlive=3/2 · tcpKeepAlive=yes · kernel=default ·');
  t.equal(fixed2, '  killUserProcesses=no · linger=off · huponexit=off', 'wrapped at a separator rather than past 120 columns');
  t.equal(paths, 'network paths: direct (15 cells), nat (1 cell)');
  t.equal(server, 'server debian-bookworm: OpenSSH_9.2p1 Debian-2+deb12u7 · clientAlive 1/2 · tcpKeepAlive yes · kernel default ·');
  t.equal(server2, '  killUserProcesses no');
  t.equal(blank, '');
});

t.test('a config the server did not take is flagged under its line', async (t) => {
  const result = fixtureCopy();
  result.targets[0]!.logind.KillUserProcesses = 'yes';
  t.match(terminal.render(result), '\n  ! killUserProcesses is no, but logind says KillUserProcesses=yes\n');
  result.targets[0]!.logind.KillUserProcesses = 'true';
  t.match(terminal.render(result), '\n  ! killUserProcesses is no, but logind says KillUserProcesses=true\n');
  result.targets[0]!.logind.KillUserProcesses = 'false';
  t.notMatch(terminal.render(result), '\n  ! ', 'logind spells no as false: no mismatch');
});

t.test('network paths: grouped by kind, full descriptions left to report.md', async (t) => {
  const result = fixtureCopy();
  const router = (ip: string, s: number) =>
    `NAT: host → router container ${ip} (kernel DNAT + MASQUERADE, conntrack idle timeout ${s} s, tcp_loose=0) → target; no userland proxy`;
  for (const c of result.cells) c.networkPath = 'direct: host → container bridge address, kernel to kernel, no userland proxy';
  result.cells.find((c) => c.id === 'b4c5d6e7')!.networkPath = router('172.17.0.6', 4);
  result.cells.find((c) => c.id === '3c4d5e6f')!.networkPath = router('172.17.0.6', 4);
  result.cells.find((c) => c.id === '4d5e6f70')!.networkPath = router('172.17.0.4', 3);
  const out = terminal.render(result);
  t.match(out, '\nnetwork paths: direct (13 cells), NAT (3 cells on 2 paths)\n');
  t.notMatch(out, '172.17.0.6');
});

t.test('one matrix per value of the varying axis; rows and columns it does not use are left out', async (t) => {
  const out = terminal.render(fixture);
  const [header, rule, ...rows] = tableLines(out, LAB);
  t.same(columns(header ?? ''), ['session/launch/workload', 'logout', 'client-kill', 'drop', 'nat-expiry:10']);
  t.match(rule ?? '', /^-+( {2,}-+){4}$/);
  t.same(
    rows.map((r) => columns(r)[0]),
    ['pty/foreground/quiet', 'pty/disown/quiet', 'pty/nohup/quiet', 'pty/tmux/quiet', 'exec/foreground/quiet', 'exec/nohup/quiet'],
  );
  t.same(slots(out, ROOT), {
    'pty/background/quiet × client-kill': 'killed HUP',
    'pty/setsid/chatty × client-kill': 'survived',
  });
});

t.test('every case appears once, in its row and column; repetitions share a slot', async (t) => {
  const out = terminal.render(fixture);
  t.same(slots(out, LAB), {
    'pty/foreground/quiet × logout': 'n/a',
    'pty/foreground/quiet × client-kill': 'killed HUP',
    'pty/foreground/quiet × drop': '-',
    'pty/foreground/quiet × nat-expiry:10': '-',
    'pty/disown/quiet × logout': '-',
    'pty/disown/quiet × client-kill': '-',
    'pty/disown/quiet × drop': '2× survived / 1× killed HUP',
    'pty/disown/quiet × nat-expiry:10': '-',
    'pty/nohup/quiet × logout': 'survived',
    'pty/nohup/quiet × client-kill': 'survived',
    'pty/nohup/quiet × drop': '-',
    'pty/nohup/quiet × nat-expiry:10': 'survived',
    'pty/tmux/quiet × logout': 'survived',
    'pty/tmux/quiet × client-kill': 'survived!',
    'pty/tmux/quiet × drop': '-',
    'pty/tmux/quiet × nat-expiry:10': '-',
    'exec/foreground/quiet × logout': 'n/a',
    'exec/foreground/quiet × client-kill': 'open',
    'exec/foreground/quiet × drop': '-',
    'exec/foreground/quiet × nat-expiry:10': '-',
    'exec/nohup/quiet × logout': 'n/a',
    'exec/nohup/quiet × client-kill': '??',
    'exec/nohup/quiet × drop': '-',
    'exec/nohup/quiet × nat-expiry:10': '-',
  });
});

t.test('plain output has no escape codes; colour output does, with the same layout', async (t) => {
  const plain = terminal.render(fixture);
  const colour = terminal.render(fixture, { color: true });
  t.notMatch(plain, /\x1b/);
  t.equal(terminal.render(fixture, { color: false }), plain);
  t.match(colour, '\x1b[32msurvived\x1b[0m');
  t.match(colour, '\x1b[31mkilled HUP\x1b[0m');
  t.match(colour, '\x1b[33mopen\x1b[0m');
  t.match(colour, '\x1b[2mn/a\x1b[0m');
  t.match(colour, '\x1b[35m??\x1b[0m');
  t.match(colour, '\x1b[36m2× survived / 1× killed HUP\x1b[0m', 'disagreeing repetitions get their own colour');
  t.match(colour, '\x1b[32msurvived!\x1b[0m');
  t.equal(colour.replace(ESC, ''), plain, 'widths come from the plain text');
});

t.test('counts per matrix (each repetition counted) and the inconclusive cells with their reasons', async (t) => {
  const out = terminal.render(fixture);
  t.match(out, 'counts: survived 7, killed 2, session-open 1, not-applicable 3, inconclusive 1\n');
  t.match(out, 'counts: survived 1, killed 1\n');
  t.match(
    out,
    '  1. exec/nohup/quiet × client-kill: probe pid 2129 vanished from /proc but its log has no exit record\n',
  );
});

t.test('no attention list when nothing is inconclusive', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.verdict !== 'inconclusive');
  const out = terminal.render(result);
  t.notMatch(out, 'needs attention');
  t.equal(slots(out, LAB)['exec/nohup/quiet × client-kill'], '-', 'a missing cell shows as a dash');
  t.notMatch(out, / \n/, 'no line ends in padding');
});

t.test('a cell whose axis value is not declared still appears', async (t) => {
  const result = fixtureCopy();
  const extra = structuredClone(result.cells.find((c) => c.id === '1a2b3c4d')!);
  Object.assign(extra, { id: 'ffff0000', caseId: 'case-ffff0000', sever: 'network-drop', verdict: 'survived' });
  result.cells.push(extra);
  const [header] = tableLines(terminal.render(result), LAB);
  t.same(columns(header ?? ''), ['session/launch/workload', 'logout', 'client-kill', 'drop', 'nat-expiry:10', 'network-drop']);
});

t.test('detection latency: a compact table of the repeated cases and the readings', async (t) => {
  const out = terminal.render(fixture);
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('detection latency in seconds'));
  t.ok(start > 0);
  t.equal(lines[start + 3], '1 more network case ran once and is not listed (1 nat-expiry:10); see the matrices.');
  t.equal(lines[start + 4], 'all cases below: user=lab', 'the axes all listed cases share, once');
  t.same(columns(lines[start + 5] ?? ''), ['case', 'CA', 'SA', 'n', 'broke', 'server', 'none', 'pred', 'client', 'none', 'pred']);
  t.same(columns(lines[start + 7] ?? ''), [
    'pty/disown/quiet × drop',
    '1/2',
    '3/2',
    '3',
    '3',
    '5.10/5.30/5.60',
    '0',
    '2/3',
    '9.10/9.15/9.20',
    '1',
    '6/9',
  ]);
  t.notMatch(out, /\n\s*pty\/nohup\/quiet × nat-expiry:10 /, 'the single-sample case is not listed');
  for (const line of lines.slice(start, start + 8)) t.ok(line.length <= 120, `fits: ${line}`);
  t.match(
    out,
    '\n  pty/disown/quiet × drop, CA 1/2, SA 3/2:\n' +
      '    server: 5.30 s median of 3 vs 2 s / 3 s predicted: neither — about 1.8 × (CountMax + 1) × Interval\n' +
      '    client: 9.15 s median of 2 (1 more repetition had none) vs 6 s / 9 s predicted: close to (CountMax + 1) × Interval\n',
  );
});

t.test('detection latency: a case whose path never broke says so', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown'))
    Object.assign(c, { sever: 'nat-expiry:10', pathBrokeMs: null, severLayer: 'middlebox', sessionEndedMs: null, verdict: 'session-open' });
  const out = terminal.render(result);
  t.match(out, /\npty\/disown\/quiet × nat-expiry:10 +1\/2 +3\/2 +3 +0 +never broke +— +2\/3 +never broke +— +6\/9\n/);
  t.match(out, '\n    path never broke in any of 3 repetitions (pathBrokeMs null): the flow was kept alive; nothing to detect\n');
  t.notMatch(out, 'no detection');
});

t.test('detection latency: only single-sample cases leaves one line, no table', async (t) => {
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.caseId !== 'case-drop-disown');
  const out = terminal.render(result);
  t.match(out, '\ndetection latency: 1 network case ran once and is not listed (1 nat-expiry:10); see the matrices.\n');
  t.notMatch(out, 'broke');
});

t.test('inconclusive cells that share a reason are listed under it once, by row', async (t) => {
  const result = fixtureCopy();
  const template = result.cells.find((c) => c.id === '8192a3b4')!;
  const reason = 'the probe did not start within 15000 ms';
  for (const [id, launch, sever] of [
    ['i1', 'nohup', 'logout'],
    ['i2', 'foreground', 'logout'],
    ['i3', 'foreground', 'client-kill'],
  ] as const)
    result.cells.push({ ...structuredClone(template), id, caseId: `case-${id}`, launch, sever, verdict: 'inconclusive', reason });
  result.cells.find((c) => c.id === '8192a3b4')!.reason = reason;
  result.cells = result.cells.filter((c) => !['1a2b3c4d', '5e6f7081', '708192a3', '6f708192'].includes(c.id));
  t.match(
    terminal.render(result),
    '\ninconclusive, needs attention (4):\n' +
      '  1. 4 cells: the probe did not start within 15000 ms\n' +
      '       exec/foreground/quiet × logout, client-kill\n' +
      '       exec/nohup/quiet × logout, client-kill\n',
  );
});

t.test('long matrix titles wrap at a separator', async (t) => {
  const result = fixtureCopy();
  const kernel = 'tcp_keepalive_time=3,tcp_keepalive_intvl=1,tcp_keepalive_probes=2,tcp_retries2=3,tcp_syn_retries=2';
  result.axes.kernel = ['default', kernel];
  result.cells.find((c) => c.id === '3c4d5e6f')!.kernel = kernel;
  const out = terminal.render(result);
  t.match(out, `\ndebian-bookworm · user=lab · kernel=default\n`);
  t.match(out, `\ndebian-bookworm · user=lab ·\n  kernel=${kernel}\nsession/launch/workload`);
});

t.test('checks and the legend for what the matrices used', async (t) => {
  const out = terminal.render(fixture);
  t.match(out, '\nchecks: reattach 1 passed, 1 failed\n');
  t.match(out, 'N× = N repetitions of one case');
  t.match(out, '! = a check failed · * = a check could not be answered');
  t.notMatch(out, 'surv =', 'words fit: no code legend');
});

t.test('a check that could not be answered gets its own marker', async (t) => {
  const result = fixtureCopy();
  result.cells.find((c) => c.id === '4d5e6f70')!.checks = [{ name: 'nap', ok: null, detail: 'unknown', atMs: null }];
  t.equal(slots(terminal.render(result), LAB)['pty/nohup/quiet × client-kill'], 'survived*');
});

/** A run with every sever at once: too wide for words. */
function manySevers(): RunResult {
  const result = fixtureCopy();
  const severs = ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sleep:20', 'nat-expiry:10', 'sshd-restart', 'hangup', 'group-kill'];
  result.axes.sever = severs;
  const template = result.cells.find((c) => c.id === '2b3c4d5e')!;
  for (const sever of severs.filter((s) => !result.cells.some((c) => c.sever === s))) {
    const c: CellResult = { ...structuredClone(template), id: `x-${sever}`, caseId: `case-x-${sever}`, sever };
    result.cells.push(c);
  }
  return result;
}

t.test('many severs: compact codes, short column names, both explained', async (t) => {
  const out = terminal.render(manySevers());
  const [header, , ...rows] = tableLines(out, LAB);
  t.same(columns(header ?? ''), [
    'session/launch/workload',
    'logout',
    'c-kill',
    's-kill',
    'drop',
    'reject',
    'sleep:20',
    'n-expiry:10',
    's-restart',
    'hangup',
    'g-kill',
  ]);
  for (const line of tableLines(out, LAB)) t.ok(line.length <= 120, `fits: ${line}`);
  t.same(columns(rows[0] ?? ''), ['pty/foreground/quiet', 'n/a', 'HUP', 'HUP', '-', 'HUP', 'HUP', '-', 'HUP', 'HUP', 'HUP']);
  t.match(out, '2×surv/1×HUP');
  t.match(out, '\nlegend: surv = survived · HUP, TERM, … = killed by that signal');
  t.match(
    out,
    '\ncolumns: c-kill = client-kill · s-kill = sshd-kill · n-expiry:10 = nat-expiry:10 · s-restart = sshd-restart ·\n' +
      '  g-kill = group-kill\n',
    'wrapped at a separator rather than past 120 columns',
  );
  for (const line of out.split('\n')) t.ok(line.length <= 120, `fits: ${line}`);
});

t.test('abbreviations that would clash keep their full names', async (t) => {
  const result = manySevers();
  const extra = structuredClone(result.cells.find((c) => c.sever === 'sshd-kill')!);
  Object.assign(extra, { id: 'x-sig', caseId: 'case-x-sig', sever: 'signal-kill' });
  result.cells.push(extra);
  const [header] = tableLines(terminal.render(result), LAB);
  t.ok(columns(header ?? '').includes('sshd-kill'));
  t.ok(columns(header ?? '').includes('signal-kill'));
  t.ok(columns(header ?? '').includes('c-kill'));
});

t.test('deterministic: same input, same output, whatever the cell order', async (t) => {
  for (const input of [fixture, manySevers()]) {
    const shuffled = structuredClone(input);
    shuffled.cells.reverse();
    for (const color of [false, true]) {
      const out = terminal.render(input, { color });
      t.equal(terminal.render(input, { color }), out);
      t.equal(terminal.render(shuffled, { color }), out);
    }
  }
});
