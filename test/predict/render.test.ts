// The terminal table of a prediction: one row per launch × sever, the outcome and what it rests on.
import t from 'tap';
import { predict } from '../../harness/predict/match.js';
import { basisText, NO_MATCH, predictedText, renderPrediction } from '../../harness/predict/render.js';
import type { PredictionRow } from '../../harness/predict/schema.js';
import { inspected, measured } from './inputs.js';

const base: PredictionRow = { session: 'pty', launch: 'nohup', workload: 'quiet', sever: 'drop', status: 'predicted', outcomes: [], matched: [], differs: [], nearest: null };
const outcome = (verdict: 'killed' | 'survived', signal: string | null, count: number) => ({ verdict, signal, count, cells: [] });

t.test('the outcome column: one outcome, every outcome with its count, or none', async t => {
  t.equal(predictedText({ ...base, outcomes: [outcome('killed', 'SIGHUP', 3)] }), 'killed SIGHUP');
  t.equal(predictedText({ ...base, status: 'disagree', outcomes: [outcome('killed', 'SIGHUP', 2), outcome('survived', null, 1)] }), 'cells disagree: killed SIGHUP ×2, survived ×1');
  t.equal(predictedText({ ...base, status: 'no-match' }), NO_MATCH);
});

t.test('the basis column: how many cells, or what the nearest differ in', async t => {
  t.equal(basisText({ ...base, outcomes: [outcome('killed', 'SIGHUP', 2), outcome('survived', null, 1)] }), '3 cells');
  const differs = [
    { fact: 'ClientAlive', host: 'off', measured: ['1/2'], why: '' },
    { fact: 'linger', host: 'unknown', measured: ['on', 'off'], why: '' },
  ];
  t.equal(basisText({ ...base, status: 'no-match', differs, nearest: { cells: 1, differences: 2 } }), 'the nearest cell differs in ClientAlive (host off, measured 1/2), linger (host unknown, measured on/off)');
  t.equal(basisText({ ...base, status: 'no-match', differs: differs.slice(0, 1), nearest: { cells: 4, differences: 1 } }), 'the nearest 4 cells differ in ClientAlive (host off, measured 1/2)');
});

t.test('the whole table of the stock bookworm host', async t => {
  const text = renderPrediction(predict(inspected(), 'own.json', [measured()], { workload: ['quiet'], session: null }));
  const lines = text.split('\n');
  t.match(lines[0], /^prediction for own\.example \(inspected 2026-12-07T18:00:00\.000Z\), from measured cells of bookworm-results\.json \(13 cells\)$/);
  t.ok(lines.includes('  ClientAlive        off'), 'the deciding facts, with the host values');
  const header = lines.find(l => l.startsWith('session '))!;
  t.match(header, /^session +launch +sever +predicted outcome +based on$/, 'no workload column for one workload');
  t.ok(lines.some(l => /^pty +foreground +client-kill +killed SIGHUP +1 cell$/.test(l)));
  t.ok(lines.some(l => /^pty +setsid +drop +no measurement matches: run it +the nearest cell differs in ClientAlive \(host off, measured 1\/2\)$/.test(l)));
  t.ok(lines.includes('7 predicted, 0 where the matching cells disagree, 4 without a matching measurement'));
  t.ok(lines.some(l => l.startsWith('  ! sshd ClientAliveInterval = 0 (off): ')));
  t.same(lines.filter(l => / $/.test(l)), [], 'no trailing blanks');
});

t.test('no rows: says how to get some', async t => {
  t.match(renderPrediction(predict(inspected(), 'own.json', [measured()], { workload: ['tree'], session: null })), /no measured cells pass the filters/);
});
