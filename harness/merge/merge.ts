// Combine the results.json of several shards (or targets) of one scenario into the result a single
// run of the whole matrix would have produced. Pure: no I/O, so `merge` and its tests agree.
import { derived } from '../expect/flaky.js';
import { judgeCell } from '../expect/judge.js';
import { BadInputError } from '../core/errors.js';
import { SCHEMA_VERSION, type CellResult, type RunResult } from '../results.js';

export interface Part {
  /** where it came from, for messages */
  file: string;
  result: RunResult;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function mergeResults(parts: Part[]): RunResult {
  if (!parts.length) throw new BadInputError('hangup-lab merge: give at least one results.json');
  for (const p of parts) {
    if (p.result?.schemaVersion !== SCHEMA_VERSION) {
      throw new BadInputError(
        `${p.file}: schemaVersion ${String(p.result?.schemaVersion)}, this hangup-lab reads ${SCHEMA_VERSION}; merge results written by the same version`,
      );
    }
  }
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    const differs = (what: string, a: unknown, b: unknown) => {
      if (!same(a, b)) {
        throw new BadInputError(`${p.file}: its ${what} differs from ${first.file}'s; merge only shards of one scenario run with the same flags`);
      }
    };
    differs('scenario name', p.result.scenario.name, first.result.scenario.name);
    differs('repeat (--repeat)', p.result.repeat, first.result.repeat);
    differs('plan (the cells of the whole matrix)', p.result.plan, first.result.plan);
    differs('axes', p.result.axes, first.result.axes);
    differs('expectations', p.result.expectations, first.result.expectations);
    differs('race declarations (races:)', p.result.races, first.result.races);
    differs('strictness (--strict)', p.result.strict, first.result.strict);
    differs('sshd config (--sshd-config)', p.result.sshdConfig, first.result.sshdConfig);
    differs('claims', p.result.claims ?? null, first.result.claims ?? null);
  }
  const plan = first.result.plan;
  const position = new Map(plan.map((id, i) => [id, i]));
  const owner = new Map<string, string>();
  // Times in a part are ms since that part started; the merged clock starts with the earliest part.
  const start = Math.min(...parts.map(p => Date.parse(p.result.startedAt)));
  const end = Math.max(...parts.map(p => Date.parse(p.result.finishedAt)));
  const cells: CellResult[] = [];
  for (const p of parts) {
    const shift = Date.parse(p.result.startedAt) - start;
    for (const c of p.result.cells) {
      if (!position.has(c.id)) throw new BadInputError(`${p.file}: cell ${c.id} is not in the plan; the file was edited or comes from another scenario`);
      const before = owner.get(c.id);
      if (before) throw new BadInputError(`${p.file}: cell ${c.id} is also in ${before}; give each shard once (did two shards overlap?)`);
      owner.set(c.id, p.file);
      // Re-judged from the cell itself, so a merged verdict never rests on a stale copy.
      cells.push({ ...c, timing: { ...c.timing, startedMs: c.timing.startedMs + shift }, expectations: judgeCell(c, first.result.expectations) });
    }
  }
  const missing = plan.filter(id => !owner.has(id));
  if (missing.length) {
    const shards = [...new Set(parts.map(p => (p.result.shard ? `${p.result.shard.index}/${p.result.shard.count}` : 'all')))].join(', ');
    throw new BadInputError(
      `hangup-lab merge: ${missing.length} of ${plan.length} cells are missing (e.g. ${missing[0]}); the files cover shards ${shards} — give the results.json of every shard and target`,
    );
  }
  cells.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  const targets = new Map(parts.flatMap(p => p.result.targets.map(t => [t.key, t] as const)).reverse());
  return {
    ...first.result,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(end).toISOString(),
    durationMs: end - start,
    targets: [...targets.values()].sort((a, b) => a.key.localeCompare(b.key)),
    // Each shard ran the clients of its own cells (on its own machine, perhaps): all of them, the
    // first shard's word on a version, as with fingerprints.
    clients: Object.fromEntries(
      Object.entries(Object.assign({}, ...parts.map(p => p.result.clients).reverse()) as Record<string, string>).sort(([a], [b]) => a.localeCompare(b)),
    ),
    shard: null,
    containers: parts
      .flatMap(p => {
        const shift = Date.parse(p.result.startedAt) - start;
        return p.result.containers.map(c => ({ ...c, startedMs: c.startedMs + shift }));
      })
      .sort((a, b) => a.startedMs - b.startedMs),
    // Derived from every shard's cells together: a shard holds all repetitions of its cases, but a
    // merged file must not depend on that.
    ...derived(cells, first.result.races),
    cells,
    // One shard's CPU breakdown is not the merged run's (bench writes it for a whole run only).
    usage: undefined,
  };
}
