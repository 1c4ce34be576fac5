import path from 'node:path';
import t from 'tap';
import { scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario, selectBlocks } from '../../harness/scenario/load.js';

const faults = path.resolve(import.meta.dirname, '../../scenarios/faults.yaml');

t.test('--block narrows a scenario to the named blocks; their cells keep their ids', async t => {
  const all = loadScenario(faults);
  const nat = selectBlocks(all, ['NAT idle expiry', 'detection latency behind a NAT']);
  const cells = scenarioCells(nat);
  t.ok(cells.length > 0);
  t.ok(cells.every(c => c.sever.startsWith('nat-expiry:')), 'only the NAT blocks');
  const ids = new Set(scenarioCells(all).map(c => c.id));
  t.ok(cells.every(c => ids.has(c.id)), 'the same cells as in the whole scenario');
  t.same(nat.axes.sever, ['nat-expiry:4', 'nat-expiry:3'], 'axes are those of the chosen blocks');
});

t.test('an unknown block is one line naming the known ones', async t => {
  t.throws(() => selectBlocks(loadScenario(faults), ['NAT idle expry']), {
    message: /faults\.yaml: --block unknown block "NAT idle expry" \(did you mean "NAT idle expiry"\?\) \(known: launch modes × severs, .*\)$/,
  });
});
