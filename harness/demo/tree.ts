// The user's processes as a tree by parent pid, one line each: what a person would want to see to
// understand who can signal whom (session, process group, terminal) and who owns what (cgroup).
import { psStat, type ProcessInfo } from '../results.js';

export interface TreeMarks {
  probePid?: number | null;
  sshdSessionPid?: number | null;
}

/** /proc's tty_nr as a name: pseudo-terminals are majors 136–143 ("pts/7"); 0 is none. */
export function ttyName(ttyNr: number): string | null {
  if (!ttyNr) return null;
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  return major >= 136 && major <= 143 ? `pts/${(major - 136) * 256 + minor}` : `tty ${major}:${minor}`;
}

/** Whether a signal is in a SigIgn/SigCgt mask (hex, bit n-1 for signal n). */
export function inMask(mask: string, signal: number): boolean {
  try {
    return ((BigInt(`0x${mask || '0'}`) >> BigInt(signal - 1)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** A cgroup without the parts every process of the user shares: "session-7.scope", "user@1001.service/app.slice/x.service". */
export function shortCgroup(cgroup: string): string {
  return cgroup.replace(/^\/user\.slice\/user-\d+\.slice\//, '') || cgroup;
}

const MAX_ARGS = 64;

function label(p: ProcessInfo, marks: TreeMarks): string {
  const args = p.args.length > MAX_ARGS ? `${p.args.slice(0, MAX_ARGS - 1)}…` : p.args;
  const tty = ttyName(p.ttyNr);
  // The state as ps shows it (S+: sleeping, in its terminal's foreground group).
  const facts = [psStat(p) ?? p.state, `sid ${p.sid}`, `pgid ${p.pgid}`, tty ?? 'no tty', shortCgroup(p.cgroup)];
  const notes: string[] = [];
  if (p.pid === marks.probePid) notes.push(`◀ the probe${inMask(p.sigIgn, 1) ? ' (ignores SIGHUP)' : ''}`);
  if (p.pid === marks.sshdSessionPid) notes.push("◀ sshd's session process");
  if (p.comm === 'systemd' && p.pid !== 1) notes.push('◀ the user manager');
  return `${p.pid} ${p.comm}  ${args}  [${facts.join(', ')}]${notes.length ? `  ${notes.join(' ')}` : ''}`;
}

/**
 * Lines of a tree: roots are processes whose parent is not in the list (sshd's listener, PID 1),
 * children in pid order under their parent.
 */
export function processTree(procs: readonly ProcessInfo[], marks: TreeMarks = {}, indent = '    '): string[] {
  if (!procs.length) return [`${indent}(no processes of the user)`];
  const pids = new Set(procs.map(p => p.pid));
  const children = new Map<number, ProcessInfo[]>();
  for (const p of [...procs].sort((a, b) => a.pid - b.pid)) {
    const parent = pids.has(p.ppid) && p.ppid !== p.pid ? p.ppid : 0;
    children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  const out: string[] = [];
  const walk = (p: ProcessInfo, prefix: string, branch: string, seen: Set<number>) => {
    out.push(`${indent}${prefix}${branch}${label(p, marks)}`);
    if (seen.has(p.pid)) return; // a pid reused as its own ancestor: never loop
    seen.add(p.pid);
    const kids = children.get(p.pid) ?? [];
    const next = prefix + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1 ? '└─ ' : '├─ ', seen));
  };
  for (const root of children.get(0) ?? []) walk(root, '', '', new Set());
  return out;
}
