// The package as a user gets it (test/fixtures/package.ts), on this Node (the floor, 20): its
// contents, then installed into an empty prefix and run from another directory. Node 22 and 24:
// test/docker/package-node22.test.ts and package-node24.test.ts.
import t from 'tap';
import { installAndRun, ONE_CELL_VERDICT, pack, scratchDir } from '../fixtures/package.js';

t.test(`packed, installed into an empty prefix, run from elsewhere on ${process.version}`, async t => {
  const dir = scratchDir(t);
  const packed = pack(dir);
  t.equal(packed.status, 0, `npm pack (${packed.note})`);
  for (const f of ['bin/hangup-lab.js', 'dist/harness/cli.js', 'dist/harness/client/runners/ssh2-client.mjs', 'containers/debian/Dockerfile', 'scenarios/default.yaml', 'README.md', 'LICENSE']) {
    t.ok(packed.files.includes(f), `the package has ${f}`);
  }
  t.same(packed.files.filter(f => /^(test|\.ci|\.github|harness)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'))), [], 'no tests, CI files or TypeScript sources');
  if (packed.status !== 0) return;
  const verdict = installAndRun(t, dir, packed.tarball, process.version, process.execPath);
  t.equal(verdict, ONE_CELL_VERDICT, 'the one real cell is judged, as on Node 22 and 24 (package-node22/24.test.ts)');
});
