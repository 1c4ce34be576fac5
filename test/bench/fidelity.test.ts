import t from 'tap';
import { agreement, agreementText } from '../../harness/bench/fidelity.js';
import type { RunResult } from '../../harness/results.js';
import { fixture } from '../report/fixtures.js';

const copy = (): RunResult => JSON.parse(JSON.stringify(fixture)) as RunResult;

t.test('a run agrees with itself', async t => {
  const g = agreement(fixture, copy());
  t.equal(g.differences.length, 0);
  t.ok(g.cases > 0);
});

t.test('a different verdict is a difference; a different signal or order is not', async t => {
  const b = copy();
  const killed = b.cells.find(c => c.verdict === 'killed')!;
  killed.signal = killed.signal === 'SIGHUP' ? 'SIGTERM' : 'SIGHUP';
  b.cells.reverse();
  t.equal(agreement(fixture, b).differences.length, 0);
  const survivor = b.cells.find(c => c.verdict === 'survived')!;
  survivor.verdict = 'inconclusive';
  survivor.reason = 'harness error: x';
  survivor.setup = { attempts: 3, failures: ['try 1: a', 'try 2: b', 'try 3: c'] };
  const g = agreement(fixture, b);
  t.equal(g.differences.length, 1);
  t.ok(g.differences[0]!.b.includes('inconclusive'));
  t.equal(g.inconclusive.b.length, g.inconclusive.a.length + 1);
  t.equal(g.retried.b, 1);
  const text = agreementText(g, { a: 'quiet', b: 'loaded' });
  t.match(text, /^quiet vs loaded: \d+ cases, 1 with different verdicts/);
  t.match(text, /≠ .*: survived vs (inconclusive\/survived|inconclusive)/);
  t.match(text, /\? loaded: .*: harness error: x/);
});
