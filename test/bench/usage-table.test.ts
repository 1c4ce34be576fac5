// bench's "core-seconds per cell by component" is a pure function of results.json's `usage`: the
// same table from a run and from its saved file; a results.json without `usage` (a `run`, an older
// file) still reads, and a merge of shards carries no shard's breakdown.
import t from 'tap';
import { benchFigures, benchText } from '../../harness/bench/figures.js';
import { usageText } from '../../harness/bench/usage-table.js';
import { parseResults } from '../../harness/results-file.js';
import type { RunResult, Usage } from '../../harness/results.js';
import { usageBreakdown } from '../../harness/usage/breakdown.js';
import { fixtureCopy } from '../report/fixtures.js';

const usage: Usage = {
  cores: 2,
  busySeconds: 100,
  loadAverage: [3.5, 2.25, 1],
  parts: [
    { path: ['target containers'], coreSeconds: 40, peakBytes: 300 << 20, how: 'exact', count: 2 },
    { path: ['target containers', 'user.slice'], coreSeconds: 10, peakBytes: null, how: 'exact', count: 2 },
    { path: ['target containers', 'user.slice', 'session scopes (session-N.scope)'], coreSeconds: 6, peakBytes: 5 << 20, how: 'sampled', count: 30 },
    { path: ['other: the rest of the machine'], coreSeconds: 60, peakBytes: null, how: 'remainder', count: 1 },
  ],
  containers: [{ id: 'abc', server: 'debian-bookworm', role: 'shared', coreSeconds: 40, peakBytes: 300 << 20 }],
  notes: ['CPU: cgroup v2 cpu.stat usage_usec (unverified here: no cgroup v2 host to measure on)'],
};

t.test('the table: per cell, share, how, peak, indentation by depth, the notes', async t => {
  const r = { ...fixtureCopy(), usage };
  const text = usageText(usage, r);
  const n = r.cells.length;
  t.match(text, `core-seconds per cell by component (${n} cells`);
  t.match(text, 'load average at the end 3.50 2.25 1.00');
  t.match(text, new RegExp(`\\n    target containers \\(2\\)\\s+40\\.0\\s+${(40 / n).toFixed(3)}\\s+40%\\s+=\\s+300 MiB`));
  t.match(text, /\n {8}session scopes \(session-N\.scope\) \(30\)\s+6\.0\s+\S+\s+6%\s+≥\s+5\.0 MiB/);
  t.match(text, /other: the rest of the machine\s+60\.0\s+\S+\s+60%\s+=−/);
  t.match(text, /total: the machine busy \(\/proc\/stat\)\s+100\.0/);
  t.match(text, '- CPU: cgroup v2 cpu.stat usage_usec (unverified here');
});

t.test('saved and read back: the same table, and the CPU figures without the run', async t => {
  const r: RunResult = { ...fixtureCopy(), usage };
  const back = parseResults(JSON.stringify(r), 'r.json');
  t.equal(usageText(back.usage!, back), usageText(usage, r));
  t.match(benchFigures(back).cpu, { busySeconds: 100, cores: 2 }, 'CPU used comes from the stored usage');
  const old = parseResults(JSON.stringify(fixtureCopy()), 'old.json');
  t.equal(old.usage, undefined, 'a file without usage still reads');
  t.equal(benchFigures(old).cpu, null);
  t.notMatch(benchText('x', benchFigures(old)), 'CPU used');
});

t.test('a breakdown made by usage/ fits the schema', async t => {
  const u = usageBreakdown({
    cores: 2,
    machine: { before: 0, after: 1000 },
    self: { before: { pid: 1, comm: 'node', ppid: 0, own: 0, children: 0, startTime: 1 }, after: { pid: 1, comm: 'node', ppid: 0, own: 100, children: 50, startTime: 1 }, peakBytes: 1 },
    engine: { before: [], after: [], peakBytes: {} },
    containers: [],
    loadAverage: [],
    notes: [],
  });
  const back = parseResults(JSON.stringify({ ...fixtureCopy(), usage: u }), 'r.json');
  t.same(back.usage, u);
  t.notMatch(usageText(u, back), 'load average', 'no load average read: none printed');
});
