import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { expand } from '../matrix/expand.js';
import { SCHEMA_VERSION, type Cell, type CellResult, type RunResult, type TargetFingerprint } from '../results.js';
import type { Scenario } from '../scenario/load.js';
import { StartedTarget } from '../target/container.js';
import { ensureEngine, ensureSshClient } from '../target/engine.js';
import { ensureImage } from '../target/image.js';
import { targetSpec } from '../target/targets.js';
import { cellUser, runCell, type WatchWindow } from './cell.js';
import { onCleanup, sweepLeftovers } from './cleanup.js';

export interface RunOptions {
  concurrency?: number;
  /** progress lines (stderr in the CLI) */
  say: (line: string) => void;
  version: string;
}

const NETWORK_PATH = 'direct: host → container bridge address, no userland proxy';

/**
 * The watch window follows from the configuration, not from a guess: sshd's ClientAlive was
 * measured here to take about 2 × (CountMax + 1) × Interval on OpenSSH 9.2, so the session gets
 * that plus a margin before it is called open; after the session ends, logind's user manager
 * stops UserStopDelaySec (10 s) later, so delayed deaths get that plus a margin.
 */
export function watchWindow(s: Scenario): WatchWindow {
  const { ClientAliveInterval: i, ClientAliveCountMax: n } = s.sshd;
  const keepaliveMs = i > 0 && n > 0 ? 2 * (n + 1) * i * 1000 : 0;
  return {
    sessionTimeoutMs: s.run.sessionTimeoutMs ?? Math.max(8000, keepaliveMs + 5000),
    afterSessionMs: s.run.afterSessionMs ?? 10_000 + 5000,
  };
}

export async function runMatrix(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = Date.now();
  const cells = expand(scenario.axes, scenario.exclude, scenario.include);
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

    const byTarget = new Map<string, Cell[]>();
    for (const c of cells) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
    const window = watchWindow(scenario);
    let done = 0;
    const perTarget = await Promise.all(
      [...byTarget].map(async ([name, targetCells]) => {
        const spec = targetSpec(name);
        const image = await ensureImage(spec, opts.say);
        opts.say(`${name}: starting target (systemd + logind + sshd)`);
        const target = await StartedTarget.start({
          spec,
          image,
          runId,
          sshd: scenario.sshd,
          sysctls: scenario.sysctls,
          scenarioFile: scenario.file,
        });
        const stopTarget = onCleanup(() => target[Symbol.asyncDispose]());
        try {
          const knownHostsFile = path.join(tmp, `known_hosts-${name}`);
          fs.writeFileSync(knownHostsFile, `${target.hostKeyAlias} ${target.hostKey}\n`);
          await target.addUsers(targetCells.map(cellUser), keys.public);
          const fingerprint = await target.fingerprint(NETWORK_PATH, clientVersion);
          opts.say(`${name}: ${fingerprint.openssh}; ${targetCells.length} cells, ${opts.concurrency ?? scenario.run.concurrency} at a time`);
          const results = await pool(targetCells, opts.concurrency ?? scenario.run.concurrency, async cell => {
            const r = await runCell(cell, {
              target,
              endpoint: { host: target.ip, keyFile, knownHostsFile, hostKeyAlias: target.hostKeyAlias },
              window,
              networkPath: NETWORK_PATH,
            });
            done++;
            opts.say(`[${done}/${cells.length}] ${label(cell)}: ${r.verdict}${r.signal ? ` ${r.signal}` : ''}${r.verdict === 'inconclusive' ? ` (${r.reason})` : ''}`);
            return r;
          });
          return { fingerprint, results };
        } finally {
          await stopTarget();
        }
      }),
    );
    const byId = new Map<string, CellResult>(perTarget.flatMap(t => t.results).map(r => [r.id, r]));
    const finishedAt = new Date();
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'hangup-lab', version: opts.version },
      scenario: { file: scenario.file, name: scenario.name, description: scenario.description },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Date.now() - t0,
      targets: perTarget.map(t => t.fingerprint) satisfies TargetFingerprint[],
      axes: {
        session: scenario.axes.session,
        launch: scenario.axes.launch,
        workload: scenario.axes.workload,
        sever: scenario.axes.sever,
      },
      cells: cells.map(c => byId.get(c.id)!),
    };
  } finally {
    await removeTmp();
  }
}

function label(c: Cell): string {
  return `${c.target} ${c.session}/${c.launch}/${c.workload}/${c.sever}`;
}

/** Run `fn` over items with at most `limit` at once; results in input order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
