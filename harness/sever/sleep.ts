import { setTimeout as sleepMs } from 'node:timers/promises';
import { monoMs } from '../session/ssh-client.js';
import { exitWithin, sessionUsable } from './ask.js';
import type { Cutter } from './cutter.js';
import { armCut, fireCut, healCut } from './iptables.js';
import { defineSeverMethod, type SeverContext, type SeverParam } from './types.js';

const PARAM: SeverParam = { meaning: 'seconds asleep', default: 20, min: 1, max: 600 };
/** a resumed client that writes at once (its ServerAlive is overdue) is answered within this */
const RESUME_MIN_WATCH_MS = 3000;
/** bounds the wait for the client's own ServerAlive verdict, so extraWindowMs can cover it */
const RESUME_MAX_WATCH_MS = 20_000;
const ROUND_TRIP_TIMEOUT_MS = 3000;
/**
 * The agent lifts the cut this long before the client thaws: on a real resume the network device
 * is back before the tasks thaw. It turns the rules' switch off (one write to /proc, see armCut),
 * so the uncut itself takes microseconds once the agent runs. The client thaws only once the agent
 * has said so, so the lead only shortens that wait.
 */
export const UNCUT_LEAD_MS = 10;
/** How far the real nap (frozen, or cut) may be from the asked one before the nap-length check fails. */
export const NAP_TOLERANCE_MS = 100;
/** How late the agent's word that the cut is lifted may come before the harness lifts it itself. */
const UNCUT_LATE_MS = 5000;

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
  silentBreak: { freezesClient: true },
  needsLiveSession: true,
  endsSession: true,
  extraWindowMs: param => (param ?? PARAM.default) * 1000 + RESUME_MAX_WATCH_MS + ROUND_TRIP_TIMEOUT_MS + 2000,
  supports: () => true,
  // Nothing reaches the connection before apply(): prepare() only starts the cutter agent, whose
  // iptables-restore waits for the rules. The client is frozen and the rules go in at "go".
  prepare: ctx => armCut(ctx, 'DROP', (ctx.param ?? PARAM.default) + 3600),
  async apply(ctx) {
    const { client } = ctx.session;
    const askedMs = (ctx.param ?? PARAM.default) * 1000;
    // Freeze before cutting: a suspend freezes tasks first and then suspends the network device,
    // so the client never sees its own packets vanish while it runs. The harness freezes and thaws
    // the client itself (a local kill is exact); the agent inside the target cuts at "go" and
    // lifts the cut at its deadline by itself, so no `docker exec` (0.8-4.3 s under load) lies
    // between the instants and the nap lasts what was asked (measured before: sleep:2 froze the
    // client 3.3-4.9 s under load, and that changed an outcome).
    const frozenAt = monoMs();
    client.kill('SIGSTOP');
    ctx.mark('client frozen (SIGSTOP)');
    const wakeAt = frozenAt + askedMs;
    // Only now does the server stop getting answers (until here the client's kernel still ACKed):
    // detection latencies count from here, as for drop.
    const cut = await fireCut(ctx, wakeAt - UNCUT_LEAD_MS);
    ctx.pathBroke(cut.atMono);
    await sleepMs(Math.max(0, wakeAt - monoMs()));
    // And in reverse on resume: the device is back before the tasks thaw. The agent's word is
    // normally there already; if it is late, the client stays frozen until the path is back.
    const uncutAt = await uncutMoment(ctx, wakeAt - UNCUT_LEAD_MS);
    client.kill('SIGCONT');
    const thawedAt = monoMs();
    ctx.mark('client resumed');
    ctx.check({ name: 'nap-length', ...napLength({ askedMs, frozenAt, thawedAt, cutAt: cut.atMono, uncutAt }) });
    await exitWithin(client, resumeWatchMs(ctx.cell.serverAlive));
    ctx.check({ name: 'nap', ...(await sessionUsable(ctx, ROUND_TRIP_TIMEOUT_MS, 'after the nap')) });
  },
  async heal(ctx) {
    // SIGCONT to a running or exited client is harmless, so heal may run at any point, twice.
    ctx.session.client.kill('SIGCONT');
    await healCut(ctx);
  },
});

/** When the cut was lifted: the agent's own clock, or (agent silent) after lifting it from here. */
async function uncutMoment(ctx: SeverContext, deadline: number): Promise<number | null> {
  const uncut = await (ctx.state.cutter as Cutter).undid(UNCUT_LATE_MS);
  if (uncut) {
    // Its own delay, as for the cut (fireCut): a late agent is what makes a nap too long.
    ctx.mark(`the cutter agent lifted the cut ${Math.round(uncut.fromMono - deadline)} ms after its deadline, in ${Math.round(uncut.atMono - uncut.fromMono)} ms`);
    return uncut.atMono;
  }
  await healCut(ctx);
  return null;
}

export interface NapTimes {
  askedMs: number;
  /** SIGSTOP and SIGCONT, on the harness's monotonic clock */
  frozenAt: number;
  thawedAt: number;
  /** the cut and its lifting, on the target's (the same clock); null: the agent never said */
  cutAt: number;
  uncutAt: number | null;
}

/**
 * The real nap against the asked one: how long the client was frozen, how long the path was cut,
 * and by how much the network came back before the client thawed (as on a real resume). Outside
 * NAP_TOLERANCE_MS the nap was not the one asked for, and the check says by how much.
 */
export function napLength(n: NapTimes): { ok: boolean; detail: string } {
  const frozenMs = Math.round(n.thawedAt - n.frozenAt);
  const cutMs = n.uncutAt === null ? null : Math.round(n.uncutAt - n.cutAt);
  const leadMs = n.uncutAt === null ? null : Math.round(n.thawedAt - n.uncutAt);
  const within = (ms: number | null) => ms !== null && Math.abs(ms - n.askedMs) <= NAP_TOLERANCE_MS;
  const ok = within(frozenMs) && within(cutMs) && leadMs !== null && leadMs >= 0;
  const cut = cutMs === null ? 'the path cut until the harness lifted it (the agent did not say when)' : `the path cut ${cutMs} ms`;
  const lead = leadMs === null ? '' : leadMs >= 0 ? `, back ${leadMs} ms before the client thawed` : `, back ${-leadMs} ms after the client thawed`;
  return { ok, detail: `asked ${n.askedMs} ms: the client frozen ${frozenMs} ms, ${cut}${lead} (cut +${Math.round(n.cutAt - n.frozenAt)} ms after the freeze)` };
}
