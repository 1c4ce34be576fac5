// The probe's log (containers/agent/probe): "<monotonic ms> <kind> <fields...>" per line.
import { PROBE_COMM } from '../probe/command.js';
import { psStat, type ProbeStop, type ProcessInfo, type StdinRead, type TreeProcess } from '../results.js';

export type ProbeLogEntry =
  | { t: number; kind: 'start'; fields: Record<string, string> }
  | { t: number; kind: 'hb'; n: number }
  | {
      t: number;
      kind: 'sig';
      signal: string;
      code: number | null;
      senderPid: number | null;
      senderComm: string | null;
      /** the probe's systemd cgroup when the signal arrived; null in logs of older probes */
      cgroup: string | null;
    }
  | { t: number; kind: 'out-err'; error: string }
  /** a read of stdin: bytes 0 is EOF; error the errno's name when it failed */
  | { t: number; kind: 'read'; bytes: number | null; error: string | null; data: string | null }
  /** a job-control stop it caught ended: it was continued */
  | { t: number; kind: 'resumed'; signal: string }
  /** workload tree: the parent started a child, or reaped one (its wait status) */
  | { t: number; kind: 'spawned'; pid: number }
  | { t: number; kind: 'reaped'; pid: number; exitCode: number | null; signal: string | null }
  /** a line of a tree's child ("child-sig HUP pid=N …"): the child's pid and the line as its own */
  | { t: number; kind: 'child'; pid: number; entry: ProbeLogEntry }
  | { t: number; kind: 'exit' | 'sig-survived' | 'other'; text: string };

export function parseProbeLine(line: string): ProbeLogEntry | null {
  const m = line.match(/^(\d+(?:\.\d+)?) (\S+) ?(.*)$/);
  if (!m) return null;
  const t = Number(m[1]);
  if (m[2]!.startsWith('child-')) return childLine(t, m[2]!.slice('child-'.length), m[3] ?? '');
  const rest = m[3] ?? '';
  const kv = Object.fromEntries(
    rest
      .split(' ')
      .filter(w => w.includes('='))
      .map(w => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
  switch (m[2]) {
    case 'start':
      return { t, kind: 'start', fields: kv };
    case 'hb':
      return { t, kind: 'hb', n: Number(rest) };
    case 'sig': {
      const num = (v: string | undefined) => (v === undefined || v === '?' || v === '' ? null : Number(v));
      const known = (v: string | undefined) => (v === undefined || v === '-' || v === '?' || v === '' ? null : v);
      return {
        t,
        kind: 'sig',
        signal: `SIG${rest.split(' ')[0]}`,
        code: num(kv.code),
        senderPid: num(kv.sender) || null,
        senderComm: known(kv.sender_comm),
        cgroup: known(kv.cgroup),
      };
    }
    case 'out-err':
      return { t, kind: 'out-err', error: rest.split(' ')[1] ?? rest };
    case 'read':
      return {
        t,
        kind: 'read',
        bytes: kv.bytes === undefined ? null : Number(kv.bytes),
        error: kv.err ?? null,
        data: kv.data === undefined ? null : unescapeData(kv.data),
      };
    case 'resumed':
      return { t, kind: 'resumed', signal: `SIG${rest.split(' ')[0]}` };
    case 'spawned':
      return { t, kind: 'spawned', pid: Number(kv.child) };
    case 'reaped':
      return { t, kind: 'reaped', pid: Number(kv.child), exitCode: kv.exit === undefined ? null : Number(kv.exit), signal: kv.signal === undefined ? null : `SIG${kv.signal}` };
    case 'exit':
    case 'sig-survived':
      return { t, kind: m[2], text: rest };
    default:
      return { t, kind: 'other', text: `${m[2]} ${rest}`.trim() };
  }
}

/** A tree child's line: its pid taken out, the rest read as a line of its own. */
function childLine(t: number, kind: string, rest: string): ProbeLogEntry | null {
  const words = rest.split(' ');
  const pidWord = words.find(w => w.startsWith('pid='));
  // A child's start line keeps its pid: it is one of the start's fields.
  const own = parseProbeLine(`${t} ${kind} ${(kind === 'start' ? words : words.filter(w => w !== pidWord)).join(' ')}`.trim());
  const pid = Number(pidWord?.slice('pid='.length));
  return own && Number.isInteger(pid) && pid > 0 ? { t, kind: 'child', pid, entry: own } : null;
}

/** The probe writes read data with every byte outside printable ASCII (and space and %) as %XX. */
function unescapeData(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The signals a probe logs without dying of them: a stop, or the continue after one. */
export const NOT_FATAL_SIGNALS: readonly string[] = ['SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'];
const STOP_SIGNALS: readonly string[] = ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'];

/** What the probe met of its stdin and stdout over its whole life, as results.json records it. */
export interface WorkloadObservations {
  stdin: string | null;
  stdout: string | null;
  redirectedTo: string | null;
  reads: StdinRead[];
  stops: ProbeStop[];
  stateAtEnd: string | null;
}

/**
 * From the probe's whole log (not only from the sever on: a background job that reads its
 * terminal is stopped right after it starts) and its entry in the "after" snapshot (absent: it
 * was gone). Times are ms after the sever, negative before it.
 */
export function workloadObservations(log: readonly ProbeLogEntry[], t0Mono: number, after: ProcessInfo | undefined): WorkloadObservations {
  const rel = (mono: number) => Math.round(mono - t0Mono);
  const start = log.find(l => l.kind === 'start');
  const field = (k: string) => (start?.kind === 'start' ? (start.fields[k] ?? null) : null);
  const reads: StdinRead[] = [];
  const stops: ProbeStop[] = [];
  for (const l of log) {
    if (l.kind === 'read') reads.push({ atMs: rel(l.t), bytes: l.bytes, error: l.error, data: l.data });
    else if (l.kind === 'sig' && STOP_SIGNALS.includes(l.signal)) {
      stops.push({ signal: l.signal, atMs: rel(l.t), code: l.code, senderPid: l.senderPid, senderComm: l.senderComm, resumedMs: null });
    } else if (l.kind === 'resumed') {
      const open = stops.findLast(s => s.signal === l.signal && s.resumedMs === null);
      if (open) open.resumedMs = rel(l.t);
    }
  }
  return {
    stdin: field('stdin'),
    stdout: field('stdout'),
    redirectedTo: field('redirected_to'),
    reads,
    stops,
    stateAtEnd: after ? (psStat(after) ?? after.state) : null,
  };
}

/** "EOF (0 bytes)", "EIO", "5 bytes: \"exit\\r\"": a read's result in words. */
export function readText(r: { bytes: number | null; error: string | null; data: string | null }): string {
  if (r.error !== null || r.bytes === null) return r.error ?? 'an unknown error';
  if (r.bytes === 0) return 'EOF (0 bytes)';
  return `${r.bytes} byte${r.bytes === 1 ? '' : 's'}${r.data === null ? '' : `: ${JSON.stringify(r.data)}`}`;
}

/**
 * The children of a tree (workload tree) alive at the sever or started after it, each with its
 * fate: alive in the "after" snapshot; else what its own log says (an exit, or the fatal signal it
 * caught, with the sender); else its parent's wait status (the signal, no sender); else unknown.
 * `after` is the whole "after" snapshot: a child is found there by its pid and its command line.
 * `afterFromMono` is when that snapshot began: the log is read after it, so it holds children
 * forked while ps ran or later, which the snapshot cannot have seen; they are past the window and
 * left out (counted "unknown", one in a second of snapshot time turned a clean cell into a riddle).
 * `senderName` names a sender the child could not: bash sends its jobs SIGHUP and exits, and at load
 * 40 a child's handler read /proc/PID/comm after bash was gone (workloads Docker test, 2026-12-08);
 * the parent probe's sender is named the same way (run/watch.ts caughtSignal).
 */
export function treeChildren(
  log: readonly ProbeLogEntry[],
  t0Mono: number,
  after: readonly ProcessInfo[],
  afterFromMono = Infinity,
  senderName: (pid: number) => string | null = () => null,
): TreeProcess[] {
  const rel = (mono: number) => Math.round(mono - t0Mono);
  const firstSeen = new Map<number, number>();
  for (const l of log) if ((l.kind === 'spawned' || l.kind === 'child') && !firstSeen.has(l.pid)) firstSeen.set(l.pid, l.t);
  const pids = [...firstSeen].filter(([, t]) => t < afterFromMono).map(([pid]) => pid);
  return pids
    .map((pid): TreeProcess => {
      const own = log.flatMap(l => (l.kind === 'child' && l.pid === pid ? [l.entry] : []));
      const spawned = log.find(l => l.kind === 'spawned' && l.pid === pid);
      const reaped = log.find((l): l is Extract<ProbeLogEntry, { kind: 'reaped' }> => l.kind === 'reaped' && l.pid === pid);
      const started = own.find(l => l.kind === 'start') ?? spawned;
      const exit = own.find(l => l.kind === 'exit');
      const fatal = own.filter((l): l is Extract<ProbeLogEntry, { kind: 'sig' }> => l.kind === 'sig' && !NOT_FATAL_SIGNALS.includes(l.signal)).at(-1);
      const base = { pid, role: 'child' as const, startedMs: started ? rel(started.t) : null, endedMs: null, fate: 'unknown' as const, signal: null, senderPid: null, senderComm: null, code: null };
      // A child the snapshot caught between fork and exec still has its parent's command line, and
      // one inside execve an empty one, but the probe's name in both (CI, stop 24: such a child,
      // with "no line of its own", was counted unknown). The snapshot holds only this cell's
      // user's processes, so a live pid of that name is the tree's.
      if (after.some(p => p.pid === pid && p.state !== 'Z' && (p.args.includes('tree-child') || p.comm === PROBE_COMM))) {
        return { ...base, fate: 'alive', evidence: 'the "after" snapshot' };
      }
      if (exit) return { ...base, endedMs: rel(exit.t), fate: 'exited', evidence: 'its log' };
      if (fatal) {
        const { signal, senderPid, code } = fatal;
        const senderComm = fatal.senderComm ?? (senderPid ? senderName(senderPid) : null);
        return { ...base, endedMs: rel(fatal.t), fate: 'killed', signal, senderPid, senderComm, code, evidence: 'its log' };
      }
      if (reaped) {
        const how = reaped.signal ? { fate: 'killed' as const, signal: reaped.signal } : { fate: 'exited' as const };
        return { ...base, ...how, endedMs: rel(reaped.t), evidence: "its parent's wait status" };
      }
      return { ...base, evidence: 'none: no line of its own, and nobody reaped it' };
    })
    .filter(c => c.fate === 'alive' || c.endedMs === null || c.endedMs >= 0)
    .sort((a, b) => (a.startedMs ?? Infinity) - (b.startedMs ?? Infinity));
}
