// Every report marks flaky cases, and says which cases only varied in their signal: the terminal
// (a list near the top, the summary line), report.md (## Flaky after the expectations, the matrix
// cell), report.html (badge, section, detail view), junit.xml (junit.test.ts) and results.json.
import t from 'tap';
import { reporters } from '../../harness/report/registry.js';
import { SCHEMA_VERSION, type RunResult } from '../../harness/results.js';
import { expectations, fixtureCopy, repeatedRun, steadyCopy, withExpectations } from './fixtures.js';
import { section } from './markdown-text.js';

const repeated = () => withExpectations(repeatedRun());
const idOf = (r: RunResult, launch: string, sever: string, rep: number) =>
  r.cells.find((c) => c.launch === launch && c.sever === sever && c.rep === rep)!.id;

t.test('results.json carries repeat, flaky and signalVaries as computed', async (t) => {
  const r = repeated();
  const json = JSON.parse(reporters.json.render(r)) as RunResult;
  t.equal(json.schemaVersion, SCHEMA_VERSION);
  t.equal(json.repeat, 3);
  t.same(
    json.flaky.map((f) => [f.verdicts, f.cellIds.length]),
    [
      [{ survived: 2, inconclusive: 1 }, 3],
      [{ survived: 2, killed: 1 }, 3],
    ],
  );
  t.same(json.signalVaries.map((v) => v.signals), [{ SIGHUP: 2, SIGTERM: 1 }]);
});

t.test('terminal: the flaky list after the failing cells, each case with its counts, rate and repetitions', async (t) => {
  const out = reporters.terminal.render(repeated());
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('flaky: '));
  t.same(lines.slice(start, start + 12), [
    'flaky: 2 cases whose repetitions disagree on the verdict (fails the run; an inconclusive repetition counts):',
    '  ~ debian-bookworm pty/nohup/quiet × client-kill · user=lab: 2 survived, 1 inconclusive over 3 repeats',
    '      survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %)',
    '      r1 survived · r2 inconclusive · r3 survived',
    '  ~ debian-bookworm pty/disown/quiet × drop · user=lab: 2 survived, 1 killed over 3 repeats',
    '      survived 2 of 3 (95 % interval 20.8–93.9 %)',
    '      r1 survived · r2 survived · r3 killed SIGHUP at +5.65 s',
    'signal varies: 1 case killed every time, but not by the same signal (not failing):',
    '  debian-bookworm pty/background/quiet × client-kill · user=root: 2 SIGHUP, 1 SIGTERM over 3 repeats',
    '',
    'repeats: 14 cases ran 3 times; 12 agreed on the verdict, 2 flaky;',
    '  the widest 95 % interval of a survival rate: 20.8–93.9 % (survived 2 of 3)',
  ]);
  t.ok(start > lines.findIndex((l) => l.startsWith('  ✗ ')), 'after the failing cells');
  t.ok(start < lines.findIndex((l) => l.startsWith('debian-bookworm · user=lab')), 'before the first matrix');
  t.equal(lines[0], 'hangup-lab: pty vs exec — 42 cells in 162.5 s, 3 repeats per case');
  t.match(lines.at(-2), /^expectations: FAIL: 4 cells failed an expectation, 2 cases flaky · .* · 2 FLAKY · /, 'the summary line counts them');
});

t.test('terminal: without expectations the summary line still closes the output when a case repeated', async (t) => {
  t.equal(reporters.terminal.render(fixtureCopy()).trimEnd().split('\n').at(-1), 'result: FAIL: 1 case flaky · 1 FLAKY');
  t.equal(reporters.terminal.render(steadyCopy()).trimEnd().split('\n').at(-1), 'result: PASS · 0 flaky');
  t.notMatch(reporters.terminal.render(steadyCopy()), /^flaky: /m, 'no list when none is flaky');
  const once = steadyCopy();
  once.cells = once.cells.filter((c) => c.rep === 1);
  t.notMatch(reporters.terminal.render(once), /^result: /m, 'nothing repeated, nothing to say');
});

t.test('report.md: ## Flaky after the expectations, before the claims and matrices; each repetition with its reason', async (t) => {
  const out = reporters.markdown.render(repeated());
  const flaky = section(out, '## Flaky');
  t.ok(out.indexOf('## Expectations') < out.indexOf('## Flaky'));
  t.ok(out.indexOf('## Flaky') < out.indexOf('## debian-bookworm'));
  t.match(flaky, '**2 cases flaky of 14 cases that ran more than once.** Their repetitions disagree');
  t.match(flaky, 'an inconclusive repetition next to a killed one is flaky too');
  const r = repeated();
  t.match(
    flaky,
    `- **debian-bookworm · pty / nohup / quiet × client-kill · user=lab** (case \`${r.flaky[0]!.caseId}\`): 2 survived, 1 inconclusive over 3 repeats; survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %)\n` +
      '  - rep 1 (`4d5e6f70`): survived — alive at the end of the window; SIGHUP is ignored under nohup\n' +
      `  - rep 2 (\`${idOf(r, 'nohup', 'client-kill', 2)}\`): inconclusive — the probe never logged its start: the hangup reached it while it was starting\n`,
  );
  t.match(flaky, '  - rep 3 (`a3000003`): killed SIGHUP at +5.65 s from the kernel (terminal hangup) — SIGHUP from the kernel');
  t.match(flaky, '\nRepeated cases: 14 cases ran 3 times; 12 agreed on the verdict, 2 flaky; the widest 95 % interval of a survival rate: 20.8–93.9 % (survived 2 of 3).\n');
  const varies = section(out, '### Signal varies (not failing)');
  t.match(varies, '- **debian-bookworm · pty / background / quiet × client-kill · user=root**');
  t.match(varies, ': 2 SIGHUP, 1 SIGTERM over 3 repeats\n');
  t.match(varies, 'killed SIGTERM at +0.21 s from systemd (pid 1');
  t.match(out, '| pty / disown / quiet | — | — | **flaky** · 2× survived / 1× killed SIGHUP (+5.65 s) | — |', 'the matrix cell says so');
  t.match(out, '| pty / background / quiet | 2× killed SIGHUP (+0.03 s) / 1× killed SIGTERM (+0.21 s) |', 'a varying signal shows in the cell, unflagged');
  t.match(out, '\nStarted 2025-06-14T09:12:03.417Z · took 162.5 s · 42 cells · 3 repeats per case · ');
  t.match(section(out, '## Legend'), '- **flaky**: ');
});

t.test('report.md: none flaky is said; nothing repeated, no section', async (t) => {
  const steady = reporters.markdown.render(steadyCopy());
  t.match(section(steady, '## Flaky'), 'No case is flaky: the repetitions of the one case that ran more than once agree on the verdict.');
  t.notMatch(steady, '**flaky** ·');
  t.match(section(reporters.markdown.render(withExpectations(steadyCopy(), [])), '## Flaky'), 'No case is flaky');
  const once = steadyCopy();
  once.cells = once.cells.filter((c) => c.rep === 1);
  t.notMatch(reporters.markdown.render(once), '## Flaky');
});

t.test('report.html: a badge on the slot, a section after the expectations, a note in each repetition’s detail view', async (t) => {
  const r = repeated();
  const out = reporters.html.render(r);
  t.equal((out.match(/<td class="multi v-[a-z-]+ disagree flaky"/g) ?? []).length, 2, 'the two flaky slots');
  t.match(out, /<td class="multi v-killed disagree" title="signal varies: 2× killed SIGHUP[^"]*">.*?<span class="differ-badge"/, 'a varying signal disagrees, without the badge');
  t.match(out, '<nav class="toc"><a href="#expectations">Expectations</a><a href="#flaky">Flaky</a>');
  t.ok(out.indexOf('<section id="heatmaps">') < out.indexOf('<section id="expectations">'), 'the heatmaps first');
  t.ok(out.indexOf('<section id="expectations">') < out.indexOf('<section id="flaky">'));
  t.match(out, '<a class="chip flaky-badge" href="#flaky">2 cases flaky</a>', 'counted in the summary');
  t.match(out, '<h3>Signal varies (not failing)</h3>');
  const inconclusive = idOf(r, 'nohup', 'client-kill', 2);
  t.match(out, `<a class="chip v-inconclusive" href="#cell-${inconclusive}"`, 'each repetition is a chip in the section');
  for (const id of ['a1000001', 'a2000002', 'a3000003']) {
    const detail = out.slice(out.indexOf(`<article class="detail" id="cell-${id}"`));
    t.match(detail.slice(0, detail.indexOf('</article>')), /<p class="fail flaky-note">flaky: 2 survived, 1 killed over 3 repeats · .*<b>\(this one\)<\/b>/, id);
  }
  const varies = r.signalVaries[0]!.cellIds[2]!;
  const detail = out.slice(out.indexOf(`<article class="detail" id="cell-${varies}"`));
  t.match(detail.slice(0, detail.indexOf('</article>')), '<p class="muted">signal varies: 2 SIGHUP, 1 SIGTERM over 3 repeats</p><ul class="reps-list">');
  t.match(out, '3 repeats per case');
});

t.test('report.html: escaped like everything else', async (t) => {
  const r = withExpectations(fixtureCopy(), expectations);
  const a1 = r.cells.find((c) => c.id === 'a1000001')!;
  a1.reason = '<img src=x onerror=alert(1)> & "q"';
  r.flaky[0]!.caseId = '<case>';
  const out = reporters.html.render(r);
  t.notMatch(out, '<img src=x');
  t.match(out, 'survived — &lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;');
  t.match(out, 'case <code>&lt;case&gt;</code>');
});

t.test('a flaky list naming cells the file does not hold leaves them out, never fails', async (t) => {
  const r = fixtureCopy();
  r.flaky[0]!.cellIds.push('gone');
  r.flaky.push({ caseId: 'x', target: 'debian-bookworm', verdicts: { survived: 1, killed: 1 }, cellIds: ['nope'] });
  for (const rep of Object.values(reporters)) t.doesNotThrow(() => rep.render(r), rep.name);
});
