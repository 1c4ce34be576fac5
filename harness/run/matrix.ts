import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { derived } from '../expect/flaky.js';
import { judgeCell } from '../expect/judge.js';
import { expand } from '../matrix/expand.js';
import { inShard, type Shard } from '../matrix/shard.js';
import { SCHEMA_VERSION, type Cell, type CellResult, type RunResult } from '../results.js';
import { latencyRepeats, type Scenario } from '../scenario/load.js';
import { ensureEngine } from '../target/engine.js';
import { clients as clientImplementations, DEFAULT_CLIENT } from '../client/registry.js';
import { clientVersion as versionOf } from '../client/version.js';
import { resolveSession } from '../session/registry.js';
import type { InfrastructureError } from '../core/errors.js';
import { runCell, type NarrationEvent } from './cell.js';
import { interrupting, makeRunDir, sweepLeftovers } from '../core/cleanup.js';
import { startOrder } from './schedule.js';
import { makeRunKey } from './run-key.js';
import { ServerPool, type ContainerWatch } from './servers.js';
import { startDeathWitness, type DeathWitness } from '../observe/death-witness.js';

export interface RunOptions {
  concurrency?: number;
  /** progress lines (stderr in the CLI) */
  say: (line: string) => void;
  /** a live view of the run (the CLI's progress display); called as cells start and end */
  progress?: ProgressSink;
  version: string;
  /** run only these targets' cells (--target); the plan still lists every cell */
  targets?: string[];
  /** run only this shard's cells (--shard i/n) */
  shard?: Shard;
  /** --strict: an inconclusive cell fails an expectation (else the scenario's run.strict) */
  strict?: boolean;
  /** measured durations of an earlier run, by case id: only the start order uses them */
  history?: ReadonlyMap<string, number>;
  /** --repeat N: every case runs at least N times (else the scenario's run.repeat, else once) */
  repeat?: number;
  /**
   * Run exactly these cells instead of the scenario's plan (`claims` measuring again the cases that
   * split a claim: extra repetitions of cases of this scenario); the result's plan is theirs.
   */
  cells?: Cell[];
  /** --cell-timeout: the most any one cell may take (else each cell's own budget, run/cell.ts) */
  cellTimeoutMs?: number;
  /** --record: keep each cell's client terminal session in its result (`recording`) */
  record?: boolean;
  /** `demo --port`: publish the target's sshd on this loopback port */
  hostPort?: number;
  /** told what happens in each cell as it happens (`demo`) */
  narrate?: (cell: Cell, event: NarrationEvent) => void;
  /** told of each target container as it starts and before it is removed (`bench`: where the CPU goes) */
  containerWatch?: ContainerWatch;
}

export interface ProgressSink {
  planned(total: number): void;
  started(cell: Cell): void;
  finished(cell: Cell, r: CellResult): void;
}

/** Every cell of the scenario: each case `repeat` times, or its detection-latency repeats if more. */
export function scenarioCells(scenario: Scenario, repeat = scenario.run.repeat ?? 1): Cell[] {
  return expand(scenario.blocks, { repeats: (cell, block) => Math.max(repeat, latencyRepeats(cell, block)) });
}

/** The cells this invocation runs: the plan, narrowed by --target and --shard. */
export function selectCells(plan: Cell[], opts: Pick<RunOptions, 'targets' | 'shard'>): Cell[] {
  return plan.filter(c => (!opts.targets || opts.targets.includes(c.target)) && inShard(c, opts.shard ?? null));
}

export async function runMatrix(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = startedAt.getTime();
  const elapsed = () => Date.now() - t0;
  const repeat = opts.repeat ?? scenario.run.repeat ?? 1;
  const plan = opts.cells ?? scenarioCells(scenario, repeat);
  const cells = selectCells(plan, opts);
  const strict = opts.strict ?? scenario.run.strict;
  // Every client the cells use must be here (exit 3 with what installs it, before anything starts);
  // the default one's (OpenSSH) is also what the fingerprints name.
  const clients = Object.fromEntries([...new Set([DEFAULT_CLIENT, ...cells.map(c => c.client)])].sort().map(n => [n, versionOf(clientImplementations.get(n))]));
  const clientVersion = clients[DEFAULT_CLIENT]!;
  // A session kind with a program of its own (mosh) needs it here too, checked the same way.
  for (const kind of new Set(cells.map(c => resolveSession(c.session).kind))) if (kind.program) versionOf({ name: kind.name, program: kind.program });
  await ensureEngine(opts.say);
  await sweepLeftovers(opts.say);

  const runId = randomBytes(4).toString('hex');
  const stop = new AbortController();
  // Every cell in flight listens to it (24 at a time by default): not a leak.
  setMaxListeners(Number.POSITIVE_INFINITY, stop.signal);
  let fault: InfrastructureError | null = null;
  const { dir: tmp, remove: removeTmp } = makeRunDir(runId);
  // The kernel's account of deaths a probe does not log (a few file writes; run/verdict.ts).
  const witness = await startDeathWitness();
  try {
    // A key pair for this run only; it never leaves the temp dir and the target containers.
    const { keyFile, publicKey } = await makeRunKey(tmp, runId);
    const servers = new ServerPool(
      {
        runId,
        tmp,
        keyFile,
        publicKey,
        sshdExtra: scenario.sshdExtra,
        logindExtra: scenario.logindExtra,
        hostPort: opts.hostPort,
        sshdConfig: scenario.sshdConfig,
        scenarioFile: scenario.file,
        clientVersion,
        ...(opts.containerWatch ? { containerWatch: opts.containerWatch } : {}),
        say: opts.say,
        elapsed,
        // A server whose every first login fails the same way stops the run: the other cells would
        // fail the same way, each after its own waits (run/setup.ts).
        onServer: health => health.onFault(f => {
          fault ??= f;
          stop.abort(f);
        }),
      },
      cells,
    );
    const concurrency = opts.concurrency ?? scenario.run.concurrency;
    opts.say(
      `${cells.length} cells${cells.length < plan.length ? ` of ${plan.length} (${[opts.targets ? `targets ${opts.targets.join(', ')}` : '', opts.shard ? `shard ${opts.shard.index}/${opts.shard.count}` : ''].filter(Boolean).join(', ')})` : ''}, ${concurrency} at a time`,
    );
    opts.progress?.planned(cells.length);
    const results = await pool(cells, concurrency, cell => runOneCell(cell, { scenario, opts, servers, elapsed, signal: stop.signal, witness }), startOrder(cells, opts.history), stop.signal);
    // No results of a run whose setup was systematically broken: they would be a table of
    // inconclusive cells that looks like a measurement. One line, exit 3 (the CLI).
    if (fault) throw fault;
    // An interrupted run's cells were cut short by the removal of their containers: writing them
    // out would look like a finished run with inconclusive cells. The signal handler ends it.
    if (interrupting()) throw new Error('interrupted');
    // Sorted by key, so a run and a merge of its shards list servers in the same order.
    const fingerprints = (await Promise.all(servers.fingerprints.values())).sort((a, b) => a.key.localeCompare(b.key));
    return runResult({ scenario, opts, startedAt, elapsed, strict, repeat, plan, fingerprints, clients, containers: [...servers.containers], results });
  } finally {
    await witness.close();
    await removeTmp();
  }
}

interface CellScope {
  scenario: Scenario;
  opts: RunOptions;
  servers: ServerPool;
  elapsed: () => number;
  signal: AbortSignal;
  witness: DeathWitness;
}

/** One cell of the matrix: wait for its server, run it, judge its expectations. */
async function runOneCell(cell: Cell, { scenario, opts, servers, elapsed, signal, witness }: CellScope): Promise<CellResult> {
  const startedMs = elapsed();
  const lease = await servers.acquire(cell);
  const serverWaitMs = elapsed() - startedMs;
  // Shown as running once its server is there: the progress clock starts with the first cell that
  // runs, so image builds and container starts do not inflate the time left.
  opts.progress?.started(cell);
  let outcome;
  try {
    const narrate = opts.narrate;
    outcome = await runCell(cell, {
      ...lease,
      signal,
      witness,
      windowOverride: windowOverrideOf(scenario),
      ...(opts.record ? { record: true } : {}),
      ...(opts.cellTimeoutMs ? { cellTimeoutMs: opts.cellTimeoutMs } : {}),
      ...(narrate ? { narrate: (e: NarrationEvent) => narrate(cell, e) } : {}),
    });
  } finally {
    await lease.release();
  }
  const timing = { startedMs, durationMs: elapsed() - startedMs, serverWaitMs, watchedMs: outcome.window.watchedMs };
  const r: CellResult = { ...outcome, expectations: [], timing };
  r.expectations = judgeCell(r, scenario.expectations);
  opts.progress?.finished(cell, r);
  return r;
}

/** The scenario's own watch window, when it sets one (run.sessionTimeoutMs / afterSessionMs). */
function windowOverrideOf(scenario: Scenario) {
  return {
    ...(scenario.run.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: scenario.run.sessionTimeoutMs } : {}),
    ...(scenario.run.afterSessionMs !== undefined ? { afterSessionMs: scenario.run.afterSessionMs } : {}),
  };
}

export interface Finished {
  scenario: Scenario;
  opts: RunOptions;
  startedAt: Date;
  elapsed: () => number;
  strict: boolean;
  repeat: number;
  plan: Cell[];
  fingerprints: RunResult['targets'];
  clients: RunResult['clients'];
  containers: RunResult['containers'];
  results: CellResult[];
}

/** The run as results.json records it. */
export function runResult({ scenario, opts, startedAt, elapsed, strict, repeat, plan, fingerprints, clients, containers, results }: Finished): RunResult {
  const t0 = startedAt.getTime();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'hangup-lab', version: opts.version },
    scenario: { file: scenario.file, name: scenario.name, description: scenario.description },
    startedAt: startedAt.toISOString(),
    // One clock reading for both, so finishedAt − startedAt is durationMs exactly (merge relies on it).
    ...((ms: number) => ({ finishedAt: new Date(t0 + ms).toISOString(), durationMs: ms }))(elapsed()),
    targets: fingerprints,
    clients,
    axes: scenario.axes,
    sshdConfig: scenario.sshdConfig
      ? {
          file: scenario.sshdConfig.file,
          sha256: createHash('sha256').update(scenario.sshdConfig.text).digest('hex'),
          lines: scenario.sshdConfig.text.split('\n').length - (scenario.sshdConfig.text.endsWith('\n') ? 1 : 0),
          matchBlocks: scenario.sshdConfig.matchBlocks,
        }
      : null,
    expectations: scenario.expectations,
    ...(scenario.claims ? { claims: scenario.claims } : {}),
    strict,
    repeat,
    races: scenario.races,
    ...derived(results, scenario.races),
    plan: plan.map(c => c.id),
    shard: opts.shard ?? null,
    containers: containers.sort((a, b) => a.startedMs - b.startedMs),
    cells: results,
  };
}

/**
 * Run `fn` over items with at most `limit` at once; results in input order. The first error (a
 * bad sshd option, a missing engine) stops new items from starting; the ones in flight finish and
 * clean up after themselves before the error is rethrown, so nothing runs on after the run ends.
 */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, order?: readonly number[], stop?: AbortSignal): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const queue = order ?? items.map((_, i) => i);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < queue.length && !failure && !stop?.aborted) {
      const i = queue[next++]!;
      try {
        out[i] = await fn(items[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return out;
}
