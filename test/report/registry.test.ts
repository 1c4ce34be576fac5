import t from 'tap';
import { BadInputError, ExitCode } from '../../harness/core/errors.js';
import { fileReporters, reporter, reporters } from '../../harness/report/registry.js';
import { fixture, fixtureCopy } from './fixtures.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test('each reporter is registered under its own name', async (t) => {
  t.same(Object.keys(reporters), ['json', 'terminal', 'markdown', 'junit', 'html']);
  for (const [key, r] of Object.entries(reporters)) {
    t.equal(r.name, key);
    t.equal(reporter(key), r);
    t.ok(r.summary.length > 0);
  }
});

t.test('unknown name: bad input, suggesting the closest name', async (t) => {
  const error = thrown(() => reporter('markdwon'));
  t.ok(error instanceof BadInputError);
  t.equal((error as BadInputError).exitCode, ExitCode.badInput);
  t.equal(
    (error as Error).message,
    'unknown reporter "markdwon" (did you mean "markdown"?) (known: json, terminal, markdown, junit, html)',
  );
});

t.test('Object.prototype members are not reporters', async (t) => {
  t.ok(thrown(() => reporter('toString')) instanceof BadInputError);
  t.ok(thrown(() => reporter('constructor')) instanceof BadInputError);
});

t.test('file reporters are the ones with a file name', async (t) => {
  t.same(
    fileReporters.map((r) => [r.name, r.fileName]),
    [
      ['json', 'results.json'],
      ['markdown', 'report.md'],
      ['junit', 'junit.xml'],
      ['html', 'report.html'],
    ],
  );
  t.equal(reporters.terminal.fileName, null);
});

t.test('json round-trips', async (t) => {
  const out = reporters.json.render(fixture);
  t.ok(out.endsWith('}\n'));
  t.same(JSON.parse(out), fixture);
  t.equal(reporters.json.render(JSON.parse(out)), out);
});

t.test('every reporter is deterministic and leaves its input alone', async (t) => {
  for (const r of Object.values(reporters)) {
    const input = fixtureCopy();
    const first = r.render(input);
    t.equal(r.render(input), first, r.name);
    t.same(input, fixture, `${r.name} does not mutate the result`);
  }
});
