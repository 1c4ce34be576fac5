// npm run test:nodes: the unit tests (no Docker, no browser) on Node 22 and 24, each fetched from
// the npm registry (scripts/node-binary.mjs). The Docker side of each is test/docker/package-node22.test.ts and package-node24.test.ts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];
let failed = 0;
for (const major of majors) {
  const node = nodeBinary(major);
  const env = { ...process.env, PATH: `${path.dirname(node)}:${process.env.PATH}` };
  // tap runs every test file with the node that runs tap: the one on PATH.
  const r = spawnSync(node, [path.join(root, 'node_modules/.bin/tap'), '--exclude=test/docker/**', '--exclude=test/browser/**', '--exclude=test/bench/**', '--reporter=terse'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const summary = (r.stdout + r.stderr).match(/# \{ total: \d+.*\}/)?.[0] ?? `exit ${r.status}`;
  console.log(`node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}: ${summary}`);
  if (r.status !== 0) {
    failed++;
    console.log((r.stdout + r.stderr).split('\n').filter(l => /not ok/.test(l)).slice(0, 30).join('\n'));
  }
}
process.exit(failed ? 1 : 0);
