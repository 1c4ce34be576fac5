import t from 'tap';
import { parseResults } from '../harness/results-file.js';
import { SCHEMA_VERSION } from '../harness/results.js';
import { fixture } from './report/fixtures.js';

t.test('a current results.json reads back as written', async t => {
  t.same(parseResults(JSON.stringify(fixture), 'r.json'), fixture);
});

t.test('v4 is upgraded: every cell had one setup try and no failure', async t => {
  const v4 = JSON.parse(JSON.stringify(fixture)) as { schemaVersion: number; cells: Record<string, unknown>[] };
  v4.schemaVersion = 4;
  for (const c of v4.cells) delete c.setup;
  const r = parseResults(JSON.stringify(v4), 'old.json');
  t.equal(r.schemaVersion, SCHEMA_VERSION);
  t.ok(r.cells.every(c => c.setup.attempts === 1 && c.setup.failures.length === 0));
  t.same(r, fixture, 'the same as a v5 file of the same run');
});

t.test('bad files are one line naming the file and what to do', async t => {
  const msg = (text: string) => {
    try {
      parseResults(text, 'x.json');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  t.match(msg('nope'), /^x\.json: not JSON \(.*\); give a results\.json written by hangup-lab$/);
  t.match(msg('{"a":1}'), /^x\.json: not a hangup-lab results\.json/);
  t.match(msg('{"schemaVersion": 99, "cells": []}'), /^x\.json: schemaVersion 99 is newer than this hangup-lab reads \(5\); upgrade hangup-lab$/);
  t.match(msg('{"schemaVersion": 3, "cells": []}'), /^x\.json: schemaVersion 3 is older than this hangup-lab can upgrade \(4\); run the scenario again$/);
});
