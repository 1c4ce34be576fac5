// bench's figures tell the truth or nothing: a run with an inconclusive cell or a setup retry gets
// no ratios (and exit 1), with one line per reason; the floor comes from judged cells only.
import t from 'tap';
import { benchExitCode, benchFigures, benchText, withheldBecause } from '../../harness/bench/figures.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { fixtureCopy } from '../report/fixtures.js';

/** The report fixture without its one inconclusive cell, every cell set up at the first try. */
function clean(): RunResult {
  const r = fixtureCopy();
  r.cells = r.cells.filter(c => c.verdict !== 'inconclusive').map(c => ({ ...c, setup: { attempts: 1, failures: [] } }));
  return r;
}

const timing = (durationMs: number, watchedMs: number, serverWaitMs = 1000): CellResult['timing'] => ({ startedMs: 500, durationMs, serverWaitMs, watchedMs });

/** The run of the issue: most cells inconclusive after a short try, a few judged. */
function mostlyInconclusive(): RunResult {
  const r = clean();
  const [first, ...rest] = r.cells;
  r.cells = [
    { ...first!, timing: timing(20_000, 12_000) },
    ...rest.map((c, i) => ({
      ...c,
      verdict: 'inconclusive' as const,
      // The same fault in most cells, another in one: the line groups them.
      reason: i === 0 ? 'harness error: docker exec did not return within 60 s' : 'harness error: ssh client exited while waiting for the login shell prompt; it printed: "Load key \\"/tmp/x/id_ed25519\\": error in libcrypto"',
      before: [],
      timing: timing(2_500, 0, 0),
    })),
  ];
  return r;
}

t.test('a clean run: every ratio, exit 0', async t => {
  const f = benchFigures(clean(), { busySeconds: 300, cores: 2 });
  t.same(f.withheldBecause, []);
  t.equal(benchExitCode([f]), 0);
  const text = benchText('clean', f);
  for (const line of ['floor', 'wall / floor', 'one at a time / wall', 'CPU used', 'wall / CPU floor']) t.match(text, line, `prints ${line}`);
  t.notMatch(text, /no floor, ratios/);
});

t.test('a run without setup records (before results.json had them) counts as no retry', async t => {
  const r = clean();
  for (const c of r.cells) delete (c as Partial<CellResult>).setup;
  t.same(withheldBecause(r), []);
});

t.test('an inconclusive cell: no ratios, one line with the count and the first reasons, exit 1', async t => {
  const r = mostlyInconclusive();
  const f = benchFigures(r, { busySeconds: 300, cores: 2 });
  const n = r.cells.length - 1;
  t.equal(f.withheldBecause.length, 1, 'one reason, one line');
  t.match(
    f.withheldBecause[0],
    new RegExp(`^${n} of ${r.cells.length} cells inconclusive: "harness error: docker exec did not return within 60 s", ${n - 1}× "harness error: ssh client exited while waiting for the login shell prompt; it printed: .*…"$`),
  );
  t.equal(benchExitCode([f]), 1);
  const text = benchText('broken', f);
  t.match(text, 'wall time', 'the wall time is a fact: printed');
  t.match(text, /no floor, ratios or CPU per cell: this run did not measure what they describe, because\n {2}- \d+ of \d+ cells inconclusive/);
  for (const withheld of ['wall / floor', 'one at a time', 'CPU used', 'CPU floor', 'per cell,']) t.notMatch(text, withheld, `no ${withheld}`);
});

t.test('the floor comes from judged cells only', async t => {
  const r = mostlyInconclusive();
  // An inconclusive cell given up by its budget after a long watch, and one that ran its setup
  // unusually fast before failing: neither may set the floor.
  r.cells.push({ ...r.cells[1]!, id: 'given-up', before: r.cells[0]!.before, timing: timing(95_000, 90_000) });
  r.cells.push({ ...r.cells[1]!, id: 'quick-fail', before: r.cells[0]!.before, timing: timing(300, 0, 0) });
  const f = benchFigures(r);
  t.equal(f.slowest?.cell.id, r.cells[0]!.id, 'the slowest cell is the judged one');
  t.equal(f.setupMinMs, 20_000 - 1000 - 12_000, 'the fastest setup is a judged cell’s');
  t.equal(f.floorMs, r.containers[0]!.bootMs + 7_000 + 12_000, 'floor = first boot + judged setup + judged watch');
});

t.test('a setup retry: no ratios, one line with the count and the first failures, exit 1', async t => {
  const r = clean();
  r.cells[2]!.setup = { attempts: 2, failures: ['ssh client exited while waiting for the login shell prompt; it printed: "Timeout, server 172.17.0.3 not responding."'] };
  r.cells[4]!.setup = {
    attempts: 3,
    failures: ['ssh client exited while waiting for the login shell prompt; it printed: "Timeout, server 172.17.0.3 not responding."', 'the probe never logged its start'],
  };
  const f = benchFigures(r);
  t.same(f.withheldBecause, [
    `2 of ${r.cells.length} cells needed a setup retry (3 retries): 2× "ssh client exited while waiting for the login shell prompt; it printed: \\"Timeout, server 172.17.0.3 not responding.\\"", "the probe never logged its start"`,
  ]);
  t.equal(benchExitCode([f]), 1);
  t.notMatch(benchText('retried', f), 'wall / floor');
});

t.test('both at once: two lines; and one bad run of two fails the bench', async t => {
  const r = mostlyInconclusive();
  r.cells[0]!.setup = { attempts: 2, failures: [] };
  const f = benchFigures(r);
  t.equal(f.withheldBecause.length, 2);
  t.match(f.withheldBecause[1], /^1 of \d+ cells needed a setup retry \(1 retry\)$/, 'no failure text recorded: none quoted');
  t.equal(benchExitCode([benchFigures(clean()), f]), 1);
  t.equal(benchExitCode([benchFigures(clean()), benchFigures(clean())]), 0);
});

t.test('many distinct reasons: the first two, and how many more', async t => {
  const r = clean();
  r.cells.forEach((c, i) => Object.assign(c, { verdict: 'inconclusive', reason: `reason ${i}` }));
  t.match(withheldBecause(r)[0], new RegExp(`: "reason 0", "reason 1", and ${r.cells.length - 2} other reasons$`));
});
