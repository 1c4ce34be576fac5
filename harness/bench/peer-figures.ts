// The measured peer's figures (issue 17, item 3): its seconds per cell against the harness's wall
// per cell in the same bench. Pure functions of what bench kept (peer.json next to results.json), so
// `bench --results FILE` prints them again.
import type { CellResult, RunResult } from '../results.js';

export const PEER_SCHEMA_VERSION = 1;

/** One cell as the peer ran it (scripts/peer.sh). */
export interface PeerCellRun {
  id: string;
  session: string;
  launch: string;
  workload: string;
  sever: string;
  /** the sleep between the sever and the one look (bench/peer-subset.ts peerWaitMs) */
  waitMs: number;
  /** the whole script, timed by bench: docker run to docker rm */
  wallMs: number;
  /** the script's own marks, seconds each, in order: boot-and-setup, login-works, probe-started, sever, wait, check, remove */
  phases: [string, number][];
  /** null: the script failed (see error) */
  outcome: 'survived' | 'killed' | null;
  error?: string;
  /** what the script saw on the way ("the session was over before the sever") */
  notes?: string[];
}

export interface PeerRun {
  schemaVersion: number;
  image: string;
  /** how the subset was chosen (peer-subset.ts) */
  how: string;
  /** the 1/5/15-minute load averages when the peer started and when it ended */
  loadAverage: { start: number[]; end: number[] };
  cells: PeerCellRun[];
  /** the startedAt of the harness's run it was measured with (bench --results prints it only with that run) */
  runStartedAt?: string;
}

export interface PeerFigures {
  cells: number;
  failed: PeerCellRun[];
  /** mean seconds per completed cell, and the parts of it */
  perCellS: number;
  waitPerCellS: number;
  /** seconds per cell by phase, largest first */
  phases: [string, number][];
  /** the harness's run: wall / cells */
  harnessWallPerCellS: number;
  /** the subset's cells in the harness's run: their own mean duration (run side by side with the others) */
  harnessSubsetCellS: number | null;
  /** peer seconds per cell / harness wall per cell */
  ratio: number;
  /** peer seconds per cell / the subset's own mean duration in the harness */
  ratioOnSubset: number | null;
  /** how many completed peer cells reached the harness's verdict (survived / killed) */
  agree: { same: number; compared: number; differ: string[] };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function peerFigures(peer: PeerRun, run: Pick<RunResult, 'cells' | 'durationMs'>): PeerFigures {
  const done = peer.cells.filter(c => c.outcome !== null);
  const perCellS = mean(done.map(c => c.wallMs / 1000));
  const phaseTotals = new Map<string, number>();
  for (const c of done) for (const [name, s] of c.phases) phaseTotals.set(name, (phaseTotals.get(name) ?? 0) + s);
  const phases = [...phaseTotals].map(([n, s]): [string, number] => [n, s / Math.max(1, done.length)]).sort((a, b) => b[1] - a[1]);
  const harnessWallPerCellS = run.durationMs / 1000 / Math.max(1, run.cells.length);
  const byId = new Map<string, CellResult>(run.cells.map(c => [c.id, c]));
  const mates = done.map(c => byId.get(c.id)).filter((c): c is CellResult => c !== undefined);
  const harnessSubsetCellS = mates.length ? mean(mates.map(c => c.timing.durationMs / 1000)) : null;
  const differ: string[] = [];
  let same = 0;
  let compared = 0;
  for (const c of done) {
    const h = byId.get(c.id);
    if (!h || (h.verdict !== 'survived' && h.verdict !== 'killed')) continue;
    compared++;
    if (h.verdict === c.outcome) same++;
    else differ.push(`${c.session}/${c.launch}/${c.workload} × ${c.sever}: peer ${c.outcome}, harness ${h.verdict}`);
  }
  return {
    cells: peer.cells.length,
    failed: peer.cells.filter(c => c.outcome === null),
    perCellS,
    waitPerCellS: mean(done.map(c => c.waitMs / 1000)),
    phases,
    harnessWallPerCellS,
    harnessSubsetCellS,
    ratio: perCellS / Math.max(1e-9, harnessWallPerCellS),
    ratioOnSubset: harnessSubsetCellS ? perCellS / harnessSubsetCellS : null,
    agree: { same, compared, differ },
  };
}

const s = (x: number) => `${x.toFixed(1)} s`;
const load = (xs: number[]) => xs.map(x => x.toFixed(2)).join(' ');

export function peerText(peer: PeerRun, f: PeerFigures): string {
  const done = f.cells - f.failed.length;
  const lines = [
    `  measured peer: a person's way, scripts/peer.sh (docker run, ssh, kill, sleep, pgrep, docker rm), one cell at a time`,
    `    subset                    ${peer.how}`,
    `    load average              ${load(peer.loadAverage.start)} at its start, ${load(peer.loadAverage.end)} at its end`,
  ];
  if (!done) {
    lines.push('    no ratio: no peer cell completed', ...f.failed.map(c => `    - ${c.session}/${c.launch}/${c.workload} × ${c.sever}: ${c.error ?? 'failed'}`));
    return lines.join('\n');
  }
  lines.push(
    `    peer, per cell            ${s(f.perCellS)}  (${done} cells; of which the sleep for the outcome ${s(f.waitPerCellS)}, the harness's deadlines for them)`,
    `    where the peer's time goes ${f.phases.map(([n, x]) => `${n} ${s(x)}`).join(', ')}`,
    `    harness, wall per cell    ${s(f.harnessWallPerCellS)}  (whole run: wall / cells)`,
    ...(f.harnessSubsetCellS !== null ? [`    harness, the subset's cells ${s(f.harnessSubsetCellS)} each on average (each cell's own duration, run side by side with the rest)`] : []),
    `    peer / harness            ${f.ratio.toFixed(1)}×  (per cell: peer seconds / harness wall)` + (f.ratioOnSubset !== null ? `; on the subset's own durations ${f.ratioOnSubset.toFixed(1)}×` : ''),
    `    verdicts                  the peer's survived/killed matches the harness's on ${f.agree.same} of ${f.agree.compared} cells`,
    ...f.agree.differ.map(d => `    ≠ ${d}`),
    ...peer.cells.flatMap(c => (c.notes ?? []).map(n => `    - ${c.session}/${c.launch}/${c.workload} × ${c.sever}: ${n}`)),
    ...f.failed.map(c => `    - failed, not counted: ${c.session}/${c.launch}/${c.workload} × ${c.sever}: ${c.error ?? 'failed'}`),
  );
  return lines.join('\n');
}
