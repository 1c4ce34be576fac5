// Login users inside a target. One unprivileged user per cell: user@.service, linger, the tmux
// socket and screen's directory are per user, so cells side by side must not share one.
import { DeadlineError } from '../core/deadline.js';
import { InfrastructureError } from '../core/errors.js';
import { patientMs } from '../core/patience.js';
import type { Target } from './types.js';

type Shell = Pick<Target, 'exec' | 'sh'>;

/** Create `users` (those missing) with the run's key authorized, in one docker exec. */
export async function addUsers(target: Shell, targetName: string, users: string[], publicKey: string, o: { timeoutMs?: number } = {}): Promise<void> {
  const script = users
    .map(
      // Every try leaves every user of the batch whole, whoever created it: an earlier try of the
      // batch may still run beside this one (its docker exec went past its deadline under load), and
      // a user that try created may not have its prompt or key yet. Seen at load 15-20: logins to
      // such users got "Permission denied (publickey)" or a shell without the harness's prompt, three
      // tries in a row. So creation tolerates "already exists" (useradd exit 9), the prompt is added
      // unless it is there, the key is written, and the result is read back before the try counts.
      // The tries never interleave (the lock below): at load 20-27 one try's useradd had written
      // /etc/passwd but not yet made the home while another found the user and wrote into the home:
      // "cannot create /home/hl…/.bashrc: Directory nonexistent", three times, and the run stopped.
      u =>
        `{ id -u ${u} >/dev/null 2>&1 || useradd -m -s /bin/bash -G hangup-lab ${u} || [ $? = 9 ]; } && ` +
        `{ grep -qF '[hl-ready]' /home/${u}/.bashrc 2>/dev/null || cat /usr/local/lib/hangup-lab/bashrc-append >> /home/${u}/.bashrc; } && ` +
        `install -d -m 700 -o ${u} -g ${u} /home/${u}/.ssh && ` +
        `printf '%s\\n' "$KEY" > /home/${u}/.ssh/authorized_keys.$$ && chown ${u}:${u} /home/${u}/.ssh/authorized_keys.$$ && ` +
        `chmod 600 /home/${u}/.ssh/authorized_keys.$$ && mv -f /home/${u}/.ssh/authorized_keys.$$ /home/${u}/.ssh/authorized_keys && ` +
        `grep -qxF "$KEY" /home/${u}/.ssh/authorized_keys && grep -qF '[hl-ready]' /home/${u}/.bashrc && [ "$(stat -c %U /home/${u})" = ${u} ]`,
    )
    .join(' && ');
  // flock(1) is util-linux's, in every Debian; the lock is the container's own, in /run. Its wait
  // is bounded below the exec's deadline, so a try never queues for good behind a wedged one.
  const timeoutMs = o.timeoutMs ?? patientMs(USERS_QUIET_MS);
  const lockWaitS = Math.max(1, Math.floor((timeoutMs - 10_000) / 1000));
  const locked = `exec 9>${USERS_LOCK}; flock -w ${lockWaitS} 9 || { echo "another creation of login users held ${USERS_LOCK} for ${lockWaitS} s" >&2; exit 75; }`;
  let r;
  try {
    r = await target.exec(['env', `KEY=${publicKey}`, 'sh', '-c', `set -e; ${locked}; ${script}`], { timeoutMs });
  } catch (e) {
    if (!(e instanceof DeadlineError)) throw e;
    // Said with the try's failure: what was running then is the only clue to why (CI logs).
    throw new DeadlineError(`${e.message}; in the target then: ${await whatRuns(target)}`);
  }
  if (r.exitCode !== 0) throw new InfrastructureError(`target ${targetName}: creating login users failed: ${r.stderr || r.stdout}`);
}

/** One try's bound on a quiet machine (stretched with the load); it takes about 1 s there for 16 users. */
const USERS_QUIET_MS = 60_000;
const USERS_LOCK = '/run/hangup-lab-users.lock';

/** The processes of a user creation still running in the target, in one line (bounded, never throws). */
async function whatRuns(target: Shell): Promise<string> {
  const r = await target
    .sh(`ps -eo pid,stat,etimes,wchan:20,args --no-headers | grep -E '[u]seradd|[f]lock|[h]angup-lab-users' | cut -c1-160 | head -8`, { timeoutMs: 15_000 })
    .catch((e: Error) => ({ stdout: `(ps did not answer: ${e.message.split(':')[0]})` }));
  return r.stdout.trim().replace(/\s*\n\s*/g, ' | ') || 'no user creation process';
}

/** Root logs in with the run's key too (for cells of user `root`, in a container of their own). */
export async function authorizeRoot(target: Shell, targetName: string, publicKey: string): Promise<void> {
  const r = await target.exec([
    'env',
    `KEY=${publicKey}`,
    'sh',
    '-c',
    'set -e; install -d -m 700 /root/.ssh; printf "%s\\n" "$KEY" > /root/.ssh/authorized_keys; chmod 600 /root/.ssh/authorized_keys; ' +
      'cat /usr/local/lib/hangup-lab/bashrc-append >> /root/.bashrc',
  ]);
  if (r.exitCode !== 0) throw new InfrastructureError(`target ${targetName}: authorizing root failed: ${r.stderr || r.stdout}`);
}

/**
 * Per-login-user settings a cell asks for, applied before its session: linger (the user manager
 * runs without a session) and bash's huponexit (in ~/.bashrc, read by the interactive login shell).
 */
export async function prepareUser(target: Shell, user: string, o: { linger: boolean; huponexit: boolean }): Promise<void> {
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const steps = [
    o.linger ? `loginctl enable-linger ${user}` : '',
    // Idempotent: a retried setup prepares the user again (run/setup.ts).
    o.huponexit ? `{ grep -qxF 'shopt -s huponexit' ${home}/.bashrc || echo 'shopt -s huponexit' >> ${home}/.bashrc; }` : '',
  ].filter(Boolean);
  if (!steps.length) return;
  const r = await target.sh(steps.join(' && '));
  if (r.exitCode !== 0) throw new Error(`preparing ${user} (linger/huponexit) failed: ${(r.stderr || r.stdout).trim()}`);
}
