// `hangup-lab bench --results FILE`, the real CLI on saved runs: a run that did not measure exits 1
// with its reasons and no ratios; a clean one prints them and exits 0.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli } from '../fixtures/cli.js';
import { fixtureCopy } from '../report/fixtures.js';

t.test('bench --results: exit 1 without ratios for an inconclusive run, exit 0 with them for a clean one', async t => {
  const dir = t.testdir({});
  const broken = fixtureCopy();
  const clean = fixtureCopy();
  clean.cells = clean.cells.filter(c => c.verdict !== 'inconclusive');
  fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
  fs.writeFileSync(path.join(dir, 'clean.json'), JSON.stringify(clean));

  const b = cli(['bench', '--results', path.join(dir, 'broken.json')], {}, 60_000);
  t.equal(b.status, 1, `exit 1: ${b.stderr}`);
  t.match(b.stdout, /^ {2}- 1 of 16 cells inconclusive: "probe pid 2129 vanished from \/proc but its log has no exit record"$/m);
  t.notMatch(b.stdout, 'wall / floor');

  const c = cli(['bench', '--results', path.join(dir, 'clean.json')], {}, 60_000);
  t.equal(c.status, 0, `exit 0: ${c.stderr}`);
  t.match(c.stdout, /wall \/ floor {16}\d+\.\d\d/);
});
