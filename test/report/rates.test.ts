// Every report shows the survival rates of results.json: each declared race with its interval and
// why, in a Races section; one line for the other repeated cases; nothing new when no case repeated.
// JUnit is in junit.test.ts, with its XML reader.
import t from 'tap';
import { reporters } from '../../harness/report/registry.js';
import { intervalText, otherRatesLine, raceEntries, rateText } from '../../harness/report/rates.js';
import type { Rate, RunResult } from '../../harness/results.js';
import { fixtureCopy, racedRun, races, repeatedRun, steadyCopy, withDerived } from './fixtures.js';
import { section } from './markdown-text.js';

const rate = (o: Partial<Rate>): Rate => ({ caseId: 'c', target: 'debian-bookworm', runs: 5, judged: 5, survived: 0, low: 0, high: 0.434, race: false, cellIds: [], ...o });

/** The fixture with every repetition of a case cut to one: no case repeated. */
function once(): RunResult {
  const r = steadyCopy();
  r.cells = r.cells.filter((c) => c.rep === 1);
  return withDerived(r);
}

t.test('texts: the rate, the interval in percent, the judged repetitions when some were not', async (t) => {
  t.equal(rateText(rate({ survived: 3, judged: 10, runs: 10, low: 0.108, high: 0.603 })), 'survived 3 of 10 (95 % interval 10.8–60.3 %)');
  t.equal(rateText(rate({})), 'survived 0 of 5 (95 % interval 0–43.4 %)');
  t.equal(rateText(rate({ survived: 5, low: 0.566, high: 1 })), 'survived 5 of 5 (95 % interval 56.6–100 %)');
  t.equal(rateText(rate({ survived: 2, judged: 4, low: 0.15, high: 0.85 })), 'survived 2 of 4 judged, of 5 runs (95 % interval 15–85 %)');
  t.equal(rateText(rate({ judged: 0, low: null, high: null })), 'survived 0 of 0 judged, of 5 runs (no interval: no repetition was judged)');
  t.equal(intervalText(rate({ low: 0.095, high: 0.905 })), '95 % interval 9.5–90.5 %');
});

t.test('the other repeated cases in one line: how often they ran, whether they agreed, the widest interval', async (t) => {
  t.equal(otherRatesLine(once()), null, 'nothing repeated');
  t.equal(otherRatesLine(steadyCopy()), '1 case ran 3 times; it agreed on the verdict; the widest 95 % interval of a survival rate: 43.9–100 % (survived 3 of 3)');
  t.equal(otherRatesLine(fixtureCopy()), '1 case ran 3 times; it is flaky; the widest 95 % interval of a survival rate: 20.8–93.9 % (survived 2 of 3)');
  t.equal(
    otherRatesLine(repeatedRun()),
    '14 cases ran 3 times; 12 agreed on the verdict, 2 flaky; the widest 95 % interval of a survival rate: 20.8–93.9 % (survived 2 of 3)',
  );
  t.equal(
    otherRatesLine(racedRun()),
    '12 other cases ran 3 times; all agreed on the verdict; the widest 95 % interval of a survival rate: 0–56.1 % (survived 0 of 3)',
    'races are not among them',
  );
  const mixed = repeatedRun(3);
  mixed.cells = mixed.cells.filter((c) => !(c.launch === 'tmux' && c.rep === 3));
  t.match(otherRatesLine(withDerived(mixed)), /^14 cases ran 2 to 3 times; /);
  const nothingJudged = rate({ judged: 0, low: null, high: null });
  t.equal(otherRatesLine({ ...once(), rates: [nothingJudged] }), '1 case ran 5 times; it agreed on the verdict', 'no interval to name');
});

t.test('raceEntries: the declared races that repeated, with their why and whether they are flaky after all', async (t) => {
  const entries = raceEntries(racedRun());
  t.same(
    entries.map((e) => [e.cells.map((c) => c.rep), e.why, e.flaky, e.counts]),
    [
      [[1, 2, 3], [races[1]!.why], true, 'survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %)'],
      [[1, 2, 3], [races[0]!.why], false, 'survived 2 of 3 (95 % interval 20.8–93.9 %)'],
    ],
  );
  const both = racedRun([...races, { where: { launch: ['disown'] }, why: 'a second reason' }]);
  t.same(raceEntries(both)[1]!.why, [races[0]!.why, 'a second reason'], 'every matching declaration says why');
  t.same(raceEntries(repeatedRun()), [], 'none declared');
});

t.test('derived: a race whose repetitions were all judged is not flaky; one with an inconclusive repetition is', async (t) => {
  const r = racedRun();
  t.same(
    r.flaky.map((f) => f.verdicts),
    [{ survived: 2, inconclusive: 1 }],
  );
  t.same(
    r.rates.filter((x) => x.race).map((x) => [x.runs, x.judged, x.survived, x.low, x.high]),
    [
      [3, 2, 2, 0.342, 1],
      [3, 3, 2, 0.208, 0.939],
    ],
  );
  t.equal(r.rates.length, 14, 'every case that ran more than once');
});

t.test('terminal: a races block after the flaky cases, a repeats line, the race counted in the summary', async (t) => {
  const out = reporters.terminal.render(racedRun());
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('races: '));
  t.ok(start > lines.findIndex((l) => l.startsWith('flaky: ')), 'after the flaky cases');
  t.same(lines.slice(start, start + 12), [
    'races: 2 cases declared to race in the system under test (a rate, not failing while every repetition is judged):',
    '  ≈ debian-bookworm pty/nohup/quiet × client-kill · user=lab (flaky: a repetition was not judged)',
    '      survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %)',
    '      why: the hangup vs nohup ignoring SIGHUP',
    '      r1 survived · r2 inconclusive · r3 survived',
    '  ≈ debian-bookworm pty/disown/quiet × drop · user=lab',
    '      survived 2 of 3 (95 % interval 20.8–93.9 %)',
    "      why: sshd's keepalive gives up on the dead path close to the window's end",
    '      r1 survived · r2 survived · r3 killed SIGHUP at +5.65 s',
    'repeats: 12 other cases ran 3 times; all agreed on the verdict;',
    '  the widest 95 % interval of a survival rate: 0–56.1 % (survived 0 of 3)',
    '',
  ]);
  t.equal(lines.at(-2), 'result: FAIL: 1 case flaky · 1 FLAKY · 1 race (a rate, not failing)');
  for (const line of lines.slice(start, start + 11)) t.ok(line.length <= 120, `fits: ${line}`);
});

t.test('terminal: a race declared and nothing else flaky passes the run', async (t) => {
  const r = racedRun([races[0]!]);
  const clean = r.cells.find((c) => c.launch === 'nohup' && c.sever === 'client-kill' && c.verdict === 'inconclusive')!;
  Object.assign(clean, { verdict: 'survived', reason: 'alive at the end of the window' });
  withDerived(r);
  t.same(r.flaky, [], 'the nohup client-kill agrees now; the disowned drop is a race');
  const out = reporters.terminal.render(r);
  t.equal(out.trimEnd().split('\n').at(-1), 'result: PASS · 0 flaky · 1 race (a rate, not failing)');
  t.notMatch(out, /^flaky: /m);
});

t.test('nothing new when no case repeated; only the repeats line when no race is declared', async (t) => {
  const r = once();
  t.same(r.rates, []);
  t.notMatch(reporters.terminal.render(r), /^(races|repeats): /m);
  t.notMatch(reporters.markdown.render(r), /## Races|Repeated cases:|\*\*race\*\*/);
  t.notMatch(reporters.html.render(r), /id="races"|class="(chip )?race-badge"|Repeated cases:/);
  const steady = reporters.terminal.render(steadyCopy());
  t.match(steady, '\nrepeats: 1 case ran 3 times; it agreed on the verdict;');
  t.notMatch(steady, /^races: /m);
  t.notMatch(reporters.markdown.render(steadyCopy()), '## Races');
});

t.test('report.md: ## Races after ## Flaky, each race with its rate, why and repetitions; the matrix cell says race', async (t) => {
  const r = racedRun();
  const out = reporters.markdown.render(r);
  t.ok(out.indexOf('## Flaky') < out.indexOf('## Races'));
  t.ok(out.indexOf('## Races') < out.indexOf('## debian-bookworm'));
  const racesMd = section(out, '## Races');
  t.match(racesMd, 'The scenario declares these cases to race in the system under test (races:)');
  const [flakyRace, disown] = r.rates.filter((x) => x.race);
  t.match(
    racesMd,
    `- **debian-bookworm · pty / disown / quiet × drop · user=lab** (case \`${disown!.caseId}\`): survived 2 of 3 (95 % interval 20.8–93.9 %)\n` +
      "  - why: sshd's keepalive gives up on the dead path close to the window's end\n" +
      '  - rep 1 (`a1000001`): survived — ',
  );
  t.match(
    racesMd,
    `(case \`${flakyRace!.caseId}\`): survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %) — **flaky**: a repetition was not judged (see Flaky)\n`,
  );
  const flaky = section(out, '## Flaky');
  t.match(flaky, '**1 case flaky of 14 cases that ran more than once.**');
  t.match(flaky, '\nRepeated cases: 12 other cases ran 3 times; all agreed on the verdict; ');
  t.match(out, '| pty / disown / quiet | — | — | **race** · 2× survived / 1× killed SIGHUP (+5.65 s) | — |');
  t.match(out, '**flaky** · 2× survived / 1× inconclusive', 'flaky wins over race in the cell');
  t.match(section(out, '## Legend'), '- **race**: ');
});

t.test('report.md: the headline when the only disagreement is a declared race', async (t) => {
  const r = fixtureCopy();
  r.races = [races[0]!];
  withDerived(r);
  t.match(section(reporters.markdown.render(r), '## Flaky'), 'No case is flaky: 1 declared race is read as a rate (see Races).');
  const steady = steadyCopy();
  steady.cells.push(...repeatedRun().cells.filter((c) => c.launch === 'tmux'));
  steady.races = [races[0]!];
  Object.assign(steady.cells.find((c) => c.id === 'a3000003')!, { verdict: 'killed', signal: 'SIGHUP' });
  withDerived(steady);
  t.match(
    section(reporters.markdown.render(steady), '## Flaky'),
    'No case is flaky: 1 declared race is read as a rate (see Races), and the repetitions of all 2 other cases that ran more than once agree on the verdict.',
  );
});

t.test('report.html: a Races section and link, a badge on the slot, a chip in the header, a note in each repetition', async (t) => {
  const r = racedRun();
  const out = reporters.html.render(r);
  t.match(out, '<a href="#flaky">Flaky</a><a href="#races">Races</a>');
  t.ok(out.indexOf('<section id="heatmaps">') < out.indexOf('<section id="flaky">'), 'the heatmaps first');
  t.ok(out.indexOf('<section id="flaky">') < out.indexOf('<section id="races">'));
  const racesHtml = out.slice(out.indexOf('<section id="races">'), out.indexOf('</section>', out.indexOf('<section id="races">')));
  t.match(racesHtml, ': survived 2 of 3 (95 % interval 20.8–93.9 %)<br><span class="muted">why: sshd&#39;s keepalive gives up');
  t.match(racesHtml, '<a class="flaky-badge" href="#flaky">flaky</a> <span class="fail">a repetition was not judged</span>');
  t.match(racesHtml, '<a class="chip v-killed" href="#cell-a3000003"');
  t.match(out, /<td class="multi v-survived disagree" title="race: 2× survived \/ 1× killed SIGHUP[^"]*">.*?<span class="frac">2\/3<\/span>.*?<a class="race-badge" href="#races"/);
  t.match(out, '<a class="chip race-badge" href="#races">2 races</a>');
  t.match(out, '<p class="muted">Repeated cases: 12 other cases ran 3 times; all agreed on the verdict;');
  for (const id of ['a1000001', 'a2000002', 'a3000003']) {
    const detail = out.slice(out.indexOf(`<article class="detail" id="cell-${id}"`));
    t.match(detail.slice(0, detail.indexOf('</article>')), /<p class="race-note">race: survived 2 of 3 \(95 % interval 20\.8–93\.9 %\) — sshd&#39;s keepalive .*<a href="#races">all races<\/a><\/p><ul class="reps-list">.*<b>\(this one\)<\/b>/, id);
  }
});

t.test('every report renders a race whose cells the file does not hold without failing', async (t) => {
  const r = racedRun();
  r.rates.push({ caseId: 'x', target: 'debian-bookworm', runs: 2, judged: 2, survived: 1, low: 0.095, high: 0.905, race: true, cellIds: ['nope'] });
  for (const rep of Object.values(reporters)) t.doesNotThrow(() => rep.render(r), rep.name);
  t.equal(raceEntries(r).length, 2, 'left out');
});
