// Which cells the measured peer (scripts/peer.sh) runs, and how long it waits in each: pure, so the
// choice is fixed by the scenario alone and tested.
//
// The subset: one cell per launch mode (the default scenario has 8), each chosen among that launch
// mode's applicable cells so that the other varying axes (session, workload, sever) come out as
// even as the matrix allows, their pairs too (no "every pty cell is chatty"): greedily, in the
// scenario's order, the candidate whose axis values and pairs of values were picked least so far.
// On the default scenario that is 8 cells: every launch mode once, every sever twice, pty and exec
// 4 each, chatty and quiet 4 each: the same shares as the whole matrix, so the peer's seconds per
// cell stand for the matrix's.
import { AXIS_NAMES, type AxisName, type Cell } from '../results.js';

/**
 * What scripts/peer.sh can do by hand, by axis (it says so itself: `peer.sh --can`, parsed by
 * parsePeerCan); a cell with any other value there is left to the harness.
 */
export type PeerCan = Readonly<Record<string, readonly string[]>>;

/** `peer.sh --can`'s lines: "AXIS VALUE…". */
export function parsePeerCan(text: string): PeerCan {
  return Object.fromEntries(
    text
      .split('\n')
      .map(l => l.trim().split(/\s+/))
      .filter(w => w.length > 1)
      .map(([axis, ...values]) => [axis!, values]),
  );
}

/** The axes the peer leaves at the harness's defaults (an ordinary user, OpenSSH at both ends, …). */
const PEER_FIXED: Partial<Record<AxisName, string>> = {
  server: 'openssh',
  client: 'openssh',
  user: 'lab',
  serverAlive: 'off',
  kernel: 'default',
  killUserProcesses: 'no',
  linger: 'off',
  huponexit: 'off',
};

export function peerCanRun(c: Cell, can: PeerCan): boolean {
  return (
    Object.entries(can).every(([axis, values]) => values.includes(String(c[axis as AxisName]))) &&
    Object.entries(PEER_FIXED).every(([axis, value]) => String(c[axis as AxisName]) === value) &&
    (c.clientAlive === 'off' || /^\d+\/\d+$/.test(c.clientAlive))
  );
}

export interface PeerSubset {
  cells: Cell[];
  /** how they were chosen, one line for the report */
  how: string;
}

/**
 * The peer's cells: of the first target only (one image, as a person testing one server), first
 * repetition, applicable (`applicable`: the harness's own plan says the sever applies) and doable
 * by the peer; one per launch mode, balanced as described above.
 */
export function peerSubset(plan: readonly Cell[], can: PeerCan, applicable: (c: Cell) => boolean): PeerSubset {
  const target = plan[0]?.target;
  const pool = plan.filter(c => c.target === target && c.rep === 1 && peerCanRun(c, can) && applicable(c));
  const launches = [...new Set(pool.map(c => c.launch))];
  // The axes that vary among the candidates, besides the launch mode (one cell each).
  const varying = AXIS_NAMES.filter(a => a !== 'launch' && new Set(pool.map(c => String(c[a]))).size > 1);
  const counts = new Map<string, number>();
  const keysOf = (c: Cell): string[] => {
    const single = varying.map(a => `${a}=${String(c[a])}`);
    const pairs = single.flatMap((x, i) => single.slice(i + 1).map(y => `${x}&${y}`));
    return [...single, ...pairs];
  };
  const score = (c: Cell) => keysOf(c).reduce((s, k) => s + (counts.get(k) ?? 0), 0);
  const cells: Cell[] = [];
  for (const launch of launches) {
    let best: Cell | null = null;
    for (const c of pool) if (c.launch === launch && (!best || score(c) < score(best))) best = c;
    if (!best) continue;
    cells.push(best);
    for (const k of keysOf(best)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const tally = (a: AxisName) => {
    const m = new Map<string, number>();
    for (const c of cells) m.set(String(c[a]), (m.get(String(c[a])) ?? 0) + 1);
    return `${a} ${[...m].map(([v, n]) => `${v} ${n}`).join(', ')}`;
  };
  const how = cells.length
    ? `${cells.length} cells of ${target}: one per launch mode, the other axes balanced greedily in the scenario's order (${varying.map(tally).join('; ')})`
    : `no cell the peer can run (it can: ${Object.entries(can).map(([a, v]) => `${a} ${v.join('/')}`).join('; ')}; OpenSSH at both ends, an ordinary user, no linger)`;
  return { cells, how };
}

/**
 * How long the peer sleeps between the sever and its one look: the harness's own deadlines for
 * that cell, since the peer cannot see the session end. A sever that may leave the session open
 * (a network one) gets the deadline for sshd to notice (sessionTimeoutMs), then what follows the
 * session's end: the user manager's stop and its margin (afterSessionMs) for a probe in it, else
 * the harness's settle for the deaths that follow the end at once.
 */
export function peerWaitMs(p: { mayStayOpen: boolean; waitsForUserManager: boolean; window: { sessionTimeoutMs: number; afterSessionMs: number } }, settleMs: number): number {
  return (p.mayStayOpen ? p.window.sessionTimeoutMs : 0) + (p.waitsForUserManager ? p.window.afterSessionMs : settleMs);
}
