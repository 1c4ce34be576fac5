// Who sent a cell's fatal signal, in words: the one helper every report uses (observe/sender.ts
// holds the wording), so report.md, report.html and the terminal read the same.
import { describeSender } from '../observe/sender.js';
import type { CellResult } from '../results.js';

/**
 * The unit or scope the probe was in when the fatal signal arrived (systemd kills by cgroup, so
 * this is what tells a session scope's stop from a user manager's), else where it was at start.
 */
export function fatalCgroup(cell: CellResult): string | null {
  const caught = cell.probe.signalsCaught.filter(s => s.signal === cell.signal).at(-1);
  return caught?.cgroup ?? cell.probe.cgroup;
}

/** "bash (pid 173) resending SIGHUP to its jobs", or null when no sender was recorded. */
export function senderText(cell: CellResult): string | null {
  if (!cell.signalSender) return null;
  return describeSender({ ...cell.signalSender, signal: cell.signal, cgroup: fatalCgroup(cell) }, cell.probe.pid);
}
