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

t.test('bench --results prints the measured peer kept with that run, and not one kept with another', async t => {
  const dir = t.testdir({});
  const clean = fixtureCopy();
  clean.cells = clean.cells.filter(c => c.verdict !== 'inconclusive');
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(clean));
  const cell = clean.cells[0]!;
  const peer = {
    schemaVersion: 1,
    image: 'hangup-lab/debian-bookworm:x',
    how: '1 cell',
    loadAverage: { start: [1, 1, 1], end: [1, 1, 1] },
    cells: [{ id: cell.id, session: cell.session, launch: cell.launch, workload: cell.workload, sever: cell.sever, waitMs: 3000, wallMs: 10_000, phases: [['wait', 3]], outcome: 'killed' }],
    runStartedAt: clean.startedAt,
  };
  fs.writeFileSync(path.join(dir, 'peer.json'), JSON.stringify(peer));
  const withPeer = cli(['bench', '--results', path.join(dir, 'results.json')], {}, 60_000);
  t.equal(withPeer.status, 0, withPeer.stderr);
  t.match(withPeer.stdout, /measured peer: .*\n(.*\n)*? {4}peer, per cell {12}10\.0 s/);
  fs.writeFileSync(path.join(dir, 'peer.json'), JSON.stringify({ ...peer, runStartedAt: '2000-01-01T00:00:00.000Z' }));
  const stale = cli(['bench', '--results', path.join(dir, 'results.json')], {}, 60_000);
  t.notMatch(stale.stdout, 'measured peer');
});

t.test('bench --sizes: target counts or one line and exit 2', async t => {
  const r = cli(['bench', '--scaling', '--sizes', '1,x'], {}, 60_000);
  t.equal(r.status, 2);
  t.match(r.stderr, /--sizes "1,x": must be target counts from 1 to 64, comma-separated, e\.g\. 1,3,5/);
});
