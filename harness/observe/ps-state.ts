// A process's state as `ps` prints it in its STAT column, computed from the snapshot's fields, so
// a claim about what `ps` shows ("S+") is judged from what the kernel said, not from a ps inside
// the target (which would be one more process in the user's tree).
import type { ProcessInfo } from '../results.js';

/**
 * The STAT column's letters that the snapshot can tell: the kernel's state letter, `s` when the
 * process leads its session, `+` when its process group is its terminal's foreground group. That
 * is procps' own rule (ps/output.c, pr_stat: pgrp == tpgid; a process without a terminal has tpgid
 * -1 and never gets the `+`). The letters for nice (`<`, `N`), locked pages (`L`) and threads (`l`)
 * are not in the snapshot and are left out. Null when the snapshot has no tpgid (results written
 * before it was recorded): the `+` cannot be told then.
 */
export function psStat(p: Pick<ProcessInfo, 'pid' | 'pgid' | 'sid' | 'state'> & { tpgid?: number | undefined }): string | null {
  if (p.tpgid === undefined) return null;
  return `${p.state}${p.sid === p.pid ? 's' : ''}${p.tpgid > 0 && p.pgid === p.tpgid ? '+' : ''}`;
}
