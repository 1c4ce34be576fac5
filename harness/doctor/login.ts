// Can a run log in here? One real target started the way a run starts it (run/servers.ts), a key
// made the way a run makes it (run/run-key.ts), one login as a cell's user with the run's own
// client options (session "exec", so SshClient's options plus -T), running `true`. A run whose
// logins all fail wastes minutes on inconclusive cells; this says so in seconds, with the fix.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expand } from '../matrix/expand.js';
import { ROOT } from '../core/paths.js';
import type { Cell } from '../results.js';
import { loginUser } from '../run/plan.js';
import { makeRunDir } from '../core/cleanup.js';
import { withDeadline } from '../core/deadline.js';
import { makeRunKey } from '../run/run-key.js';
import { needsOwnServer, ServerPool, serverKey } from '../run/servers.js';
import { loadScenario } from '../scenario/load.js';
import { oneCommandKind } from '../session/registry.js';
import { imageTag } from '../target/image.js';
import { targetSpec } from '../target/targets.js';
import { missing, ok, warn, type Check } from './check.js';

export const LOGIN_CHECK = 'login with the run key';

/** The scenario whose first ordinary cell the check logs in as: what `npm start` runs. */
export const DEFAULT_SCENARIO = path.join(ROOT, 'scenarios', 'default.yaml');

/** ConnectTimeout is 15 s; `true` itself returns at once. The rest is a loaded machine's login. */
const LOGIN_TIMEOUT_MS = 60_000;

export type LoginOutcome =
  | { kind: 'logged-in'; target: string; client: string; server: string; ms: number }
  /** the target image is not built yet: doctor never builds one (a run does, ≈1–2 min) */
  | { kind: 'no-image'; target: string; image: string }
  /** the container, the key or the login user could not be made: the harness's own message */
  | { kind: 'setup-failed'; target: string; error: string }
  | { kind: 'refused'; target: string; client: string; server: string; exitCode: number | null; lastLine: string };

/** "OpenSSH_9.2p1" from `ssh -V`'s "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 …". */
export function opensshRelease(version: string): string {
  return version.trim().split(/[\s,]/)[0] || version.trim() || '?';
}

/** What to do about a refused login, from the client's last line. */
export function loginFix(lastLine: string): string {
  if (/error in libcrypto|Load key|invalid format/i.test(lastLine)) {
    return 'the client cannot load the run key it was given; check that ssh-keygen -y -f on a key made by ssh-keygen -t ed25519 works with this OpenSSH, and report it with ssh -V';
  }
  if (/Permission denied/i.test(lastLine)) {
    return "sshd refused the run's key for the cell's user (the harness wrote its authorized_keys); report it with this line and ssh -V";
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(lastLine)) {
    return "the target's host key differs from the one read from inside it; report it with this line";
  }
  if (/Connection refused|Connection timed out|No route to host|Network is unreachable|timed out during banner exchange/i.test(lastLine)) {
    return "this host must reach a container's bridge address directly (runs bypass docker-proxy): check that the docker0 bridge is up and that iptables lets this host reach it";
  }
  if (/not responding|Broken pipe|Connection reset|still running after/i.test(lastLine)) {
    return 'the login was cut short, most likely by a machine too loaded to answer in time (see uptime); run doctor again when it is quieter';
  }
  return 'report it with this line and the output of ssh -V';
}

export function loginCheck(o: LoginOutcome): Check {
  const name = LOGIN_CHECK;
  switch (o.kind) {
    case 'logged-in':
      return ok(name, `${o.target}: ${opensshRelease(o.client)} (this host) logged in to ${opensshRelease(o.server)} (target) with the run's key and options, ran true (${(o.ms / 1000).toFixed(1)} s)`);
    case 'no-image':
      return warn(name, `unchecked: image ${o.image} of ${o.target} is not built yet (doctor builds nothing)`, `the first run builds it; run doctor again after it`);
    case 'setup-failed':
      return missing(name, `${o.target}: no login attempted: ${o.error.split('\n')[0]}`, 'see the message; the other checks above say which part of this machine is missing');
    case 'refused':
      return missing(
        name,
        `${o.target}: ${opensshRelease(o.client)} (this host) → ${opensshRelease(o.server)} (target): ssh exited ${o.exitCode ?? 'on a signal'}; its last line: ${JSON.stringify(o.lastLine)}`,
        loginFix(o.lastLine),
      );
  }
}

/** The first cell of the default scenario that runs on a shared container, as most cells do. */
export function loginCell(cells: readonly Cell[]): Cell | undefined {
  return cells.find(c => !needsOwnServer(c)) ?? cells[0];
}

/**
 * Start a target like a run, log in once, remove everything it made (container, temp dir with
 * the key) whatever happens. Never throws: what goes wrong is the outcome.
 */
export async function tryLogin(localImages: readonly string[], clientVersion: string): Promise<LoginOutcome> {
  let target = '?';
  try {
    const scenario = loadScenario(DEFAULT_SCENARIO);
    const cell = loginCell(expand(scenario.blocks));
    if (!cell) return { kind: 'setup-failed', target, error: `${DEFAULT_SCENARIO} has no cells` };
    target = cell.target;
    const image = imageTag(targetSpec(cell.target));
    if (!localImages.includes(image)) return { kind: 'no-image', target, image };

    const runId = randomBytes(4).toString('hex');
    const { dir, remove } = makeRunDir(runId);
    try {
      const { keyFile, publicKey } = await makeRunKey(dir, runId);
      const servers = new ServerPool(
        {
          runId,
          tmp: dir,
          keyFile,
          publicKey,
          sshdExtra: scenario.sshdExtra,
          logindExtra: scenario.logindExtra,
          sshdConfig: scenario.sshdConfig,
          scenarioFile: scenario.file,
          clientVersion,
          say: () => {},
          elapsed: () => 0,
        },
        [cell],
      );
      const lease = await servers.acquire(cell);
      try {
        const server = (await servers.fingerprints.get(serverKey(cell)))?.serverVersion ?? '?';
        const t0 = performance.now();
        const session = await oneCommandKind().start({ ...lease.endpoint, user: loginUser(cell), serverAlive: cell.serverAlive }, 'true', false);
        const exit = await withDeadline(session.client.exited, LOGIN_TIMEOUT_MS, () => 'no answer').catch(() => null);
        const lastLine = session.client.lastLines(1)[0] ?? '';
        if (!exit) {
          session.client.kill('SIGKILL');
          return { kind: 'refused', target, client: clientVersion, server, exitCode: null, lastLine: `(still running after ${LOGIN_TIMEOUT_MS / 1000} s) ${lastLine}`.trim() };
        }
        if (exit.exitCode === 0) return { kind: 'logged-in', target, client: clientVersion, server, ms: performance.now() - t0 };
        return { kind: 'refused', target, client: clientVersion, server, exitCode: exit.exitCode, lastLine: lastLine || '(it printed nothing)' };
      } finally {
        await lease.release();
      }
    } finally {
      await remove();
    }
  } catch (e) {
    return { kind: 'setup-failed', target, error: (e as Error).message };
  }
}
