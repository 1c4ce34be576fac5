import t from 'tap';
import { terminal } from '../../harness/report/terminal.js';
import type { CellResult } from '../../harness/results.js';
import { fixture, fixtureCopy } from './fixtures.js';

const ESC = /\x1b\[[0-9;]*m/g;

/** The table block of one target: header, rule, then one line per row. */
function tableLines(output: string, target: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(target);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('counts:'));
  return lines.slice(start + 1, end);
}

// Columns are separated by at least two spaces; cell codes contain at most one.
const columns = (line: string) => line.split(/ {2,}/);

const expected: Record<string, string> = {
  'pty/foreground/quiet × logout': 'n/a',
  'pty/foreground/quiet × client-kill': 'killed HUP',
  'pty/nohup/quiet × logout': 'survived',
  'pty/nohup/quiet × client-kill': 'survived',
  'exec/foreground/quiet × logout': 'n/a',
  'exec/foreground/quiet × client-kill': 'open',
  'exec/nohup/quiet × logout': 'n/a',
  'exec/nohup/quiet × client-kill': '??',
};

const label = (c: CellResult) => `${c.session}/${c.launch}/${c.workload} × ${c.sever}`;

t.test('headline names scenario, target fingerprint, cell count and duration', async (t) => {
  const first = terminal.render(fixture).split('\n')[0] ?? '';
  t.match(first, 'pty vs exec');
  t.match(first, 'debian-bookworm (OpenSSH_9.2p1 Debian-2+deb12u7');
  t.match(first, 'clientaliveinterval 0, clientalivecountmax 3, tcpkeepalive yes');
  t.notMatch(first, 'usepam', 'only the keepalive settings make the one-liner');
  t.match(first, '8 cells in 162.5 s');
});

t.test('rows follow session × launch × workload and columns follow the severs', async (t) => {
  const [header, rule, ...rows] = tableLines(terminal.render(fixture), 'debian-bookworm');
  t.same(columns(header ?? ''), ['session/launch/workload', 'logout', 'client-kill']);
  t.match(rule ?? '', /^-+ {2,}-+ {2,}-+$/);
  t.same(
    rows.map((r) => columns(r)[0]),
    ['pty/foreground/quiet', 'pty/nohup/quiet', 'exec/foreground/quiet', 'exec/nohup/quiet'],
  );
});

t.test('every cell appears in its row and column', async (t) => {
  const [header, , ...rows] = tableLines(terminal.render(fixture), 'debian-bookworm');
  const severs = columns(header ?? '').slice(1);
  const seen: Record<string, string> = {};
  for (const row of rows) {
    const [key, ...codes] = columns(row);
    codes.forEach((code, i) => (seen[`${key} × ${severs[i]}`] = code));
  }
  t.same(seen, expected);
  t.equal(Object.keys(seen).length, fixture.cells.length);
  for (const c of fixture.cells) t.ok(label(c) in seen, label(c));
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
  t.equal(colour.replace(ESC, ''), plain, 'widths come from the plain text');
});

t.test('counts per verdict and the inconclusive cells with their reasons', async (t) => {
  const out = terminal.render(fixture);
  t.match(out, 'counts: survived 2, killed 1, session-open 1, not-applicable 3, inconclusive 1\n');
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
  t.match(out, 'exec/nohup/quiet         n/a       -\n', 'a missing cell shows as a dash');
});

t.test('a cell whose axis value is not declared still appears', async (t) => {
  const result = fixtureCopy();
  const extra = structuredClone(result.cells[0]!);
  Object.assign(extra, { id: 'ffff0000', sever: 'network-drop', verdict: 'survived' });
  result.cells.push(extra);
  const [header] = tableLines(terminal.render(result), 'debian-bookworm');
  t.same(columns(header ?? ''), ['session/launch/workload', 'logout', 'client-kill', 'network-drop']);
});

t.test('deterministic: same input, same output, whatever the cell order', async (t) => {
  const shuffled = fixtureCopy();
  shuffled.cells.reverse();
  for (const color of [false, true]) {
    const out = terminal.render(fixture, { color });
    t.equal(terminal.render(fixture, { color }), out);
    t.equal(terminal.render(shuffled, { color }), out);
  }
});
