import t, { type Test } from 'tap';
import { claimsSection, html } from '../../harness/report/html.js';
import { maskSignals, processTree, timelineSvg } from '../../harness/report/html/cell-detail.js';
import { esc, scriptJson } from '../../harness/report/html/escape.js';
import { SCRIPT } from '../../harness/report/html/script.js';
import type { CellResult, ProcessInfo, RunResult } from '../../harness/results.js';
import { fixture, fixtureCopy, multiTarget, withExpectations } from './fixtures.js';

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** Every cell has exactly one heatmap element and one detail view, by its id. */
function assertEveryCell(t: Test, result: RunResult): void {
  const out = html.render(result);
  for (const c of result.cells) {
    t.equal(count(out, `data-cell-id="${c.id}"`), 1, `cell ${c.id} in a heatmap once`);
    t.equal(count(out, `id="cell-${c.id}"`), 1, `cell ${c.id} has a detail view`);
  }
  t.equal(count(out, 'data-cell-id="'), result.cells.length, 'no other element carries data-cell-id');
}

t.test('every cell appears with its id: fixture, several targets, expectations', async (t) => {
  assertEveryCell(t, fixtureCopy());
  assertEveryCell(t, multiTarget());
  assertEveryCell(t, withExpectations(fixtureCopy()));
  assertEveryCell(t, withExpectations(multiTarget(['debian-bullseye', 'debian-bookworm', 'debian-trixie'])));
});

t.test('one self-contained document: inline style and script, nothing loaded', async (t) => {
  const out = html.render(withExpectations(multiTarget()));
  t.ok(out.startsWith('<!doctype html>\n<html lang="en">'));
  t.ok(out.endsWith('</html>\n'));
  t.equal(count(out, '<style>'), 1);
  t.equal(count(out, '<script>'), 1, 'one inline script, no src');
  t.notMatch(out, /\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src/href to the network');
  t.notMatch(out, /https?:\/\//, 'no http(s) reference at all in this fixture');
  t.notMatch(out, /@import|url\(/i, 'no stylesheet loads');
  t.match(out, `default-src 'none'`, 'a CSP forbids loading anything');
  t.notMatch(SCRIPT, /<\//, 'the script cannot end its own element early');
});

t.test('header: scenario, counts, failing cells before the expectation table, claims after', async (t) => {
  const out = html.render(withExpectations(fixtureCopy()));
  t.match(out, '<h1>hangup-lab: pty vs exec</h1>');
  t.match(out, 'took 162.5 s · 16 cells');
  t.match(out, '<span class="chip v-survived">survived 8</span>');
  t.match(out, 'FAIL: 2 cells failed an expectation');
  const failing = out.indexOf('Failing cells (2)');
  t.ok(failing > 0 && failing < out.indexOf('<th>where</th>'), 'failing cells first');
  t.ok(out.indexOf('Failing cells') < out.indexOf('id="heatmaps"'));
  t.match(out, 'expect[3]: expected survived, saw killed by SIGHUP');
  t.equal(claimsSection(fixture), '', 'the claims hook is empty until claims exist');
});

t.test('shard note and the user sshd config', async (t) => {
  const r = fixtureCopy();
  r.shard = { index: 2, count: 3 };
  r.plan = [...r.plan, 'x1', 'x2'];
  r.sshdConfig = { file: '/etc/ssh/sshd_config', sha256: 'ab'.repeat(32), lines: 120, matchBlocks: 1 };
  const out = html.render(r);
  t.match(out, 'Shard 2/3: 16 cells of a plan of 18');
  t.match(out, 'sshd config: <code>/etc/ssh/sshd_config</code> (120 lines, sha256 abababababab');
});

t.test('heatmap text: signal and time; disagreeing repetitions are marked', async (t) => {
  const out = html.render(fixtureCopy());
  t.match(out, /data-cell-id="2b3c4d5e"[^>]*>HUP<small>\+0\.04 s<\/small>/);
  t.match(out, /<td class="multi disagree flaky"[^>]*><span class="cap"><a class="flaky-badge" href="#flaky">flaky<\/a> ≠ 2× survived \/ 1× killed HUP<\/span>/);
  t.match(out, /data-cell-id="a3000003"[^>]*>HUP \+5\.65 s</);
  t.match(out, '⚑ reattach failed');
  t.match(out, '<form id="filters" hidden>');
  t.match(out, '<input type="checkbox" name="user" value="root" checked>');
  t.notMatch(out, 'name="clientalive"', 'an axis with one value gets no filter');
  t.match(out, /data-cell-id="e7f8091a" data-ax-user="root" data-ax-session="pty" data-ax-launch="background"/);
});

t.test('several targets: the differences only, with links to both sides', async (t) => {
  const out = html.render(multiTarget());
  t.match(out, '<h2>Across targets: differences only</h2>');
  t.match(out, '3 of 14 cases run on more than one target differ');
  const diffs = out.slice(out.indexOf('<table class="diffs">'), out.indexOf('</table>', out.indexOf('<table class="diffs">')));
  t.equal(count(diffs, '<tr><td>'), 3);
  t.match(diffs, 'killed SIGTERM (+0.12 s)');
  t.notMatch(html.render(fixture), 'Across targets', 'one target: no comparison');
});

t.test('detail view: timeline, process trees, log, checks, expectations, server', async (t) => {
  const out = html.render(withExpectations(fixtureCopy()));
  const start = out.indexOf('id="cell-a3000003"');
  const detail = out.slice(start, out.indexOf('</article>', start));
  t.match(detail, '<svg role="img" aria-label="timeline"');
  t.match(detail, '+5.64 s · the kernel (terminal hangup)');
  t.match(detail, 'server noticed');
  t.match(detail, '<table class="ptree">');
  t.match(detail, '5640 ms caught SIGHUP code=128');
  t.match(detail, 'expect[3]: expected survived, saw killed by SIGHUP');
  t.match(detail, 'debian-bookworm: OpenSSH_9.2p1 Debian-2+deb12u7 · clientAlive 1/2');
  t.match(detail, `href="#server-${encodeURIComponent(fixture.targets[0]!.key)}"`);
  const tmux = out.slice(out.indexOf('id="cell-d6e7f809"'));
  t.match(tmux.slice(0, tmux.indexOf('</article>')), /<span class="fail">failed<\/span> <b>reattach<\/b>/);
});

/** The fixture with hostile text wherever results carry free text. */
function hostile(): RunResult {
  const evil = '</script><img src=x onerror=alert(1)>"\'&';
  const r = withExpectations(fixtureCopy());
  r.scenario.name = evil;
  r.scenario.description = evil;
  const c = r.cells.find((x) => x.id === 'a3000003')!;
  c.reason = evil;
  c.probe.log = [evil, '<!--<script>'];
  c.timeline.push({ atMs: 3, event: evil });
  c.before.push({ ...c.before[0]!, pid: 9, ppid: 9, args: evil, comm: evil, cgroup: evil, sigIgn: evil });
  c.clientEnd = { exitMs: 5, exitCode: 255, exitSignal: null, lastLines: [evil] };
  c.checks = [{ name: evil, ok: false, detail: evil, atMs: 1 }];
  c.recording = { width: 80, height: 24, events: [[0.1, 'o', `${evil}\r\n`], [0.2, 'o', '<!--<script>']] };
  // An axis value is untrusted too: it reaches attributes, filters and labels.
  const d = r.cells.find((x) => x.id === '1a2b3c4d')!;
  d.launch = evil;
  r.axes.launch.push(evil);
  r.expectations[0]!.why = evil;
  return r;
}

t.test('hostile strings are escaped everywhere', async (t) => {
  const r = hostile();
  const out = html.render(r);
  t.notMatch(out, '<img', 'no injected element');
  t.notMatch(out, /onerror=alert\(1\)>/, 'no injected attribute');
  t.equal(count(out, '<script'), 2, 'the page script and one recording, nothing injected');
  t.equal(count(out, '</script>'), 2);
  t.notMatch(out, /<!--/, 'no comment opener smuggled into a script element');
  t.match(out, '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  // The recording's JSON still parses back to what was recorded.
  const json = /<script type="application\/json" id="rec-a3000003">([^<]*)<\/script>/.exec(out)![1]!;
  t.same(JSON.parse(json).events, r.cells.find((x) => x.id === 'a3000003')!.recording!.events);
  assertEveryCell(t, r);
});

t.test('deterministic, and laid out by axes, not by the order cells finished in', async (t) => {
  const input = withExpectations(multiTarget());
  const first = html.render(input);
  t.equal(html.render(input), first);
  // Failing cells are listed in run order, as in every report; the rest must not depend on it.
  const reversed = structuredClone(input);
  reversed.cells.reverse();
  reversed.targets.reverse();
  const after = (out: string) => out.slice(out.indexOf('id="across"'));
  t.equal(after(html.render(reversed)), after(first));
});

t.test('a recording gets a replay; a cell without one does not', async (t) => {
  const r = fixtureCopy();
  r.cells.find((x) => x.id === '3c4d5e6f')!.recording = { width: 80, height: 24, events: [[0.05, 'o', '$ exit\r\nlogout\r\n']] };
  const out = html.render(r);
  t.equal(count(out, 'class="replay"'), 1);
  t.match(out, '<div class="replay" data-src="rec-3c4d5e6f" hidden>');
  t.match(out, '"events":[[0.05,"o","$ exit\\r\\nlogout\\r\\n"]]');
});

t.test('escape helpers', async (t) => {
  t.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.equal(scriptJson({ s: '</script>\u2028' }), '{"s":"\\u003c/script\\u003e\\u2028"}');
});

t.test('signal masks', async (t) => {
  t.same(maskSignals('0000000000000001'), ['HUP']);
  t.same(maskSignals('0000000000384004'), ['QUIT', 'TERM', 'TSTP', 'TTIN', 'TTOU']);
  t.same(maskSignals('0000000000000000'), []);
  t.equal(maskSignals('zz'), null);
});

const proc = (pid: number, ppid: number): ProcessInfo => ({ ...fixture.cells[0]!.before[0]!, pid, ppid });

t.test('process tree by ppid, children by pid; a cycle cannot loop', async (t) => {
  const tree = processTree([proc(30, 10), proc(10, 1), proc(20, 10), proc(40, 20), proc(50, 1)]);
  t.same(tree.map((n) => [n.proc.pid, n.depth]), [[10, 0], [20, 1], [40, 2], [30, 1], [50, 0]]);
  const cycle = processTree([proc(7, 8), proc(8, 7)]);
  t.same(cycle.map((n) => n.proc.pid).sort(), [7, 8], 'both shown once');
});

t.test('timeline: a row per milestone, missing ones said in words', async (t) => {
  const cell: CellResult = fixture.cells.find((c) => c.id === '6f708192')!;
  const svg = timelineSvg(cell);
  t.match(svg, '>server noticed</text>');
  t.match(svg, '>not in the window</text>');
  t.match(svg, '>did not die</text>');
  t.match(svg, '+0.00 s · client-kill');
});

t.test('claims: a section with every claim, its verdict and links to its evidence cells', async (t) => {
  const r = fixtureCopy();
  const ids = r.cells.map((c) => c.id);
  r.claims = {
    article: '003_x.txt',
    title: 'keeping <processes> alive',
    claims: [
      { id: '003-1', article: '003_x.txt', claim: 'nohup <survives>', where: { launch: ['nohup'] }, confirms: { verdict: ['survived'] }, explain: 'x' },
      { id: '003-2', article: '003_x.txt', claim: 'all killed', where: {}, confirms: { verdict: ['killed'] }, explain: '' },
      { id: 'q-1', article: 'https://example.org/t/1', claim: 'a question', where: {}, confirms: { verdict: ['killed'] }, explain: '' },
    ],
    untestable: [{ article: '003_x.txt', claim: 'nohup.out', why: 'files are not observed' }],
  };
  const out = html.render(r);
  t.match(out, '<section id="claims"><h2>Claims of 003_x.txt: keeping &lt;processes&gt; alive</h2>');
  t.match(out, 'nohup &lt;survives&gt;', 'claim text escaped');
  t.match(out, /003-2<\/td><td>all killed<\/td><td class="cond"><b>CONDITIONAL<\/b>/);
  t.match(out, 'nohup.out — not tested: files are not observed');
  t.match(out, '<td>a question (source: https://example.org/t/1)</td>', "a claim from elsewhere than the file's article names its source");
  t.notMatch(out, 'nohup &lt;survives&gt; (source:', "the file's own claims do not repeat the article");
  const linked = [...out.matchAll(/<td class="evidence">(.*?)<\/td>/g)].flatMap((m) => [...m[1]!.matchAll(/>(\w+)<\/a>/g)].map((x) => x[1]));
  t.ok(linked.every((id) => ids.includes(id!)), 'every evidence link names a cell of the run');
  t.equal(html.render(fixtureCopy()).includes('id="claims"'), false, 'no claims, no section');
});
