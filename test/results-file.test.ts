import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { BadInputError, ExitCode } from '../harness/core/errors.js';
import { parseResults, readResults } from '../harness/results-file.js';
import { SCHEMA_VERSION, type RunResult } from '../harness/results.js';
import { fixture, fixtureCopy, withExpectations } from './report/fixtures.js';

/** The message of the error parsing `text` throws, checked to be bad input on one line. */
function messageOf(t: Test, text: string, file = 'x.json'): string {
  try {
    parseResults(text, file);
  } catch (e) {
    t.type(e, BadInputError);
    t.equal((e as BadInputError).exitCode, ExitCode.badInput);
    t.notMatch((e as Error).message, '\n', 'one line');
    return (e as Error).message;
  }
  t.fail('parseResults did not throw');
  return 'no error';
}

type Json = Record<string, unknown> & { cells: Record<string, unknown>[] };

/** The fixture as an older version wrote it: `drop` removes what that version did not have yet. */
function olderFixture(version: number, drop: { run?: string[]; cell?: string[] }): Json {
  const r = JSON.parse(JSON.stringify(fixture)) as Json;
  r.schemaVersion = version;
  // Before v7: no race declarations, no rates.
  delete r.races;
  delete r.rates;
  if (version <= 5) {
    // Before v6: no implementation axes, the cell's fingerprint key and client end were `server`
    // and `client`, the fingerprint's server version was `openssh`, no run-level clients.
    delete r.clients;
    r.cells = r.cells.map(({ server: _s, client: _c, serverKey, clientEnd, ...c }) => ({ ...c, server: serverKey, client: clientEnd }));
    r.targets = (r.targets as Json[]).map(({ server: _s, serverVersion, ...fp }) => ({ ...fp, openssh: serverVersion })) as never;
  }
  for (const k of drop.run ?? []) delete r[k];
  for (const c of r.cells) for (const k of drop.cell ?? []) delete c[k];
  return r;
}

const FIX = 'give a results.json written by hangup-lab (schemaVersion 3 to 7), or run the scenario again';

t.test('a current results.json reads back as written', async t => {
  t.same(parseResults(JSON.stringify(fixture), 'r.json'), fixture);
  // The optional parts too: judged expectations, a recording, an article's claims.
  const full: RunResult = withExpectations(fixtureCopy());
  full.cells[0]!.recording = { width: 80, height: 24, events: [[0.1, 'o', '$ '], [0.5, 'i', 'exit\r']] };
  full.claims = {
    article: '002_x.txt',
    title: 'a tutorial',
    claims: [
      {
        id: 'nohup-survives',
        article: '002_x.txt',
        claim: 'nohup keeps a job alive',
        where: { launch: ['nohup'] },
        confirms: { verdict: ['survived'], clientNoticedS: [0, 30], checks: { reattach: true } },
        explain: '',
      },
    ],
    untestable: [{ article: '002_x.txt', claim: 'it is fast', why: 'no measure of fast' }],
  };
  const text = JSON.stringify(full);
  t.same(parseResults(text, 'r.json'), full);
  t.equal(JSON.stringify(parseResults(text, 'r.json')), text, 'key for key, in the order written');
});

t.test('a key the schema does not name is kept, not refused', async t => {
  const r = { ...fixtureCopy(), note: 'added by a CI job' };
  t.equal((parseResults(JSON.stringify(r), 'r.json') as unknown as { note: string }).note, 'added by a CI job');
});

t.test('v6 is upgraded: no race declared, the rates derived from the cells, flaky as written', async t => {
  const v6 = olderFixture(6, {});
  const r = parseResults(JSON.stringify(v6), 'old.json');
  t.equal(r.schemaVersion, SCHEMA_VERSION);
  t.same(r.races, []);
  t.same(
    r.rates.map(x => [x.cellIds.length, x.judged, x.survived, x.low, x.high, x.race]),
    [[3, 3, 2, 0.208, 0.939, false]],
    'the disowned drop: survived 2 of 3',
  );
  t.same(r, fixture, 'the same as a v7 file of the same run');
  // The upgrade derives only what v6 did not have: a flaky list as the run wrote it is kept.
  v6.flaky = [];
  t.same(parseResults(JSON.stringify(v6), 'old.json').flaky, []);
});

t.test('v5 is upgraded: OpenSSH on both sides, the renamed fields, the client from the fingerprints', async t => {
  const v5 = olderFixture(5, {});
  t.notOk('serverKey' in v5.cells[0]!, 'the fixture is v5-shaped');
  const r = parseResults(JSON.stringify(v5), 'old.json');
  t.equal(r.schemaVersion, SCHEMA_VERSION);
  t.ok(r.cells.every(c => c.server === 'openssh' && c.client === 'openssh'));
  t.same(r, fixture, 'the same as a v7 file of the same run');
});

t.test('v4 is upgraded: every cell had one setup try and no failure', async t => {
  const r = parseResults(JSON.stringify(olderFixture(4, { cell: ['setup'] })), 'old.json');
  t.equal(r.schemaVersion, SCHEMA_VERSION);
  t.ok(r.cells.every(c => c.setup.attempts === 1 && c.setup.failures.length === 0));
  t.same(r, fixture, 'the same as a v7 file of the same run');
});

t.test('v3 is upgraded: no --repeat yet, flaky and signalVaries derived from the cells', async t => {
  const v3 = olderFixture(3, { run: ['repeat', 'flaky', 'signalVaries'], cell: ['setup'] });
  const r = parseResults(JSON.stringify(v3), 'old.json');
  t.equal(r.repeat, 1);
  t.equal(r.flaky.length, 1, 'the disowned drop, whose repetitions disagree');
  t.same(r, fixture, 'the same as a v7 file of the same run');
  // Early v3 files did not name the user's sshd_config; whether there was one is not guessed.
  delete (v3 as Record<string, unknown>).sshdConfig;
  t.equal(messageOf(t, JSON.stringify(v3)), `x.json: sshdConfig: missing; ${FIX}`);
});

t.test('a file that does not fit the schema: one line with the path, the value and the fix', async t => {
  const bad = (change: (r: Json) => void) => {
    const r = JSON.parse(JSON.stringify(fixture)) as Json;
    change(r);
    return messageOf(t, JSON.stringify(r));
  };
  t.equal(
    bad(r => (r.cells[3]!.verdict = 'banana')),
    `x.json: cells[3].verdict: "banana": expected one of "survived"|"killed"|"exited"|"session-open"|"not-applicable"|"inconclusive"; ${FIX}`,
  );
  t.equal(bad(r => ((r.cells[0]!.timing as Json).durationMs = '12')), `x.json: cells[0].timing.durationMs: "12": expected number, received string; ${FIX}`);
  t.equal(bad(r => delete r.cells[2]!.probe), `x.json: cells[2].probe: missing; ${FIX}`);
  t.equal(bad(r => (r.cells[1]!.before = {})), `x.json: cells[1].before: an object: expected array, received object; ${FIX}`);
  t.equal(bad(r => (r.tool = { name: 'other-tool', version: '1' })), `x.json: tool.name: "other-tool": expected "hangup-lab"; ${FIX}`);
  t.equal(bad(r => (r.cells[5] = 7 as never)), `x.json: cells[5]: 7: expected object, received number; ${FIX}`);
  t.equal(bad(r => (r.cells[0]!.tcpKeepAlive = 'x'.repeat(100))), `x.json: cells[0].tcpKeepAlive: "${'x'.repeat(56)}…: expected one of "yes"|"no"; ${FIX}`);
});

t.test('bad files are one line naming the file and what to do', async t => {
  t.match(messageOf(t, 'nope'), /^x\.json: not JSON \(.*\); give a results\.json written by hangup-lab$/);
  t.match(messageOf(t, '{"a":1}'), /^x\.json: not a hangup-lab results\.json/);
  t.equal(messageOf(t, '{"schemaVersion": 99, "cells": []}'), 'x.json: schemaVersion 99 is newer than this hangup-lab reads (7); upgrade hangup-lab');
  t.equal(messageOf(t, '{"schemaVersion": 2, "cells": []}'), 'x.json: schemaVersion 2 is older than this hangup-lab can upgrade (3); run the scenario again');
});

t.test('readResults names a file it cannot read', async t => {
  const dir = t.testdir({ 'r.json': JSON.stringify(fixture) });
  t.same(readResults(path.join(dir, 'r.json')), fixture);
  const missing = path.join(dir, 'nope.json');
  t.throws(() => readResults(missing), { message: `${missing}: cannot read (ENOENT); check the path` });
  t.notOk(fs.existsSync(missing));
});
