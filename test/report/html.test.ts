import t, { type Test } from 'tap';
import { claimsSection, html } from '../../harness/report/html.js';
import { maskSignals, processTree, timelineSvg } from '../../harness/report/html/cell-detail.js';
import { esc, scriptJson } from '../../harness/report/html/escape.js';
import { SCRIPT } from '../../harness/report/html/script.js';
import { CSS, VERDICT_COLOURS, VERDICT_GLYPHS } from '../../harness/report/html/style.js';
import { mainReasons, reasonGist, whatHappened, whatHappenedText } from '../../harness/report/html/summary.js';
import { VERDICTS, type CellResult, type ProcessInfo, type RunResult } from '../../harness/results.js';
import { fixture, fixtureCopy, multiTarget, racedRun, repeatedRun, withExpectations } from './fixtures.js';

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

t.test('header and summary: scenario, counts, the run verdict; failing cells before the expectation table', async (t) => {
  const out = html.render(withExpectations(fixtureCopy()));
  t.match(out, '<h1>hangup-lab: pty vs exec</h1>');
  t.match(out, 'took 162.5 s · hangup-lab 0.2.0');
  t.match(out, '16 cells on debian-bookworm: <span class="chip v-survived"><span class="g" aria-hidden="true">✓</span> survived 8</span>');
  t.match(out, '<span class="chip v-killed"><span class="g" aria-hidden="true">✕</span> killed 3</span> <span class="muted">(SIGHUP 3)</span>');
  t.match(out, /<p class="run-verdict fail">FAIL: 2 cells failed an expectation/);
  const failing = out.indexOf('Failing cells (2)');
  t.ok(failing > 0 && failing < out.indexOf('<th>where</th>'), 'failing cells first');
  t.match(out, 'expect[3]: expected survived, saw killed by SIGHUP');
  t.equal(claimsSection(fixture), '', 'the claims hook is empty until claims exist');
});

/** Where each section starts, -1 when it is not on the page. */
function sectionOrder(out: string, ids: readonly string[]): number[] {
  return ids.map((id) => out.indexOf(` id="${id}"`));
}

t.test('what happened and the heatmaps come first, right after the title; everything else follows', async (t) => {
  const r = withExpectations(multiTarget());
  r.claims = { article: '003_x.txt', title: 'x', claims: [], untestable: [] };
  const out = html.render(r);
  const ids = ['summary', 'heatmaps', 'expectations', 'flaky', 'claims', 'across', 'latency', 'checks', 'servers', 'cells'];
  const at = sectionOrder(out, ids);
  t.ok(at.every((i) => i > 0), `every section is there: ${ids.filter((_, i) => at[i]! < 0).join(', ') || 'yes'}`);
  t.same([...at].sort((a, b) => a - b), at, `in this order: ${ids.join(', ')}`);
  t.ok(out.indexOf('</h1>') < at[0]!, 'the title first');
  // Between the title and the heatmaps only a line of facts, the summary and the contents.
  const between = out.slice(out.indexOf('</h1>'), out.lastIndexOf('<section', at[1]));
  t.notMatch(between, /<table/, 'no table before the heatmaps');
  t.equal(count(between, '<section'), 1, 'no other section before the heatmaps');
  t.match(out.slice(at[1]!), /^ id="heatmaps"><h2>Heatmaps<\/h2><form id="filters" hidden>/, 'filters first in the heatmaps');
  t.match(out, '<nav class="toc"><a href="#expectations">Expectations</a><a href="#flaky">Flaky</a><a href="#claims">Claims</a>', 'the heatmaps follow at once: no link');
  t.match(out, '<a class="chip flaky-badge" href="#flaky">1 case flaky</a>', 'flaky cases counted beside the verdicts');
});

t.test('the summary: a few lines computed from the results alone', async (t) => {
  t.same(whatHappenedText(whatHappened(withExpectations(fixtureCopy()))), [
    'FAIL: 2 cells failed an expectation, 1 case flaky · 8 met · 2 FAILED · 1 unjudged (not failing; --strict would fail them) · 1 not applicable · 1 FLAKY · matched no cell in this result: expect[4]',
    '16 cells on debian-bookworm: 8 survived, 3 killed (SIGHUP 3), 1 session-open, 3 not-applicable, 1 inconclusive.',
    'Flaky: 1 case flaky of 1 case that ran more than once.',
    'Inconclusive: 1 cell, never counted as a pass: probe pid 2129 vanished from /proc but its log has no exit record.',
    'Checks: reattach failed in 1 cell.',
  ]);
  t.same(whatHappenedText(whatHappened(multiTarget())).slice(1), [
    '32 cells on 2 targets: 16 survived, 7 killed (SIGHUP 5 · SIGPIPE 1 · SIGTERM 1), 1 session-open, 6 not-applicable, 2 inconclusive.',
    'Flaky: 1 case flaky of 2 cases that ran more than once.',
    'Inconclusive: 2 cells, never counted as a pass: probe pid 2129 vanished from /proc but its log has no exit record.',
    'Checks: reattach failed in 2 cells.',
    'Across targets: 3 of 14 cases run on more than one target differ.',
  ]);
  const raced = whatHappenedText(whatHappened(racedRun()));
  t.equal(raced[1], '42 cells on debian-bookworm, 3 repetitions per case: 19 survived, 7 killed (SIGHUP 6 · SIGTERM 1), 3 session-open, 9 not-applicable, 4 inconclusive.');
  t.ok(raced.includes('Inconclusive: 4 cells, never counted as a pass: 3× probe pid 2129 vanished from /proc but its log has no exit record · 1× the probe never logged its start.'), 'inconclusive: the commonest reasons');
  t.ok(raced.includes('Races: 1 declared race read as a survival rate, not failing.'), 'races');

  // Nothing to judge and nothing odd: one line, no verdict to claim.
  const plain = fixtureCopy();
  plain.cells = plain.cells.filter((c) => c.rep === 1 && c.verdict !== 'inconclusive' && !c.checks.some((k) => k.ok === false));
  Object.assign(plain, { flaky: [], signalVaries: [], rates: [] });
  t.same(whatHappenedText(whatHappened(plain)), ['12 cells on debian-bookworm: 6 survived, 2 killed (SIGHUP 2), 1 session-open, 3 not-applicable.']);

  const shard = fixtureCopy();
  shard.shard = { index: 2, count: 3 };
  t.match(whatHappenedText(whatHappened(shard)), ['FAIL: 1 case flaky · 1 FLAKY', /^16 cells/, 'Shard 2/3: 16 cells of a plan of 16; `hangup-lab merge` puts the shards together.']);
});

t.test('inconclusive cells are summed up by the gist of their reasons', async (t) => {
  t.equal(reasonGist('the setup failed 3 times; last: timed out after 20000 ms waiting for the login shell prompt'), 'the setup failed 3 times');
  t.equal(reasonGist('harness error: applying the fault failed (exit 1): Operation failed: Operation not supported'), 'harness error: applying the fault failed');
  t.equal(reasonGist('the probe (pid 311) was gone before the sever: 49583555.5 hb 1 / 49583883.8 sig CONT'), 'the probe was gone before the sever');
  t.equal(reasonGist(''), '(no reason recorded)');
  t.equal(reasonGist('x'.repeat(200)).length, 90, 'one line at most');
  const cell = (reason: string) => ({ ...fixture.cells[0]!, verdict: 'inconclusive' as const, reason });
  const stuck = (s: number, total: number) => cell(`the cell did not finish within ${total} s: it was stuck for ${s} s at "cleaning up"; the run went on without it`);
  t.equal(
    mainReasons([stuck(37.7, 236), cell('the watcher saw no death, but the final snapshot no longer lists the probe'), stuck(2.4, 176), stuck(13.3, 236)]),
    '3× the cell did not finish within 236 s · 1× the watcher saw no death, but the final snapshot no longer lists the probe',
    'numbers do not split a reason',
  );
  t.equal(mainReasons(['a', 'b', 'c', 'd', 'd', 'e'].map((x) => cell(`reason ${x}`))), '2× reason d · 1× reason a · 1× reason b · 2× other reasons');
});

/** WCAG relative luminance of "#rrggbb". */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

t.test('every verdict has its own colour and its own glyph; killed is not a pale one', async (t) => {
  const bgs = VERDICTS.map((v) => VERDICT_COLOURS[v].bg.toLowerCase());
  t.equal(new Set(bgs).size, VERDICTS.length, `distinct colours: ${bgs.join(' ')}`);
  const glyphs = VERDICTS.map((v) => VERDICT_GLYPHS[v]);
  t.equal(new Set(glyphs).size, VERDICTS.length, `distinct glyphs: ${glyphs.join(' ')}`);
  t.ok(glyphs.every((g) => g.trim() !== ''), 'no empty glyph');
  for (const v of VERDICTS) {
    const { bg, fg } = VERDICT_COLOURS[v];
    const [hi, lo] = [luminance(bg), luminance(fg)].sort((a, b) => b - a);
    t.ok((hi! + 0.05) / (lo! + 0.05) >= 4.5, `${v}: its text is legible on it (WCAG AA)`);
    t.match(CSS, `.v-${v},table.heat td.v-${v}{background-color:${bg};color:${fg}`, `${v}: styled`);
  }
  const lum = Object.fromEntries(VERDICTS.map((v) => [v, luminance(VERDICT_COLOURS[v].bg)]));
  const palest = VERDICTS.reduce((a, b) => (lum[a]! >= lum[b]! ? a : b));
  t.not(palest, 'killed');
  t.ok(lum.killed! < lum.survived! + 0.05 && lum.killed! < 0.3, 'killed is one of the strong colours');
  // The glyph is in the page wherever a verdict is shown: heatmap, legend, summary, detail views.
  const out = html.render(fixtureCopy());
  for (const v of VERDICTS) t.match(out, `class="sw v-${v}" title="`, `${v} in the legend`);
  t.match(out, /<h2><span class="badge v-killed"><span class="g" aria-hidden="true">✕<\/span> killed<\/span>/);
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

t.test('heatmap text: glyph, signal and time; checks flagged; filters', async (t) => {
  const out = html.render(fixtureCopy());
  t.match(out, /data-cell-id="2b3c4d5e"[^>]*><span><span class="g" aria-hidden="true">✕<\/span> HUP<\/span><small>\+0\.04 s<\/small>/);
  t.match(out, /data-cell-id="8192a3b4"[^>]*><span><span class="g" aria-hidden="true">\?<\/span> inconclusive<\/span>/, 'inconclusive in words, not "??"');
  t.match(out, '⚑ reattach failed');
  t.match(out, '<form id="filters" hidden>');
  t.match(out, '<input type="checkbox" name="user" value="root" checked>');
  t.notMatch(out, 'name="clientalive"', 'an axis with one value gets no filter');
  t.match(out, /data-cell-id="e7f8091a" data-ax-user="root" data-ax-session="pty" data-ax-launch="background"/);
  t.match(out, '<p class="muted fixed">Every cell: server=openssh · client=openssh · clientAlive=1/2');
});

/** The <td> of a repeated case's slot, found by one of its cells. */
function slotOf(out: string, cellId: string): string {
  const at = out.indexOf(`data-cell-id="${cellId}"`);
  const start = out.lastIndexOf('<td', at);
  return out.slice(start, out.indexOf('</td>', at) + '</td>'.length);
}

t.test('a flaky case fits its slot: the commonest outcome with its share, a square per repetition, a marker', async (t) => {
  const out = html.render(fixtureCopy());
  const td = slotOf(out, 'a3000003');
  t.match(td, /^<td class="multi v-survived disagree flaky" title="flaky: 2× survived \/ 1× killed SIGHUP \(\+5\.65 s\)\nr1 survived — alive at the end/);
  t.match(td, '\nr3 killed SIGHUP at +5.65 s from the kernel (terminal hangup) — ', 'every repetition with its reason in the tooltip');
  t.match(td, '<a class="lead" href="#cell-a1000001"><span class="g" aria-hidden="true">✓</span> survived<span class="frac">2/3</span></a>');
  t.equal(count(td, '<a class="c rep '), 3, 'one square per repetition');
  t.match(td, /<a class="c rep v-killed" href="#cell-a3000003" data-cell-id="a3000003"[^>]*><span class="g" aria-hidden="true">✕<\/span><\/a>/);
  t.match(td, '<a class="flaky-badge" href="#flaky"');
  t.notMatch(td, /<small>|<br>/, 'no times, no line per repetition');

  // The signal varies (not flaky): the verdict agrees, a quieter marker; a declared race says so.
  const repeated = html.render(repeatedRun());
  const root = repeatedRun().cells.find((c) => c.user === 'root' && c.launch === 'background')!;
  const varies = slotOf(repeated, root.id);
  t.match(varies, /^<td class="multi v-killed disagree" title="signal varies: 2× killed SIGHUP/);
  t.match(varies, '<span class="frac">2/3</span>');
  t.match(varies, '<span class="differ-badge"');
  const raced = racedRun();
  const drop = raced.cells.find((c) => c.launch === 'disown')!;
  t.match(slotOf(html.render(raced), drop.id), '<a class="race-badge" href="#races"');
  // Agreeing repetitions: their share is all of them, and no marker.
  const nohup = raced.cells.find((c) => c.launch === 'nohup' && c.sever === 'logout')!;
  const agree = slotOf(html.render(raced), nohup.id);
  t.match(agree, /^<td class="multi v-survived" title="3× survived\nr1 survived — /);
  t.match(agree, '<span class="frac">3/3</span>');
  t.notMatch(agree, /badge/);
});

t.test("a repetition's detail view lists every repetition with its outcome", async (t) => {
  const out = html.render(fixtureCopy());
  const start = out.indexOf('id="cell-a1000001"');
  const detail = out.slice(start, out.indexOf('</article>', start));
  t.match(detail, '<p class="fail flaky-note">flaky: 2 survived, 1 killed over 3 repeats · <a href="#flaky">all flaky cases</a></p><ul class="reps-list">');
  t.match(detail, /<li><a class="chip v-survived" href="#cell-a1000001"[^>]*><span class="g" aria-hidden="true">✓<\/span> r1<\/a> <b>\(this one\)<\/b> survived — /);
  t.match(detail, /<li><a class="chip v-killed" href="#cell-a3000003"[^>]*><span class="g" aria-hidden="true">✕<\/span> r3<\/a> killed SIGHUP at \+5\.65 s/);
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
  const before = (out: string) => out.slice(0, out.indexOf('id="expectations"'));
  const after = (out: string) => out.slice(out.indexOf('id="across"'));
  t.equal(before(html.render(reversed)), before(first), 'summary and heatmaps');
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
