// What the probe's workload met, in words (results.json: probe.redirectedTo, reads, stops,
// stateAtEnd, tree): the one helper report.md and report.html use. Each is null when there is nothing
// to say, as for results written before these were recorded.
import { readText } from '../observe/probe-log.js';
import { describeSender } from '../observe/sender.js';
import type { CellResult, TreeProcess } from '../results.js';
import { offset } from './format.js';

/** "stdout and stderr redirected by the probe to /home/…/probe-output.log (they were /dev/pts/0)". */
export function redirectText(cell: CellResult): string | null {
  const to = cell.probe.redirectedTo;
  if (!to) return null;
  return `stdout and stderr redirected by the probe to ${to}${cell.probe.stdout ? ` (they were ${cell.probe.stdout})` : ''}`;
}

/** "reads of stdin (/dev/pts/0): EIO -1.20 s, EOF (0 bytes) +0.10 s"; a repeated EOF or error is logged once. */
export function readsText(cell: CellResult): string | null {
  const reads = cell.probe.reads;
  if (!reads?.length) return null;
  const from = cell.probe.stdin ? ` (${cell.probe.stdin})` : '';
  return `reads of stdin${from}: ${reads.map(r => `${readText(r)} ${offset(r.atMs)}`).join(', ')}`;
}

/** "stopped by SIGTTIN from the kernel (…) -2.90 s, continued +0.10 s"; null when it never stopped. */
export function stopsText(cell: CellResult): string | null {
  const stops = cell.probe.stops;
  if (!stops?.length) return null;
  const one = (s: NonNullable<typeof stops>[number]) => {
    const from = describeSender({ pid: s.senderPid, comm: s.senderComm, code: s.code, signal: s.signal }, cell.probe.pid);
    return `stopped by ${s.signal} from ${from} ${offset(s.atMs)}${s.resumedMs === null ? '' : `, continued ${offset(s.resumedMs)}`}`;
  };
  const text = stops.map(one).join('; ');
  return cell.probe.stateAtEnd?.startsWith('T') ? `${text}; still stopped (state ${cell.probe.stateAtEnd}) when the window closed` : text;
}

/** "killed by SIGHUP from bash (pid 120) resending SIGHUP to its jobs +0.01 s", "exited +0.90 s", "alive when the window closed". */
export function treeProcessText(p: TreeProcess): string {
  const at = p.endedMs === null ? '' : ` ${offset(p.endedMs)}`;
  switch (p.fate) {
    case 'alive':
      return 'alive when the window closed';
    case 'exited':
      return `exited${at}`;
    case 'killed': {
      const from = p.senderPid !== null || p.code !== null ? ` from ${describeSender({ pid: p.senderPid, comm: p.senderComm, code: p.code, signal: p.signal }, p.pid)}` : '';
      return `killed by ${p.signal ?? 'a signal'}${from}${at} (${p.evidence})`;
    }
    default:
      return `unknown (${p.evidence})`;
  }
}

/**
 * The tree's children (the parent is the cell itself) when one was killed or is unknown: each one
 * that did not simply exit, and how many did. Null when nothing happened to any (they exited after
 * their second, or lived on), or the workload started none.
 */
export function treeText(cell: CellResult): string | null {
  const children = cell.probe.tree?.filter(p => p.role === 'child') ?? [];
  if (!children.some(p => p.fate === 'killed' || p.fate === 'unknown')) return null;
  const told = children.filter(p => p.fate !== 'exited').map(p => `child ${p.pid} ${treeProcessText(p)}`);
  const exited = children.length - told.length;
  const rest = exited ? [exited === 1 ? '1 child exited by itself' : `${exited} children exited by themselves`] : [];
  return `tree: ${[...told, ...rest].join('; ')}`;
}
