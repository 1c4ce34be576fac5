// `hangup-lab predict` through the real CLI: bad input is one line and exit 2; a prediction is the
// table on stdout and, with --json, the same content as JSON that passes its schema.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { predictionSchema } from '../../harness/predict/schema.js';
import { cli } from '../fixtures/cli.js';
import { inspected, RESULTS_FILE } from './inputs.js';

t.test('bad input: one line naming the flag, exit 2, nothing on stdout', async t => {
  const dir = t.testdir({ 'own.json': JSON.stringify(inspected()), 'x.txt': 'hello' });
  const own = path.join(dir, 'own.json');
  const cases: [string[], RegExp][] = [
    [['--results', RESULTS_FILE], /^hangup-lab predict: --facts FILE is missing; give the JSON of `hangup-lab inspect --host HOST`$/],
    [['--facts', own], /^hangup-lab predict: --results FILE is missing; give the results\.json of a run/],
    [['--facts', path.join(dir, 'nope.json'), '--results', RESULTS_FILE], /^hangup-lab predict: --facts .*nope\.json: cannot read \(ENOENT\)/],
    [['--facts', RESULTS_FILE, '--results', RESULTS_FILE], /^hangup-lab predict: --facts .*: not an inspect report .*give it to --results/],
    [['--facts', own, '--results', path.join(dir, 'x.txt')], /^hangup-lab predict: --results .*x\.txt: not JSON/],
    [['--facts', own, '--results', RESULTS_FILE, '--workload', 'quite'], /^hangup-lab predict: --workload: unknown workload "quite" \(did you mean "quiet"\?\) \(known: /],
  ];
  for (const [args, line] of cases) {
    const r = cli(['predict', ...args], {}, 60_000);
    t.equal(r.status, 2, r.stderr);
    t.equal(r.stdout, '');
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    t.match(r.stderr.trim(), line);
  }
});

t.test('a prediction: the table, and --json with the same rows', async t => {
  const dir = t.testdir({ 'own.json': JSON.stringify(inspected()) });
  const json = path.join(dir, 'out', 'prediction.json');
  const r = cli(['predict', '--facts', path.join(dir, 'own.json'), '--results', RESULTS_FILE, '--session', 'pty', '--json', json], {}, 60_000);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^pty +foreground +client-kill +killed SIGHUP +1 cell$/m);
  t.match(r.stdout, /^pty +nohup +drop +no measurement matches: run it +the nearest cell differs in ClientAlive/m);
  const p = predictionSchema.parse(JSON.parse(fs.readFileSync(json, 'utf8')));
  t.equal(p.rows.length, 9);
  t.ok(p.rows.every(row => row.session === 'pty'));
  t.same(p.filters, { workload: ['quiet'], session: ['pty'] });
});
