import type { SeverContext } from './types.js';

/**
 * Send a signal as the login user, out of band, as if typed in another session of that user.
 * setpriv, not su/runuser: su goes through PAM and pam_systemd would open a logind session for
 * the user, which keeps user@.service alive and changes the very verdicts being measured. Dropping
 * from root to the user's uid also drops every capability, so kill(2)'s permission check is the one
 * the user would face. procps' /bin/kill (not a shell builtin) so the probe names the sender "kill".
 */
// Audit (issue 12): hangup and group-kill act only here, at apply(), through a `docker exec` started
// at the sever: the signal lands that exec's start-up late (up to seconds under load), never early;
// the probe's own log times the signal's arrival, so the verdict does not depend on the delay.
export async function killAsUser(ctx: SeverContext, signal: 'HUP' | 'TERM', target: { pid: number } | { pgid: number }): Promise<void> {
  const id = 'pid' in target ? target.pid : target.pgid;
  // kill(2) with -1 means every process the sender may signal, and 0 its own group: never that.
  if (!Number.isInteger(id) || id <= 1) throw new Error(`refusing to send SIG${signal} to ${'pid' in target ? 'pid' : 'process group'} ${id}`);
  // A target whose commands already run as the login user (a server of the user's own) needs no setpriv.
  const argv = ctx.target.runsAs === ctx.loginUser ? killArgv(null, signal, target) : killArgv(ctx.loginUser, signal, target);
  // The shell prints its pid and execs: that pid becomes setpriv, then kill, the signal's sender.
  // kill exits before the probe's handler can read /proc/<sender>/comm, so the sever names it.
  const r = await ctx.target.exec(['sh', '-c', 'echo $$; exec "$@"', 'sh', ...argv]);
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  const pid = Number(r.stdout.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) ctx.sentBy(pid, 'kill');
}

export function killArgv(user: string | null, signal: string, target: { pid: number } | { pgid: number }): string[] {
  const who = 'pid' in target ? String(target.pid) : `-${target.pgid}`;
  if (user === null) return ['/bin/kill', '-s', signal, '--', who];
  return ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', '/bin/kill', '-s', signal, '--', who];
}
