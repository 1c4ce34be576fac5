// The report sections the expectations and several targets add: Markdown's "## Expectations" and
// "## Across targets", the terminal's expectation lines and side-by-side view, and a shard's header.
import t from 'tap';
import { expectationRows, failingCells, summaryText, whereText } from '../../harness/report/expectations.js';
import { markdown } from '../../harness/report/markdown.js';
import { terminal } from '../../harness/report/terminal.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { expectations, fixture, fixtureCopy, multiTarget, steadyCopy, withExpectations } from './fixtures.js';
import { section, tableCells } from './markdown-text.js';

const tableRows = (text: string) => text.split('\n').filter((l) => l.startsWith('|')).map(tableCells);
const lines = (text: string) => text.split('\n');

/** The cell of a fixture case on a target of a multi-target result. */
function cellOf(result: RunResult, target: string, fixtureId: string): CellResult {
  const f = fixture.cells.find((c) => c.id === fixtureId)!;
  return result.cells.find(
    (c) => c.target === target && c.session === f.session && c.launch === f.launch && c.workload === f.workload && c.sever === f.sever && c.user === f.user && c.rep === f.rep,
  )!;
}

// The fixture's disowned drop is flaky (2 survived, 1 killed), which fails the run as well.
const SUMMARY =
  'FAIL: 2 cells failed an expectation, 1 case flaky · 8 met · 2 FAILED · 1 unjudged (not failing; --strict would fail them) · 1 not applicable · 1 FLAKY · matched no cell in this result: expect[4]';

// ---- The shared helpers ----

t.test('whereText: each axis once, several values in braces, an empty pattern is every cell', async (t) => {
  t.equal(whereText(expectations[1]!), 'launch=foreground sever=client-kill');
  t.equal(whereText({ ...expectations[0]!, where: { launch: ['nohup', 'tmux'], user: ['root'] } }), 'launch={nohup,tmux} user=root');
  t.equal(whereText({ ...expectations[0]!, where: {} }), 'every cell');
});

t.test('summaryText: verdict, counts, what is not failing and why, unused expectations', async (t) => {
  t.equal(summaryText(withExpectations(fixtureCopy())), SUMMARY);
  t.equal(
    summaryText(withExpectations(fixtureCopy(), expectations, true)),
    'FAIL: 3 cells failed an expectation, 1 case flaky · 8 met · 2 FAILED · 1 unjudged (failing: the run is strict) · 1 not applicable · 1 FLAKY · matched no cell in this result: expect[4]',
  );
  t.equal(summaryText(withExpectations(steadyCopy(), [expectations[2]!])), 'PASS · 2 met · 0 failed · 0 flaky', 'nothing else to say');
  t.equal(summaryText(withExpectations(fixtureCopy(), [expectations[2]!])), 'FAIL: 1 case flaky · 2 met · 0 failed · 1 FLAKY', 'a flaky case alone fails');
  const one = withExpectations(steadyCopy(), [expectations[1]!]);
  t.match(summaryText(one), /^FAIL: 1 cell failed an expectation · /);
});

t.test('summaryText: without expectations, only determinism; nothing repeated, nothing to check', async (t) => {
  t.equal(summaryText(fixtureCopy()), 'FAIL: 1 case flaky · 1 FLAKY');
  t.equal(summaryText(steadyCopy()), 'PASS · 0 flaky');
  const once = steadyCopy();
  once.cells = once.cells.filter((c) => c.rep === 1);
  t.equal(summaryText(once), 'PASS', 'no case ran twice: no flaky count');
});

t.test('expectationRows and failingCells', async (t) => {
  const result = withExpectations(fixtureCopy());
  t.same(
    expectationRows(result).map((r) => [r.expectation.index, r.met, r.failed, r.unjudged, r.notApplicable]),
    [
      [0, 3, 0, 1, 1],
      [1, 1, 1, 0, 0],
      [2, 2, 0, 0, 0],
      [3, 2, 1, 0, 0],
      [4, 0, 0, 0, 0],
    ],
  );
  t.same(
    failingCells(result).map((f) => [f.cell.id, f.lines]),
    [
      ['a3000003', ['expect[3]: expected survived, saw killed by SIGHUP']],
      ['6f708192', ['expect[1] (the shell forwards the hangup): expected killed by SIGHUP, saw session-open']],
    ],
  );
  const strict = withExpectations(fixtureCopy(), expectations, true);
  t.same(failingCells(strict).at(-1)!.lines, [
    'expect[0] (nohup ignores SIGHUP): expected survived; could not be judged: probe pid 2129 vanished from /proc but its log has no exit record — fails because the run is strict',
  ]);
});

// ---- Markdown: ## Expectations ----

t.test('markdown: no Expectations section without expectations', async (t) => {
  t.notMatch(markdown.render(fixture), '## Expectations');
});

t.test('markdown: the summary, then failing cells, then the table; all before the matrices', async (t) => {
  const out = markdown.render(withExpectations(fixtureCopy()));
  const s = section(out, '## Expectations');
  t.ok(s.startsWith(`## Expectations\n\n**${SUMMARY}**\n\n### Failing cells (2)\n\n`));
  t.ok(out.indexOf('## Expectations') < out.indexOf('## debian-bookworm'), 'before the target sections');
  t.ok(s.indexOf('### Failing cells') < s.indexOf('| # |'), 'failing cells before the table');
  t.notMatch(s, 'strict:');
});

t.test('markdown: each failing cell with the expectation index, why, expected and seen', async (t) => {
  const s = section(markdown.render(withExpectations(fixtureCopy())), '### Failing cells (2)');
  t.same(lines(s).filter((l) => l.startsWith('- ') || l.startsWith('  - ')), [
    '- **debian-bookworm · pty / disown / quiet × drop · user=lab (rep 3)** (cell `a3000003`)',
    '  - expect[3]: expected survived, saw killed by SIGHUP',
    '- **debian-bookworm · exec / foreground / quiet × client-kill · user=lab** (cell `6f708192`)',
    '  - expect[1] (the shell forwards the hangup): expected killed by SIGHUP, saw session-open',
  ]);
});

t.test('markdown: the table of expectations with their counts', async (t) => {
  const rows = tableRows(section(markdown.render(withExpectations(fixtureCopy())), '## Expectations'));
  t.same(rows, [
    ['#', 'where', 'expected', 'met', 'failed', 'unjudged', 'n/a', 'why'],
    ['---', '---', '---', '---', '---', '---', '---', '---'].map(() => ''),
    ['expect[0]', 'launch=nohup', 'survived', '3', '0', '1', '1', 'nohup ignores SIGHUP'],
    ['expect[1]', 'launch=foreground sever=client-kill', 'killed by SIGHUP', '1', '1', '0', '0', 'the shell forwards the hangup'],
    ['expect[2]', 'launch=tmux', 'survived', '2', '0', '0', '0', 'tmux keeps its own session'],
    ['expect[3]', 'launch=disown sever=drop', 'survived', '2', '1', '0', '0', '—'],
    ['expect[4]', 'sever=sshd-restart', 'survived', '0', '0', '0', '0', 'KillMode=process'],
  ].map((r, i) => (i === 1 ? tableRows('|---|---|---|---|---|---|---|---|')[0]! : r)));
});

t.test('markdown: strict says so, and lists the inconclusive cell as failing', async (t) => {
  const s = section(markdown.render(withExpectations(fixtureCopy(), expectations, true)), '## Expectations');
  t.match(s, '(failing: the run is strict) · 1 not applicable · 1 FLAKY · matched no cell in this result: expect[4]** (strict: an inconclusive cell fails)\n');
  t.match(s, '### Failing cells (3)');
  t.match(
    s,
    '- **debian-bookworm · exec / nohup / quiet × client-kill · user=lab** (cell `8192a3b4`)\n  - expect[0] (nohup ignores SIGHUP): expected survived; could not be judged: probe pid 2129 vanished from /proc but its log has no exit record — fails because the run is strict',
  );
});

t.test('markdown: all met: PASS and no failing cells block', async (t) => {
  const s = section(markdown.render(withExpectations(steadyCopy(), [expectations[2]!])), '## Expectations');
  t.match(s, '**PASS · 2 met · 0 failed · 0 flaky**');
  t.notMatch(s, 'Failing cells');
  t.equal(tableRows(s).length, 3);
});

t.test('markdown: pipes and newlines in an expectation or a detail do not break the table or the list', async (t) => {
  const result = withExpectations(fixtureCopy(), [{ ...expectations[3]!, why: 'a | b\nc' }]);
  const s = section(markdown.render(result), '## Expectations');
  const row = tableRows(s).at(-1)!;
  t.equal(row.length, 8);
  t.equal(row[7], 'a \\| b c');
  t.match(s, '  - expect[3] (a | b c): expected survived, saw killed by SIGHUP\n', 'a bullet keeps its pipe, on one line');
});

// ---- Terminal: expectation lines ----

t.test('terminal: no expectation lines without expectations', async (t) => {
  t.notMatch(terminal.render(fixture), 'expectations:');
  t.notMatch(terminal.render(fixture), '✗');
});

t.test('terminal: failing cells near the top, the summary line last', async (t) => {
  const out = terminal.render(withExpectations(fixtureCopy()));
  const all = lines(out.trimEnd());
  t.equal(all.at(-1), `expectations: ${SUMMARY}`, 'the last line');
  const start = all.indexOf(`expectations: ${SUMMARY}`);
  t.equal(all.slice(start, start + 5).join('\n'), [
    `expectations: ${SUMMARY}`,
    '  ✗ debian-bookworm pty/disown/quiet × drop · user=lab (rep 3) (a3000003)',
    '      expect[3]: expected survived, saw killed by SIGHUP',
    '  ✗ debian-bookworm exec/foreground/quiet × client-kill · user=lab (6f708192)',
    '      expect[1] (the shell forwards the hangup): expected killed by SIGHUP, saw session-open',
  ].join('\n'));
  t.ok(start < all.indexOf('debian-bookworm · user=lab'), 'before the first matrix');
  t.equal(all[start - 1], '', 'after the header, as a block of its own');
  t.equal(all.filter((l) => l.startsWith('expectations: ')).length, 2, 'the summary opens the block and closes the output');
  t.equal(terminal.render(withExpectations(fixtureCopy()), { color: true }).trimEnd().split('\n').at(-1), `expectations: ${SUMMARY}`);
});

t.test('terminal: strict lists the inconclusive cell; all met prints the summary once, last', async (t) => {
  const strict = terminal.render(withExpectations(fixtureCopy(), expectations, true));
  t.match(strict, '  ✗ debian-bookworm exec/nohup/quiet × client-kill · user=lab (8192a3b4)\n      expect[0] (nohup ignores SIGHUP): expected survived; could not be judged:');
  t.match(strict, '— fails because the run is strict');
  const pass = terminal.render(withExpectations(steadyCopy(), [expectations[2]!]));
  t.notMatch(pass, '✗');
  t.equal(pass.split('\n').filter((l) => l.startsWith('expectations: ')).length, 1);
  t.equal(pass.trimEnd().split('\n').at(-1), 'expectations: PASS · 2 met · 0 failed · 0 flaky');
});

t.test('terminal: a long detail stays on one line', async (t) => {
  const result = withExpectations(fixtureCopy());
  result.cells.find((c) => c.id === 'a3000003')!.expectations[0]!.detail = 'expected survived,\n  saw killed\tby SIGHUP';
  t.match(terminal.render(result), '\n      expect[3]: expected survived, saw killed by SIGHUP\n');
});

// ---- A shard's header ----

t.test('a shard says which shard it is and how big the whole plan is', async (t) => {
  const result = withExpectations(fixtureCopy());
  result.shard = { index: 2, count: 3 };
  result.cells = result.cells.slice(0, 5);
  t.equal(terminal.render(result).split('\n')[0], 'hangup-lab: pty vs exec — 5 cells in 162.5 s (shard 2/3 of 16 cells)');
  t.match(markdown.render(result), '\nStarted 2025-06-14T09:12:03.417Z · took 162.5 s · 5 cells · shard 2/3 of 16 cells · hangup-lab 0.2.0\n');
  t.notMatch(terminal.render(fixture).split('\n')[0], 'shard');
  t.notMatch(markdown.render(fixture), 'shard');
});

// ---- Markdown: ## Across targets ----

t.test('markdown: no Across targets section for one target', async (t) => {
  t.notMatch(markdown.render(fixture), '## Across targets');
});

t.test('markdown: Across targets after Expectations and before the targets, with its count', async (t) => {
  const out = markdown.render(withExpectations(multiTarget()));
  const s = section(out, '## Across targets: debian-bullseye · debian-trixie');
  t.ok(s, 'the heading names the targets');
  t.ok(out.indexOf('## Expectations') < out.indexOf('## Across targets'));
  t.ok(out.indexOf('## Across targets') < out.indexOf('## debian-bullseye'));
  t.match(s, '\n3 of 14 cases run on more than one target differ (marked **≠**; verdict and signal compared, not times).\n');
  t.match(s, '\n### user=lab\n');
  t.match(s, '\n### user=root\n');
});

t.test('markdown: differing slots are marked ≠ with one <br>-joined outcome per target', async (t) => {
  const out = markdown.render(multiTarget());
  const lab = section(out, '### user=lab');
  const rows = Object.fromEntries(tableRows(lab).map((r) => [r[0], r]));
  t.same(rows['session / launch / workload'], ['session / launch / workload', 'logout', 'client-kill', 'drop', 'nat-expiry:10']);
  t.equal(rows['pty / nohup / quiet']![2], '**≠** debian-bullseye: survived<br>debian-trixie: killed SIGTERM (+0.12 s)');
  t.equal(rows['exec / foreground / quiet']![2], '**≠** debian-bullseye: session-open<br>debian-trixie: killed SIGPIPE (+0.01 s)');
  t.equal(rows['pty / disown / quiet']![3], '**≠** debian-bullseye: 2× survived / 1× killed SIGHUP (+5.65 s)<br>debian-trixie: 3× survived');
  t.equal(rows['pty / foreground / quiet']![2], 'killed SIGHUP (+0.04 s)', 'the same outcome at other times: one text, no mark');
  t.equal(rows['pty / nohup / quiet']![1], 'survived');
  t.equal(rows['pty / foreground / quiet']![3], '—', 'a case no target ran');
  t.equal(lab.split('≠').length - 1, 3);
});

t.test('markdown: the Differences list has each target’s evidence', async (t) => {
  const s = section(markdown.render(multiTarget()), '### Differences');
  t.same(lines(s).filter((l) => l.startsWith('- ')), [
    '- **pty / disown / quiet × drop** · user=lab',
    '- **pty / nohup / quiet × client-kill** · user=lab',
    '- **exec / foreground / quiet × client-kill** · user=lab',
  ]);
  t.match(s, '\n  - debian-bullseye: survived, sshd ended the session at +0.01 s\n  - debian-trixie: killed SIGTERM from systemd (pid 1');
  t.match(s, '\n  - debian-bullseye: session-open, session still open\n');
  t.match(s, 'killed SIGHUP from the kernel (terminal hangup) at +5.65 s, sshd ended the session at +5.60 s\n');
});

t.test('markdown: no differences: the count says 0 and there is no Differences list', async (t) => {
  const result = multiTarget();
  for (const id of ['4d5e6f70', '6f708192', 'a3000003']) {
    const twin = cellOf(result, 'debian-bullseye', id);
    Object.assign(cellOf(result, 'debian-trixie', id), { verdict: twin.verdict, signal: twin.signal });
  }
  const s = section(markdown.render(result), '## Across targets: debian-bullseye · debian-trixie');
  t.match(s, '0 of 14 cases run on more than one target differ (marked **≠**');
  t.notMatch(s, '**≠** debian');
  t.notMatch(markdown.render(result), '### Differences');
  cellOf(result, 'debian-trixie', '4d5e6f70').verdict = 'exited';
  t.match(markdown.render(result), '1 of 14 cases run on more than one target differs (marked');
});

t.test('markdown: a case one target did not run is "not run" in the list, and never a difference by itself', async (t) => {
  const three = multiTarget(['debian-bullseye', 'debian-bookworm', 'debian-trixie']);
  const gone = cellOf(three, 'debian-bookworm', '6f708192');
  three.cells = three.cells.filter((c) => c !== gone);
  const out = markdown.render(three);
  t.match(out, '**≠** debian-bullseye: session-open<br>debian-bookworm: —<br>debian-trixie: killed SIGPIPE (+0.01 s)');
  t.match(out, '  - debian-bullseye: session-open, session still open\n  - debian-bookworm: not run\n  - debian-trixie: killed SIGPIPE');

  const two = multiTarget();
  const missing = cellOf(two, 'debian-trixie', 'c5d6e7f8');
  two.cells = two.cells.filter((c) => c !== missing);
  const lab = section(markdown.render(two), '### user=lab');
  const row = tableRows(lab).find((r) => r[0] === 'pty / tmux / quiet')!;
  t.equal(row[1], 'survived', 'shown with the outcome of the target that ran it, unmarked');
  t.match(markdown.render(two), '3 of 13 cases run on more than one target differ');
});

// ---- Terminal: side by side ----

/** The table under a title line in the terminal output: header, rule, rows. */
function terminalTable(out: string, title: string): string[][] {
  const all = lines(out);
  const start = all.indexOf(title);
  const end = all.findIndex((l, i) => i > start && l === '');
  return all.slice(start + 1, end).map((l) => l.split(/ {2,}/));
}

t.test('terminal: several targets are shown side by side instead of one matrix each', async (t) => {
  const out = terminal.render(withExpectations(multiTarget()));
  t.match(out, '\nside by side: debian-bullseye · debian-trixie\n3 of 14 cases differ between targets (≠ a|b|c = outcomes on bullseye|trixie); details in report.md\n');
  t.notMatch(out, /^counts: /m, 'no per-target matrices');
  const lab = Object.fromEntries(terminalTable(out, 'user=lab').map((r) => [r[0], r]));
  t.same(lab['session/launch/workload'], ['session/launch/workload', 'logout', 'client-kill', 'drop', 'nat-expiry:10']);
  t.equal(lab['pty/nohup/quiet']![2], '≠ surv|TERM');
  t.equal(lab['exec/foreground/quiet']![2], '≠ open|PIPE');
  t.equal(lab['pty/disown/quiet']![3], '≠ 2×surv/1×HUP|3×surv');
  t.equal(lab['pty/foreground/quiet']![2], 'killed HUP', 'times differ only: no mark');
  t.equal(lab['pty/foreground/quiet']![1], 'n/a');
  t.same(
    terminalTable(out, 'user=root').slice(2),
    [
      ['pty/background/quiet', 'killed HUP'],
      ['pty/setsid/chatty', 'survived'],
    ],
  );
});

t.test('terminal: the differences are listed with each target’s outcome', async (t) => {
  const out = terminal.render(multiTarget());
  t.match(
    out,
    [
      '\ndifferences:',
      '  pty/disown/quiet × drop [user=lab]: bullseye 2× survived / 1× killed HUP · trixie 3× survived',
      '  pty/nohup/quiet × client-kill [user=lab]: bullseye survived · trixie killed TERM',
      '  exec/foreground/quiet × client-kill [user=lab]: bullseye open · trixie killed PIPE\n',
    ].join('\n'),
  );
  t.match(out, '\ndebian-trixie · user=lab\ninconclusive, needs attention (1):\n', 'what needs attention still per target');
});

t.test('terminal: no differences: "0 of N cases differ", no legend for ≠, no list', async (t) => {
  const result = multiTarget();
  for (const id of ['4d5e6f70', '6f708192', 'a3000003']) {
    const twin = cellOf(result, 'debian-bullseye', id);
    Object.assign(cellOf(result, 'debian-trixie', id), { verdict: twin.verdict, signal: twin.signal });
  }
  const out = terminal.render(result);
  t.match(out, '\n0 of 14 cases differ between targets; details in report.md\n');
  t.notMatch(out, '≠');
  t.notMatch(out, 'differences:');
});

t.test('terminal: three targets, one of them missing a case', async (t) => {
  const three = multiTarget(['debian-bullseye', 'debian-bookworm', 'debian-trixie']);
  const gone = cellOf(three, 'debian-bookworm', '6f708192');
  three.cells = three.cells.filter((c) => c !== gone);
  const out = terminal.render(three);
  t.match(out, '(≠ a|b|c = outcomes on bullseye|bookworm|trixie)');
  const lab = Object.fromEntries(terminalTable(out, 'user=lab').map((r) => [r[0], r]));
  t.equal(lab['exec/foreground/quiet']![2], '≠ open|-|PIPE');
  t.equal(lab['pty/nohup/quiet']![2], '≠ surv|surv|TERM');
  t.match(out, '  exec/foreground/quiet × client-kill [user=lab]: bullseye open · bookworm - · trixie killed PIPE\n');
});

t.test('terminal: a failed check on any target keeps its marker in a shared slot', async (t) => {
  // tmux × client-kill: the reattach check fails on both targets in the fixture.
  const both = Object.fromEntries(terminalTable(terminal.render(multiTarget()), 'user=lab').map((r) => [r[0], r]));
  t.equal(both['pty/tmux/quiet']![2], 'survived!');
  const result = multiTarget();
  cellOf(result, 'debian-bullseye', 'd6e7f809').checks = [{ name: 'reattach', ok: true, detail: 'attached', atMs: 15_000 }];
  const lab = Object.fromEntries(terminalTable(terminal.render(result), 'user=lab').map((r) => [r[0], r]));
  t.equal(lab['pty/tmux/quiet']![2], 'survived!', 'failed on trixie only: still marked');
  const unknown = multiTarget();
  cellOf(unknown, 'debian-bullseye', 'd6e7f809').checks = [];
  cellOf(unknown, 'debian-trixie', 'd6e7f809').checks = [{ name: 'reattach', ok: null, detail: 'timed out', atMs: null }];
  t.equal(Object.fromEntries(terminalTable(terminal.render(unknown), 'user=lab').map((r) => [r[0], r]))['pty/tmux/quiet']![2], 'survived*');
});
