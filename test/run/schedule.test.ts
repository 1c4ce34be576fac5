import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadScenario } from '../../harness/scenario/load.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import { durationHistory, expectedMs, startOrder } from '../../harness/run/schedule.js';
import { fixtureCopy } from '../report/fixtures.js';

const cells = scenarioCells(loadScenario(path.resolve(import.meta.dirname, '../../scenarios/default.yaml')));

t.test('start order: a permutation, longest expected first, plan order among equals', async t => {
  const order = startOrder(cells);
  t.same([...order].sort((a, b) => a - b), cells.map((_, i) => i), 'every cell once');
  const expected = order.map(i => expectedMs(cells[i]!));
  t.ok(expected.every((ms, k) => k === 0 || expected[k - 1]! >= ms), 'non-increasing');
  const first = cells[order[0]!]!;
  t.match(first, { launch: 'systemd-run-user', sever: 'drop' }, 'a user-manager probe behind a drop is the longest');
  const last = cells[order.at(-1)!]!;
  t.ok(['client-kill', 'sshd-kill'].includes(last.sever) && last.launch !== 'systemd-run-user', 'a cell ended at once by a process-level sever is among the shortest');
});

t.test('an exec logout may stay open (a job holds the pipes): predicted like a network sever', async t => {
  const exec = cells.find(c => c.session === 'exec' && c.launch === 'nohup' && c.sever === 'logout')!;
  const pty = cells.find(c => c.session === 'pty' && c.launch === 'nohup' && c.sever === 'logout' && c.workload === exec.workload)!;
  t.ok(expectedMs(exec) > expectedMs(pty) + 5000);
});

t.test('a previous run’s durations decide the order; a missing or foreign file is no history', async t => {
  const dir = t.testdir({ 'bad.json': 'nope' });
  const file = path.join(dir, 'results.json');
  const pick = cells[5]!;
  // A whole results.json (the reader validates it): two repetitions of `pick`'s case.
  const previous = fixtureCopy();
  previous.cells = [999_999, 5].map((durationMs, i) => ({ ...previous.cells[i]!, caseId: pick.caseId, timing: { ...previous.cells[i]!.timing, durationMs } }));
  fs.writeFileSync(file, JSON.stringify(previous));
  const history = durationHistory(file);
  t.equal(history.get(pick.caseId), 999_999, 'the longest repetition');
  t.equal(startOrder(cells, history)[0], 5);
  t.equal(durationHistory(path.join(dir, 'bad.json')).size, 0);
  t.equal(durationHistory(path.join(dir, 'none.json')).size, 0);
});
