import t from 'tap';
import { junit, xmlText } from '../../harness/report/junit.js';
import type { RunResult } from '../../harness/results.js';
import { expectations, fixture, fixtureCopy, multiTarget, racedRun, repeatedRun, steadyCopy, withDerived, withExpectations } from './fixtures.js';

// ---- A small, strict XML 1.0 reader: enough to prove the output well-formed and to walk it ----

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  /** the element's own character data, entities decoded */
  text: string;
}

/** XML 1.0's Char production: anything else is an error even when escaped. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const NAME = '[A-Za-z_:][A-Za-z0-9_.:-]*';
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!;
  });
}

/** Parses the document or throws saying where it is not well-formed. */
function parseXml(xml: string): Element {
  const bad = xml.match(NOT_XML_CHAR);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index} is not allowed in XML`);
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!xml.startsWith(decl)) throw new Error('no XML declaration');
  let i = decl.length;
  const stack: Element[] = [];
  let root: Element | null = null;
  const openTag = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
  const attr = new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g');
  while (i < xml.length) {
    const rest = xml.slice(i);
    if (rest.startsWith('</')) {
      const m = rest.match(new RegExp(`^</(${NAME})\\s*>`));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> at ${i} closes ${open ? `<${open.name}>` : 'nothing'}`);
      i += m[0].length;
    } else if (rest.startsWith('<!--') || rest.startsWith('<?') || rest.startsWith('<!')) {
      throw new Error(`unexpected markup at ${i}`);
    } else if (rest.startsWith('<')) {
      const m = rest.match(openTag);
      if (!m) throw new Error(`bad start tag at ${i}: ${rest.slice(0, 60)}`);
      const el: Element = { name: m[1]!, attrs: {}, children: [], text: '' };
      for (const [, name, value] of m[2]!.matchAll(attr)) {
        if (name! in el.attrs) throw new Error(`attribute ${name} twice on <${el.name}>`);
        if (value!.includes('<')) throw new Error(`< in attribute ${name} of <${el.name}>`);
        if (BARE_AMPERSAND.test(value!)) throw new Error(`bare & in attribute ${name} of <${el.name}>`);
        el.attrs[name!] = decode(value!);
      }
      if (stack.length) stack.at(-1)!.children.push(el);
      else if (root) throw new Error(`a second root element <${el.name}> at ${i}`);
      else root = el;
      if (!m[3]) stack.push(el);
      i += m[0].length;
    } else {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end === -1 ? undefined : end);
      if (BARE_AMPERSAND.test(text)) throw new Error(`bare & in text at ${i}`);
      if (text.includes(']]>')) throw new Error(`]]> in text at ${i}`);
      if (stack.length) stack.at(-1)!.text += decode(text);
      else if (text.trim()) throw new Error(`text outside the root element at ${i}`);
      i += text.length;
    }
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

const kids = (el: Element, name: string) => el.children.filter((c) => c.name === name);

/** Every testcase with what the report said about it. */
function testcases(doc: Element) {
  return kids(doc, 'testsuite').flatMap((suite) =>
    kids(suite, 'testcase').map((tc) => ({
      suite: suite.attrs.name!,
      name: tc.attrs.name!,
      id: tc.attrs.name!.match(/\[(\w+)\]$/)?.[1],
      failures: kids(tc, 'failure')
        .filter((f) => f.attrs.type === 'expectation')
        .map((f) => f.attrs.message!),
      flaky: kids(tc, 'failure')
        .filter((f) => f.attrs.type === 'flaky')
        .map((f) => ({ message: f.attrs.message!, text: f.text })),
      skipped: kids(tc, 'skipped').map((s) => s.attrs.message!),
      out: kids(tc, 'system-out')[0]?.text,
      el: tc,
    })),
  );
}

// ---- The checker itself ----

t.test('the checker rejects what is not well-formed', async (t) => {
  const d = '<?xml version="1.0" encoding="UTF-8"?>\n';
  t.ok(parseXml(`${d}<a x="1"><b/>t &amp; &lt;<c y="&quot;"></c></a>\n`));
  for (const bad of [
    `${d}<a><b></a></b>`,
    `${d}<a>`,
    `${d}<a></a><b/>`,
    `${d}<a x="1" x="2"/>`,
    `${d}<a x="<"/>`,
    `${d}<a>&</a>`,
    `${d}<a x="&"/>`,
    `${d}<a>\u0001</a>`,
    `${d}<a x='1'/>`,
    '<a/>',
    `${d}text<a/>`,
  ]) {
    t.throws(() => parseXml(bad), JSON.stringify(bad));
  }
});

// ---- The report ----

const parse = (result: RunResult) => parseXml(junit.render(result));

t.test('well-formed for every result shape', async (t) => {
  for (const [name, result] of [
    ['fixture', fixture],
    ['fixture with expectations', withExpectations(fixtureCopy())],
    ['strict', withExpectations(fixtureCopy(), expectations, true)],
    ['two targets', withExpectations(multiTarget())],
    ['no cells', { ...fixtureCopy(), cells: [] }],
  ] as [string, RunResult][]) {
    t.doesNotThrow(() => parse(result), name);
  }
  const out = junit.render(fixture);
  t.ok(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites '));
  t.ok(out.endsWith('</testsuites>\n'));
});

t.test('counts on testsuites and each testsuite match their testcases', async (t) => {
  for (const result of [withExpectations(fixtureCopy()), withExpectations(fixtureCopy(), expectations, true), withExpectations(multiTarget())]) {
    const doc = parse(result);
    t.equal(doc.name, 'testsuites');
    const suites = kids(doc, 'testsuite');
    const sum = (k: string) => suites.reduce((n, s) => n + Number(s.attrs[k]), 0);
    for (const suite of suites) {
      const cases = kids(suite, 'testcase');
      t.equal(Number(suite.attrs.tests), cases.length, `${suite.attrs.name} tests`);
      t.equal(Number(suite.attrs.failures), cases.filter((c) => kids(c, 'failure').length).length, `${suite.attrs.name} failures`);
      t.equal(Number(suite.attrs.skipped), cases.filter((c) => kids(c, 'skipped').length).length, `${suite.attrs.name} skipped`);
      t.equal(suite.attrs.errors, '0');
      t.equal(Number(suite.attrs.time), cases.reduce((s, c) => s + Number(c.attrs.time), 0), 'time: the sum of its cells');
    }
    for (const k of ['tests', 'failures', 'skipped']) t.equal(Number(doc.attrs[k]), sum(k), `testsuites ${k}`);
    t.equal(Number(doc.attrs.tests), result.cells.length, 'a testcase per cell');
    t.equal(doc.attrs.errors, '0');
    t.equal(doc.attrs.time, (result.durationMs / 1000).toFixed(3));
    t.same(
      testcases(doc)
        .map((c) => c.id)
        .sort(),
      result.cells.map((c) => c.id).sort(),
      'every cell once, named with its id',
    );
    t.notOk(testcases(doc).some((c) => c.failures.length && c.skipped.length), 'never both failed and skipped');
  }
});

t.test('one testsuite per target that ran cells, named after it', async (t) => {
  t.same(
    kids(parse(withExpectations(multiTarget())), 'testsuite').map((s) => [s.attrs.name, s.attrs.tests]),
    [
      ['debian-bullseye', '16'],
      ['debian-trixie', '16'],
    ],
  );
  const result = multiTarget();
  result.cells = result.cells.filter((c) => c.target === 'debian-trixie');
  t.same(
    kids(parse(result), 'testsuite').map((s) => s.attrs.name),
    ['debian-trixie'],
    'a target with a fingerprint but no cells has no empty suite',
  );
  const doc = parse({ ...fixtureCopy(), cells: [] });
  t.same(kids(doc, 'testsuite'), []);
  t.equal(doc.attrs.tests, '0');
});

t.test('a failure per failing expectation, with the expectation and what was seen', async (t) => {
  const result = withExpectations(fixtureCopy());
  const cases = testcases(parse(result));
  const failing = cases.filter((c) => c.failures.length);
  t.same(
    failing.map((c) => [c.id, c.failures]),
    [
      ['a3000003', ['expect[3]: expected survived, saw killed by SIGHUP']],
      ['6f708192', ['expect[1]: expected killed by SIGHUP, saw session-open']],
    ],
  );
  const f = kids(failing[0]!.el, 'failure')[0]!;
  t.equal(f.attrs.type, 'expectation');
  t.equal(f.text, 'expected survived, saw killed by SIGHUP');
  t.equal(
    failing[0]!.name,
    'pty/disown/quiet × drop · user=lab (rep 3) [a3000003]',
    'named by row, sever, the varying axes and the repetition',
  );
  t.equal(failing[0]!.el.attrs.classname, 'hangup-lab.debian-bookworm.pty.disown');
  t.equal(failing[0]!.el.attrs.time, '20.000');

  // A cell failing two expectations gets two failures.
  const two = withExpectations(fixtureCopy(), [
    ...expectations,
    { index: 5, where: { sever: ['drop'] }, verdict: ['session-open'], signal: null, why: 'why not' },
  ]);
  const a3 = testcases(parse(two)).find((c) => c.id === 'a3000003')!;
  t.same(a3.failures, ['expect[3]: expected survived, saw killed by SIGHUP', 'expect[5]: expected session-open, saw killed by SIGHUP']);
});

t.test('system-out: the verdict and every outcome, failing or not', async (t) => {
  const cases = testcases(parse(withExpectations(fixtureCopy())));
  t.equal(
    cases.find((c) => c.id === 'e7f8091a')!.out,
    'verdict: killed by SIGHUP after 0.030 s — SIGHUP from bash (pid 2240), dead 0.03 s after the sever',
  );
  t.equal(
    cases.find((c) => c.id === '2b3c4d5e')!.out,
    'verdict: killed by SIGHUP after 0.041 s — the shell forwarded the terminal hangup to its job\nexpect[1] met: expected killed by SIGHUP, saw killed by SIGHUP',
  );
});

t.test('skipped: inconclusive and not-applicable cells, with the reason', async (t) => {
  const cases = testcases(parse(withExpectations(fixtureCopy())));
  t.same(
    cases
      .filter((c) => c.skipped.length)
      .map((c) => [c.id, c.skipped[0]])
      .sort(),
    [
      ['1a2b3c4d', 'not-applicable: logout needs the shell prompt, and a foreground job holds it'],
      ['5e6f7081', 'not-applicable: an exec session has no interactive shell | nothing to log out of'],
      ['708192a3', 'not-applicable: an exec session has no interactive shell to log out of'],
      ['8192a3b4', 'inconclusive: probe pid 2129 vanished from /proc but its log has no exit record'],
    ],
  );
  t.same(
    testcases(parse(fixture))
      .filter((c) => c.skipped.length)
      .map((c) => c.id)
      .sort(),
    ['1a2b3c4d', '5e6f7081', '708192a3', '8192a3b4'],
    'also without expectations',
  );
  t.same(
    testcases(parse(steadyCopy())).filter((c) => c.failures.length || c.flaky.length),
    [],
    'and without expectations or a flaky case nothing fails',
  );
});

t.test('strict: an inconclusive cell an expectation covers fails instead of being skipped', async (t) => {
  const doc = parse(withExpectations(fixtureCopy(), expectations, true));
  const cases = testcases(doc);
  const inconclusive = cases.find((c) => c.id === '8192a3b4')!;
  t.same(inconclusive.skipped, []);
  t.same(inconclusive.failures, [
    'expect[0]: expected survived; could not be judged: probe pid 2129 vanished from /proc but its log has no exit record',
  ]);
  t.same(cases.find((c) => c.id === '708192a3')!.skipped.length, 1, 'not-applicable is skipped even when strict');
  // Three cells fail an expectation, and the flaky case's other two repetitions fail as flaky.
  t.equal(doc.attrs.failures, '5');
  t.equal(doc.attrs.skipped, '3');

  const uncovered = withExpectations(fixtureCopy(), expectations.slice(1), true);
  t.same(
    testcases(parse(uncovered)).find((c) => c.id === '8192a3b4')!.skipped.length,
    1,
    'an inconclusive cell no expectation covers is still skipped',
  );
  const listed = withExpectations(fixtureCopy(), [{ index: 0, where: { launch: ['nohup'] }, verdict: ['survived', 'inconclusive', 'not-applicable'], signal: null, why: '' }], true);
  const c = testcases(parse(listed)).find((x) => x.id === '8192a3b4')!;
  t.same([c.failures, c.skipped.length], [[], 1], 'an expectation that allows inconclusive is met; the cell still says it was not judged');
});

t.test('escaping: markup characters, quotes and control characters', async (t) => {
  t.equal(xmlText('a < b & c > d "e" \'f\''), 'a &lt; b &amp; c &gt; d &quot;e&quot; \'f\'');
  t.equal(xmlText('&amp;'), '&amp;amp;', 'an entity in the text is text');
  t.equal(xmlText('bell\u0007 nul\u0000 esc\u001b[31m vt\u000b ff\u000c \ufffe\uffff'), 'bell nul esc[31m vt ff ');
  t.equal(xmlText('tab\tnl\ncr\r'), 'tab\tnl\ncr\r', 'tab, newline and carriage return are allowed');
  t.equal(xmlText('ünïcødé ✗ ≠ 😀'), 'ünïcødé ✗ ≠ 😀');

  const result = withExpectations(fixtureCopy());
  result.scenario.name = '<script> & "quotes" \u0001';
  const target = result.cells.find((c) => c.id === '8192a3b4')!;
  target.reason = 'read </system-out> & <failure message="x"/>]]> \u001b[0m\u0000 done';
  result.expectations[0]!.why = 'why "not" <b>';
  result.cells.find((c) => c.id === 'a3000003')!.expectations[0]!.detail = 'expected <survived> & "saw" killed\u0002';
  const out = junit.render(result);
  const doc = parseXml(out);
  t.equal(doc.attrs.name, 'hangup-lab: <script> & "quotes" ');
  const cases = testcases(doc);
  t.equal(cases.find((c) => c.id === '8192a3b4')!.skipped[0], 'inconclusive: read </system-out> & <failure message="x"/>]]> [0m done');
  t.match(cases.find((c) => c.id === '8192a3b4')!.out!, 'read </system-out> & <failure message="x"/>]]> [0m done');
  t.same(cases.find((c) => c.id === 'a3000003')!.failures, ['expect[3]: expected <survived> & "saw" killed']);
  t.notMatch(out, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'no control characters in the file');
});

t.test('every repetition of a flaky case fails, type "flaky", with the counts and each repetition', async (t) => {
  const doc = parse(fixtureCopy());
  const cases = testcases(doc);
  const message = 'flaky: 2 survived, 1 killed over 3 repeats of case case-drop-disown';
  const flaky = cases.filter((c) => c.flaky.length);
  t.same(flaky.map((c) => c.id).sort(), ['a1000001', 'a2000002', 'a3000003'], 'all three repetitions, the survivors too');
  for (const c of flaky) {
    t.same(c.flaky, [{ message, text: `${message}: r1 survived; r2 survived; r3 killed SIGHUP at +5.65 s` }]);
    t.same(c.skipped, [], 'never skipped');
  }
  t.equal(doc.attrs.failures, '3', 'counted as failures');
  t.equal(kids(doc, 'testsuite')[0]!.attrs.failures, '3');

  // An inconclusive repetition makes the case flaky, and the failure wins over <skipped>.
  const withInconclusive = steadyCopy();
  Object.assign(withInconclusive.cells.find((c) => c.id === 'a2000002')!, { verdict: 'inconclusive', reason: 'probe never logged its start' });
  const c = testcases(parse(withDerived(withInconclusive))).find((x) => x.id === 'a2000002')!;
  t.same([c.flaky.map((f) => f.message), c.skipped], [['flaky: 2 survived, 1 inconclusive over 3 repeats of case case-drop-disown'], []]);
});

t.test('a case whose signal alone varies does not fail: system-out says so', async (t) => {
  const result = steadyCopy();
  const [r1, r2, r3] = ['a1000001', 'a2000002', 'a3000003'].map((id) => result.cells.find((c) => c.id === id)!);
  Object.assign(r1!, { verdict: 'killed', signal: 'SIGTERM', deathMs: 10_020 });
  Object.assign(r2!, { verdict: 'killed', signal: 'SIGHUP', deathMs: 5_600 });
  Object.assign(r3!, { verdict: 'killed', signal: 'SIGTERM', deathMs: 10_010 });
  const cases = testcases(parse(withDerived(result)));
  t.same(cases.filter((c) => c.failures.length || c.flaky.length), []);
  t.match(
    cases.find((c) => c.id === 'a2000002')!.out!,
    '\nsignal varies (not failing): 2 SIGTERM, 1 SIGHUP over 3 repeats: r1 killed SIGTERM at +10.02 s; r2 killed SIGHUP at +5.60 s; r3 killed SIGTERM at +10.01 s',
  );
});

t.test('the testcase name names the varying axes, and the repetition only of repeated cases', async (t) => {
  const names = testcases(parse(withExpectations(multiTarget()))).map((c) => c.name.replace(/ \[\w+\]$/, ''));
  t.ok(names.includes('pty/disown/quiet × drop · user=lab (rep 2)'));
  t.ok(names.includes('pty/background/quiet × client-kill · user=root'));
  t.notOk(
    names.some((n) => n.includes('target=')),
    'the target is the suite, not part of the name',
  );
  const single = fixtureCopy();
  single.cells = single.cells.filter((c) => c.user === 'lab');
  single.axes.user = ['lab'];
  t.ok(testcases(parse(single)).every((c) => !c.name.includes('user=')), 'a fixed axis is not named');
});

t.test('a declared race does not fail: system-out has its rate and why; one with an unjudged repetition still fails as flaky', async (t) => {
  const cases = testcases(parse(withExpectations(racedRun())));
  const disown = cases.filter((c) => ['a1000001', 'a2000002', 'a3000003'].includes(c.id!));
  t.same(
    disown.map((c) => c.flaky),
    [[], [], []],
    'not flaky',
  );
  for (const c of disown) {
    t.match(
      c.out!,
      "\nrace (not failing): survived 2 of 3 (95 % interval 20.8–93.9 %) — sshd's keepalive gives up on the dead path close to the window's end: r1 survived; r2 survived; r3 killed SIGHUP at +5.65 s",
    );
  }
  t.same(disown.find((c) => c.id === 'a3000003')!.failures.length, 1, 'its own expectation (survived) still judges each repetition');
  const nohup = cases.filter((c) => c.out?.includes('race: survived 2 of 2 judged, of 3 runs (95 % interval 34.2–100 %) — the hangup vs nohup ignoring SIGHUP'));
  t.equal(nohup.length, 3);
  t.ok(nohup.every((c) => c.flaky.length === 1), 'still flaky: a repetition was inconclusive');
  t.notMatch(junit.render(repeatedRun()), /race/, 'nothing declared, nothing said');
});
