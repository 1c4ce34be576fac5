// Reading predict's inputs: a file of the wrong kind is one line naming the flag, the file and the fix.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import { parseInspectReport, readInspectReport, readResultsInput } from '../../harness/predict/read.js';
import { inspected, RESULTS_FILE } from './inputs.js';

const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof BadInputError) return e.message;
    throw e;
  }
  throw new Error('not refused');
};

t.test('an inspect report is read back as inspect wrote it', async t => {
  const r = inspected();
  t.same(parseInspectReport(JSON.stringify(r), 'own.json'), r);
});

t.test('--facts: missing, not JSON, a results.json, an inspect report of another shape', async t => {
  t.match(refused(() => readInspectReport('/nonexistent/own.json')), /^hangup-lab predict: --facts \/nonexistent\/own\.json: cannot read \(ENOENT\); give the JSON that `hangup-lab inspect --host HOST` wrote/);
  t.match(refused(() => parseInspectReport('{oops', 'own.json')), /^hangup-lab predict: --facts own\.json: not JSON \(.*\); give the JSON/);
  t.match(
    refused(() => parseInspectReport(fs.readFileSync(RESULTS_FILE, 'utf8'), 'results.json')),
    /^hangup-lab predict: --facts results\.json: not an inspect report \(kind null\), it is a results\.json: give it to --results; give the JSON/,
  );
  const broken = { ...inspected(), host: { linger: 'maybe' } };
  t.match(refused(() => parseInspectReport(JSON.stringify(broken), 'own.json')), /^hangup-lab predict: --facts own\.json: host\.\S+: .*; give the JSON .* by this hangup-lab$/);
  for (const m of [refused(() => parseInspectReport('[]', 'x.json'))]) t.notMatch(m, /\n/, 'one line');
});

t.test('--results: the one reader of results.json, its message naming the flag', async t => {
  t.equal(readResultsInput(RESULTS_FILE).result.cells.length, 13);
  const dir = t.testdir({ 'own.json': JSON.stringify(inspected()) });
  t.match(refused(() => readResultsInput(path.join(dir, 'own.json'))), /^hangup-lab predict: --results .*own\.json: not a hangup-lab results\.json \(no schemaVersion or cells\); give the results\.json of a run$/);
  t.match(refused(() => readResultsInput('/nonexistent/results.json')), /^hangup-lab predict: --results \/nonexistent\/results\.json: cannot read \(ENOENT\); give the results\.json of a run/);
});
