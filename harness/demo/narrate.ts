// The words of a live demo: one function per moment, each returning lines, so the command only
// prints and the tests read text. Times are seconds after the sever, as the results carry them.
import type { AxisName, CellResult, TargetFingerprint } from '../results.js';
import type { NarrationEvent } from '../run/cell.js';
import { sessionKindOf } from '../session/registry.js';
import { processTree } from './tree.js';
import { explain } from './why.js';
import { wrap } from '../core/text.js';

type Cell = Omit<CellResult, 'expectations' | 'timing'>;

/** "+0.054 s" (after the sever), "-0.300 s" (before), aligned. */
export function stamp(atMs: number): string {
  const s = `${atMs < 0 ? '-' : '+'}${(Math.abs(atMs) / 1000).toFixed(3)} s`;
  return `[${s.padStart(9)}]`;
}

const BLANK = ' '.repeat(stamp(0).length);

export interface Summaries {
  session: string;
  launch: string;
  workload: string;
}

/** What is about to run: the cell's axes in words. */
export function introLines(c: Record<AxisName, string> & { id?: string }, s: Summaries): string[] {
  return [
    `hangup-lab demo: one cell on ${c.target}, measured live${c.id ? ` (cell ${c.id})` : ''}`,
    `  session  ${c.session}: ${s.session}`,
    `  launch   ${c.launch}: ${s.launch}`,
    `  probe    ${c.workload}: ${s.workload}; logs every signal it catches, with the sender`,
    `  login    ${c.user === 'root' ? 'root' : 'an unprivileged user of its own'}; sever ${c.sever}`,
    `  server   ClientAlive ${c.clientAlive}, TCPKeepAlive ${c.tcpKeepAlive}, kernel ${c.kernel}, KillUserProcesses ${c.killUserProcesses}, linger ${c.linger}, huponexit ${c.huponexit}`,
    `  client   ServerAlive ${c.serverAlive}`,
    '',
  ];
}

/** Remembers what earlier events said (the probe's pid, sshd's) so later lines can name them. */
export class Narration {
  private probePid: number | null = null;
  private sshdPid: number | null = null;

  lines(e: NarrationEvent): string[] {
    switch (e.kind) {
      case 'session-opened': {
        // A session with a shell has the line typed into it; any other runs it as its command.
        const typed = sessionKindOf(e.session)?.shell === true;
        const how = typed ? `typed into the login shell: ${e.line}` : `ran as the command: ssh … '${e.line}'`;
        return [`${BLANK} session  opened (${e.session}) as ${e.loginUser}; ${how}`];
      }
      case 'probe-started':
        this.probePid = e.probePid;
        this.sshdPid = e.sshdSession?.pid ?? null;
        return [
          `${BLANK} probe    running as pid ${e.probePid}${e.sshdSession ? `, under sshd's session process ${e.sshdSession.pid} (${e.sshdSession.name})` : ', and sshd has already ended the session'}`,
          `${BLANK} before   the user's processes (tree by parent pid):`,
          ...processTree(e.before, { probePid: this.probePid, sshdSessionPid: this.sshdPid }, `${BLANK}   `),
        ];
      case 'severed':
        return ['', `${stamp(0)} SEVER    ${e.sever} (${e.layer} layer): ${e.summary}`];
      case 'server-noticed':
        return [`${stamp(e.atMs)} server   sshd's session process ${e.pid} is gone: sshd noticed and ended the session`];
      case 'client-exited': {
        const how = e.signal ? `killed by ${e.signal}` : `exit code ${e.exitCode}`;
        return [`${stamp(e.atMs)} client   the local ssh client exited (${how})${e.lastLine ? `; its last line: "${e.lastLine}"` : ''}`];
      }
      case 'signal-caught':
        // SIGCONT is logged without a sender; it only resumes a stopped process and never kills.
        if (e.caught.signal === 'SIGCONT' && e.caught.senderPid === null && e.caught.code === null) {
          return [`${stamp(e.caught.atMs)} probe    caught SIGCONT (never fatal: it only resumes a stopped process)`];
        }
        return [
          `${stamp(e.caught.atMs)} probe    caught ${e.caught.signal} from ${e.sender}` +
            `${e.caught.code !== null ? ` (si_code ${e.caught.code})` : ''}${e.caught.cgroup ? `, while in ${e.caught.cgroup}` : ''}`,
        ];
      case 'write-failed':
        return [`${stamp(e.atMs)} probe    a write to its stdout failed: ${e.error}${e.error === 'EIO' ? ' (the terminal was hung up)' : e.error === 'EPIPE' ? ' (nobody reads the pipe any more)' : ''}`];
      case 'user-manager-stopped':
        return [`${stamp(e.atMs)} systemd  the user manager (systemd --user, pid ${e.pid}) exited`];
      case 'probe-died':
        return [`${stamp(e.atMs)} probe    DIED (pid ${this.probePid ?? '?'} is gone)`];
      case 'window-closed':
        return [
          `${stamp(e.watchedMs)} window   closed: ${e.endedBecause}`,
          `${BLANK} after    the user's processes when the window closed:`,
          ...processTree(e.after, { probePid: this.probePid, sshdSessionPid: this.sshdPid }, `${BLANK}   `),
        ];
    }
  }
}

/** The verdict, then the paragraph that explains it. */
export function endingLines(c: Cell, fingerprint: TargetFingerprint | null): string[] {
  const why = explain(c, fingerprint?.serverVersion ?? null);
  // The reason already says when and by whom.
  const head = c.verdict === 'killed' ? `KILLED by ${c.signal}` : c.verdict.toUpperCase();
  return ['', `Verdict: ${head}: ${c.reason}`, '', `Why (${why.mechanisms.join('; ')}):`, ...wrap(why.text, 100).map(l => `  ${l}`)];
}

