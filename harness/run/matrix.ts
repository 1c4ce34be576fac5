import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { expand } from '../matrix/expand.js';
import { SCHEMA_VERSION, type Cell, type CellResult, type RunResult } from '../results.js';
import { latencyRepeats, type Scenario } from '../scenario/load.js';
import { ensureEngine, ensureSshClient } from '../target/engine.js';
import { runCell } from './cell.js';
import { onCleanup, sweepLeftovers } from './cleanup.js';
import { ServerPool } from './servers.js';

export interface RunOptions {
  concurrency?: number;
  /** progress lines (stderr in the CLI) */
  say: (line: string) => void;
  version: string;
}

export function scenarioCells(scenario: Scenario): Cell[] {
  return expand(scenario.blocks, { repeats: latencyRepeats });
}

export async function runMatrix(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = Date.now();
  const cells = scenarioCells(scenario);
  const clientVersion = ensureSshClient();
  await ensureEngine(opts.say);
  await sweepLeftovers(opts.say);

  const runId = randomBytes(4).toString('hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hangup-lab-${runId}-`));
  const removeTmp = onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    // A key pair for this run only; it never leaves the temp dir and the target containers.
    const keys = ssh2.utils.generateKeyPairSync('ed25519', { comment: `hangup-lab-${runId}` });
    const keyFile = path.join(tmp, 'id_ed25519');
    fs.writeFileSync(keyFile, keys.private, { mode: 0o600 });
    const servers = new ServerPool(
      { runId, tmp, keyFile, publicKey: keys.public, sshdExtra: scenario.sshdExtra, scenarioFile: scenario.file, clientVersion, say: opts.say },
      cells,
    );
    const concurrency = opts.concurrency ?? scenario.run.concurrency;
    opts.say(`${cells.length} cells, ${concurrency} at a time`);
    let done = 0;
    const windowOverride = {
      ...(scenario.run.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: scenario.run.sessionTimeoutMs } : {}),
      ...(scenario.run.afterSessionMs !== undefined ? { afterSessionMs: scenario.run.afterSessionMs } : {}),
    };
    const results = await pool(cells, concurrency, async cell => {
      const lease = await servers.acquire(cell);
      let r: CellResult;
      try {
        r = await runCell(cell, { ...lease, windowOverride });
      } finally {
        await lease.release();
      }
      done++;
      opts.say(`[${done}/${cells.length}] ${label(cell)}: ${r.verdict}${r.signal ? ` ${r.signal}` : ''}${r.verdict === 'inconclusive' ? ` (${r.reason})` : ''}`);
      return r;
    });
    const fingerprints = await Promise.all(servers.fingerprints.values());
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'hangup-lab', version: opts.version },
      scenario: { file: scenario.file, name: scenario.name, description: scenario.description },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - t0,
      targets: fingerprints,
      axes: scenario.axes,
      cells: results,
    };
  } finally {
    await removeTmp();
  }
}

/** The axis values that vary in this cell beyond the basic four, for progress lines. */
function label(c: Cell): string {
  const extra = [
    c.user !== 'lab' ? `user=${c.user}` : '',
    c.linger === 'on' ? 'linger' : '',
    c.huponexit === 'on' ? 'huponexit' : '',
    c.killUserProcesses === 'yes' ? 'KillUserProcesses' : '',
    c.serverAlive !== 'off' ? `ServerAlive=${c.serverAlive}` : '',
    c.rep > 1 ? `rep ${c.rep}` : '',
  ].filter(Boolean);
  return `${c.target} ${c.session}/${c.launch}/${c.workload}/${c.sever}${extra.length ? ` [${extra.join(' ')}]` : ''}`;
}

/**
 * Run `fn` over items with at most `limit` at once; results in input order. The first error (a
 * bad sshd option, a missing engine) stops new items from starting; the ones in flight finish and
 * clean up after themselves before the error is rethrown, so nothing runs on after the run ends.
 */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
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
