import { monoMs } from '../session/ssh-client.js';
import { Cutter } from './cutter.js';
import { defineSeverMethod, type SeverContext, type SeverParam } from './types.js';

const PARAM: SeverParam = { meaning: 'NAT idle timeout in seconds', default: 10, min: 2, max: 3600 };
/** beyond the timeout itself: the agent's poll (50 ms), and slack for a flow idle only a bit after the sever */
const WINDOW_MARGIN_MS = 5000;
/** setting the timeout is a sysctl write and one conntrack call, forked ahead */
const SET_TIMEOUT_MS = 10_000;

interface FlowWatch {
  stop(): void;
  done: Promise<void>;
}

/**
 * Nothing is cut: the session already runs through a NAT router whose conntrack forgets an
 * established flow after `param` idle seconds, as a home router or a cloud NAT gateway does. From
 * then on the router drops the flow's packets both ways, silently, like drop, but at a moment set
 * by the traffic: any packet (the client's ServerAlive, sshd's ClientAlive and the client's reply,
 * a TCP keepalive, a chatty probe's output) refreshes the flow. A flow kept fresh that way never
 * expires: that is an outcome to report, not a failure.
 */
export default defineSeverMethod({
  name: 'nat-expiry',
  summary: 'the session runs through a NAT router that forgets an idle flow after N seconds; its packets are then dropped both ways',
  layer: 'middlebox',
  detectors: ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write'],
  param: PARAM,
  path: 'nat',
  // Any packet refreshes the flow: keepalives can keep it from ever expiring.
  silentBreak: { keptAliveByTraffic: true },
  needsLiveSession: true,
  endsSession: true,
  extraWindowMs: param => (param ?? PARAM.default) * 1000 + WINDOW_MARGIN_MS,
  // The router forwards the ssh connection; a session held over another flow (mosh's UDP) would not reach it.
  supports: session => (session.heldBy ? `the NAT router forwards only the ssh connection, and the session is held by ${session.heldBy.what}` : true),
  // Audit (issue 12): the router is on the path from the login on, but until apply() it forgets
  // nothing a login could lose (the kernel's 5-day default); apply() sets the NAT's timeout, for the
  // namespace and for the flow's running timer, through an agent armed in prepare(), so that it
  // counts from the sever and not from a `docker exec` seconds later. Each cell has a router of
  // its own (run/servers.ts): the setting is namespace-wide.
  async prepare(ctx) {
    const { router } = ctx;
    if (!router) throw new Error('nat-expiry needs the session routed through a NAT router, and this cell has none');
    const timeoutS = ctx.param ?? PARAM.default;
    if (router.idleTimeoutS !== timeoutS) throw new Error(`the NAT router forgets flows after ${router.idleTimeoutS} s, but the sever asked for ${timeoutS} s`);
    const local = ctx.session.client.localEndpoint(22);
    if (!local) throw new Error("could not find the ssh client's TCP endpoint in /proc");
    // The flow must be there now, or its disappearance later would mean nothing.
    if (!(await router.hasFlow(local.port))) throw new Error(`the NAT router has no flow from client port ${local.port}: the session does not go through it`);
    ctx.state.clientPort = local.port;
    ctx.state.cutter = await Cutter.start(cmd => router.spawnExec(cmd), router.ip, router.expiryPlan(local), timeoutS + 3600);
  },
  async apply(ctx) {
    const cutter = ctx.state.cutter as Cutter | undefined;
    if (!cutter) throw new Error('the NAT timeout was not armed before the sever (a bug: prepare() did not run)');
    const timeoutS = ctx.param ?? PARAM.default;
    cutter.fire();
    const set = await cutter.did(SET_TIMEOUT_MS);
    // conntrack exits 0 having updated nothing when the flow is already gone: then nothing would expire.
    const updated = /(\d+) flow entr/.exec(set.out);
    if (updated && Number(updated[1]) === 0) throw new Error(`the NAT router had no flow from client port ${String(ctx.state.clientPort)} to set the timeout of`);
    ctx.mark(`the NAT router's idle timeout became ${timeoutS} s (+${Math.round(set.atMono - (monoMs() - ctx.sinceSever()))} ms)`);
    // Watch in the background: apply() returns at once, so the runner watches the session as for
    // any other sever while the flow ages; heal() stops the watch.
    ctx.state.flowWatch = watchFlow(ctx, cutter, ctx.state.clientPort as number);
  },
  async heal(ctx) {
    const watch = ctx.state.flowWatch as FlowWatch | undefined;
    watch?.stop();
    await (ctx.state.cutter as Cutter | undefined)?.close();
    await watch?.done;
  },
});

/**
 * The agent polls the router's conntrack table every 50 ms, inside the router: a `docker exec` per
 * read (0.1 s unloaded, seconds under load) made the moment the flow was forgotten that late.
 */
function watchFlow(ctx: SeverContext, cutter: Cutter, clientPort: number): FlowWatch {
  let stopped = false;
  const line = ctx.router!.flowLine(clientPort);
  cutter.watchAbsent(line.file, line.pattern);
  const done = (async () => {
    let gone: number | null;
    try {
      gone = await cutter.absent(2 ** 31 - 1);
    } catch (e) {
      // Not retried: a gap in the observation would make the moment it reports a guess.
      if (!stopped) ctx.check({ name: 'nat-flow-watch', ok: null, detail: `reading the router's conntrack table failed (${(e as Error).message}); when the flow was forgotten is unknown` });
      return;
    }
    // heal() may have closed the agent: then the cell is over.
    if (stopped || gone === null) return;
    ctx.pathBroke(gone);
    ctx.mark('the NAT router forgot the flow');
  })();
  return { stop: () => (stopped = true), done };
}
