import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../harness/core/paths.js';
import { workloads } from '../../harness/workload/registry.js';

t.test('the workloads, in the order scenarios and help list them', async t => {
  t.same(workloads.names, ['chatty', 'quiet', 'redirected', 'reads-stdin', 'tree']);
});

t.test('only chatty writes to the session: the redirected one writes to a file, the others not at all', async t => {
  t.same(workloads.all.filter(w => w.writesToSession).map(w => w.name), ['chatty']);
  t.same(workloads.all.filter(w => w.redirectsOutput).map(w => w.name), ['redirected']);
  t.same(workloads.all.filter(w => w.readsStdin).map(w => w.name), ['reads-stdin']);
  t.same(workloads.all.filter(w => w.startsChildren).map(w => w.name), ['tree']);
});

t.test('an unknown workload is refused with the known ones', async t => {
  t.throws(() => workloads.get('silent'), /unknown workload "silent"/);
});

t.test('the probe runs exactly the declared workloads', async t => {
  // containers/agent/probe refuses a workload it does not know; the two lists must not drift.
  const probe = fs.readFileSync(path.join(ROOT, 'containers/agent/probe'), 'utf8');
  const declared = probe.match(/my %workloads = map \{ \$_ => 1 \} qw\(([^)]*)\);/)?.[1]?.split(/\s+/).filter(Boolean);
  t.same([...(declared ?? [])].sort(), [...workloads.names].sort());
});
