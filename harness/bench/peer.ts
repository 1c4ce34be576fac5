// Runs the measured peer (scripts/peer.sh) on its subset, one cell at a time, and times each run.
// The script removes its container on every path it controls (exit, error, INT, TERM); bench adds
// the paths it does not: an interrupt of bench kills the script's process group (its trap removes
// the container) and then removes whatever still carries this peer run's label, and the labels name
// bench's process, so a later run's sweep removes what a SIGKILLed bench left (core/cleanup.ts).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { onCleanup, ownerLabels } from '../core/cleanup.js';
import { ROOT } from '../core/paths.js';
import type { Cell } from '../results.js';
import { AFTER_SESSION_SETTLE_MS } from '../run/cell.js';
import { planCell } from '../run/plan.js';
import { loadAverage } from '../usage/proc-files.js';
import { PEER_SCHEMA_VERSION, type PeerCellRun, type PeerRun } from './peer-figures.js';
import { parsePeerCan, peerWaitMs, type PeerCan, type PeerSubset } from './peer-subset.js';

const run = promisify(execFile);

export const PEER_SCRIPT = path.join(ROOT, 'scripts', 'peer.sh');

/** The most one cell of the peer may take: its sleep plus this for docker run, logins and docker rm. */
const PEER_OVERHEAD_LIMIT_MS = 180_000;

/** Whether this installation has the script (a checkout has; the npm package ships no scripts/). */
export function peerAvailable(): boolean {
  return fs.existsSync(PEER_SCRIPT);
}

/** What the script can do by hand (`peer.sh --can`). */
export async function askPeerCan(): Promise<PeerCan> {
  const { stdout } = await run('bash', [PEER_SCRIPT, '--can']);
  return parsePeerCan(stdout);
}

export async function runPeer(subset: PeerSubset, image: string, say: (line: string) => void): Promise<PeerRun> {
  const label = `hangup-lab.peer=${randomBytes(4).toString('hex')}`;
  const labels = Object.entries({ 'hangup-lab': '1', ...ownerLabels() }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  let child: ReturnType<typeof spawn> | null = null;
  const cleanup = onCleanup(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      killGroup(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 20_000))]);
      killGroup(child.pid!, 'SIGKILL');
    }
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${label}`]);
    const ids = stdout.split('\n').filter(Boolean);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]);
  });
  const start = loadAverage();
  const cells: PeerCellRun[] = [];
  try {
    for (const [i, cell] of subset.cells.entries()) {
      say(`peer: cell ${i + 1}/${subset.cells.length}: ${cell.session}/${cell.launch}/${cell.workload} × ${cell.sever}`);
      const waitMs = peerWaitMs(planCell(cell), AFTER_SESSION_SETTLE_MS);
      const args = [PEER_SCRIPT, image, cell.session, cell.launch, cell.workload, cell.sever, String(waitMs / 1000), cell.clientAlive, ...labels, '--label', label];
      const t0 = performance.now();
      const r = await runScript(args, waitMs + PEER_OVERHEAD_LIMIT_MS, c => (child = c));
      cells.push({ ...describe(cell), waitMs, wallMs: performance.now() - t0, ...parseScript(r) });
    }
  } finally {
    await cleanup();
  }
  return { schemaVersion: PEER_SCHEMA_VERSION, image, how: subset.how, loadAverage: { start, end: loadAverage() }, cells };
}

const describe = (c: Cell) => ({ id: c.id, session: c.session, launch: c.launch, workload: c.workload, sever: c.sever });

/** The script's marks and result from its output; an error when it did not finish (exit code, last words). */
export function parseScript(r: { code: number | null; stdout: string; stderr: string }): Pick<PeerCellRun, 'phases' | 'outcome' | 'error' | 'notes'> {
  const phases: [string, number][] = [];
  const notes: string[] = [];
  let outcome: PeerCellRun['outcome'] = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('note ')) notes.push(line.slice(5));
    const p = /^phase (\S+) ([\d.]+)$/.exec(line);
    if (p) phases.push([p[1]!, Number(p[2])]);
    const o = /^result (survived|killed)$/.exec(line);
    if (o) outcome = o[1] as 'survived' | 'killed';
  }
  const noted = notes.length ? { notes } : {};
  if (r.code === 0 && outcome) return { phases, outcome, ...noted };
  const last = r.stderr.trim().split('\n').filter(l => !/^\s*$/.test(l)).at(-1) ?? 'no output';
  return { phases, outcome: null, error: `exit ${r.code ?? 'by a signal'}: ${last}`, ...noted };
}

/** The script in a process group of its own, so a kill reaches the ssh client it started too. */
function runScript(args: string[], timeoutMs: number, started: (c: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const c = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    started(c);
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4096)));
    // A wedged step must not hold the bench: TERM lets the script's trap remove its container.
    const timer = setTimeout(() => killGroup(c.pid!, 'SIGTERM'), timeoutMs);
    c.on('error', e => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: e.message });
    });
    c.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
