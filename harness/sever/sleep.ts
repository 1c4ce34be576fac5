import { setTimeout as sleepMs } from 'node:timers/promises';
import { monoMs } from '../session/ssh-client.js';
import { exitWithin, sessionUsable } from './ask.js';
import { cutConnection, restoreConnection } from './iptables.js';
import { defineSeverMethod, type SeverParam } from './types.js';

const PARAM: SeverParam = { meaning: 'seconds asleep', default: 20, min: 1, max: 600 };
/** a resumed client that writes at once (its ServerAlive is overdue) is answered within this */
const RESUME_MIN_WATCH_MS = 3000;
/** bounds the wait for the client's own ServerAlive verdict, so extraWindowMs can cover it */
const RESUME_MAX_WATCH_MS = 20_000;
const ROUND_TRIP_TIMEOUT_MS = 3000;

/**
 * How long to let a resumed client speak for itself before typing anything: long enough for its
 * ServerAlive to give up ("Timeout, server not responding"): (CountMax + 1) × Interval, + 2 s.
 */
export function resumeWatchMs(serverAlive: string): number {
  const m = /^(\d+)\/(\d+)$/.exec(serverAlive);
  const budgetMs = m ? Number(m[1]) * (Number(m[2]) + 1) * 1000 + 2000 : 0;
  return Math.min(RESUME_MAX_WATCH_MS, Math.max(RESUME_MIN_WATCH_MS, budgetMs));
}

/**
 * A laptop suspend: the ssh client is frozen (SIGSTOP) and no packet passes either way (DROP of
 * the 4-tuple in the target) for `param` seconds; then both are undone and the client resumes.
 *
 * `docker pause` of the server, or SIGSTOP alone, is not a suspend: a frozen process's kernel keeps
 * ACKing, so the peer never misses anything. Here, as after a real suspend, the server sees
 * silence and the client's clock has moved on (OpenSSH times ServerAlive with CLOCK_BOOTTIME,
 * which counts suspended time too, so the client finds its probe overdue on resume either way).
 *
 * What differs from a real suspend: the client's kernel stays awake but sees no packets. It keeps
 * retransmitting unacknowledged data and running its own TCP timers during the nap (a suspended
 * kernel's TCP timers stand still), so after a long nap with unacknowledged data the client's
 * kernel may give up on its own (tcp_retries2) where a suspended one would not. And the client's
 * network comes back unchanged: a real resume may bring a new address, a new Wi-Fi or a NAT that
 * forgot the flow, which ends the connection regardless.
 */
export default defineSeverMethod({
  name: 'sleep',
  summary: 'a laptop suspend: the ssh client is SIGSTOPped and no packets pass either way for N seconds, then it resumes',
  layer: 'tcp',
  // While asleep only the server can notice (its ClientAlive, its kernel's keepalive); on resume
  // the client notices through its own ServerAlive or its next write (a reset if sshd gave up).
  // Measured too: a client that writes nothing learns it from the FIN that sshd sent while the
  // client slept, when the server's kernel retransmits it after the resume (seconds later).
  detectors: ['sshd-clientalive', 'tcp-keepalive', 'client-serveralive', 'write'],
  param: PARAM,
  // iptables rules for this one connection, inside the target
  capabilities: ['NET_ADMIN'],
  needsLiveSession: true,
  endsSession: true,
  extraWindowMs: param => (param ?? PARAM.default) * 1000 + RESUME_MAX_WATCH_MS + ROUND_TRIP_TIMEOUT_MS + 2000,
  supports: () => true,
  async apply(ctx) {
    const { client } = ctx.session;
    const wakeAt = monoMs() + (ctx.param ?? PARAM.default) * 1000;
    // Freeze before cutting: a suspend freezes tasks first and then suspends the network device,
    // so the client never sees its own packets vanish while it runs.
    client.kill('SIGSTOP');
    // Only now does the server stop getting answers (until here the client's kernel still ACKed):
    // detection latencies count from here, as for drop.
    ctx.pathBroke(await cutConnection(ctx, 'DROP'));
    await sleepMs(Math.max(0, wakeAt - monoMs()));
    // And in reverse on resume: the device is back before the tasks thaw.
    await restoreConnection(ctx);
    client.kill('SIGCONT');
    ctx.mark('client resumed');
    await exitWithin(client, resumeWatchMs(ctx.cell.serverAlive));
    ctx.check({ name: 'nap', ...(await sessionUsable(ctx, ROUND_TRIP_TIMEOUT_MS, 'after the nap')) });
  },
  async heal(ctx) {
    // SIGCONT to a running or exited client is harmless, so heal may run at any point, twice.
    ctx.session.client.kill('SIGCONT');
    await restoreConnection(ctx);
  },
});
