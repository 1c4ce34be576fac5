import t from 'tap';
import { cellDetail } from '../../harness/report/html/cell-detail.js';
import { markdown } from '../../harness/report/markdown.js';
import { setupSummary, setupText } from '../../harness/report/setup.js';
import { terminal } from '../../harness/report/terminal.js';
import type { RunResult } from '../../harness/results.js';
import { fixture } from './fixtures.js';

const retried = (): RunResult => {
  const r = JSON.parse(JSON.stringify(fixture)) as RunResult;
  r.cells[0]!.setup = {
    attempts: 2,
    failures: ['try 1: timed out after 20000 ms waiting for the login shell prompt; client printed: "Timeout, server 172.17.0.2 not responding."'],
  };
  return r;
};

t.test('one try says nothing; more say how many and why', async t => {
  t.equal(setupText({ setup: { attempts: 1, failures: [] } }), null);
  t.equal(setupText({ setup: { attempts: 0, failures: [] } }), null);
  t.match(setupText(retried().cells[0]!), /^setup took 2 tries \(try 1: timed out after 20000 ms waiting for the login shell prompt/);
  t.equal(setupSummary(fixture), null);
  t.equal(setupSummary(retried()), '1 cell needed more than one setup try (1 retry in all, before the probe started; verdicts are never retried)');
});

t.test('every report shows a retried setup', async t => {
  const r = retried();
  t.match(markdown.render(r), 'Setup: 1 cell needed more than one setup try');
  t.match(markdown.render(r), /setup took 2 tries/, 'in the cell details too');
  t.notMatch(markdown.render(fixture), /Setup:|setup took/);
  t.match(terminal.render(r), 'setup: 1 cell needed more than one setup try');
  t.match(cellDetail(r, r.cells[0]!), /setup took 2 tries/);
  t.match(cellDetail(fixture, fixture.cells[0]!), /one try/);
});
