import { setTimeout as sleepMs } from 'node:timers/promises';
import { defineSeverMethod, type SeverContext, type SeverParam } from './types.js';

const PARAM: SeverParam = { meaning: 'NAT idle timeout in seconds', default: 10, min: 2, max: 3600 };
/** The moment the flow is forgotten is known to within this plus one `docker exec` (~0.1 s). */
const POLL_INTERVAL_MS = 200;
/** beyond the timeout itself: the poll's lateness, and slack for a flow idle only a bit after the sever */
const WINDOW_MARGIN_MS = 5000;

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
  needsLiveSession: true,
  endsSession: true,
  extraWindowMs: param => (param ?? PARAM.default) * 1000 + WINDOW_MARGIN_MS,
  supports: () => true,
  async apply(ctx) {
    const { router } = ctx;
    if (!router) throw new Error('nat-expiry needs the session routed through a NAT router, and this cell has none');
    const timeoutS = ctx.param ?? PARAM.default;
    if (router.idleTimeoutS !== timeoutS) throw new Error(`the NAT router forgets flows after ${router.idleTimeoutS} s, but the sever asked for ${timeoutS} s`);
    const local = ctx.session.client.localEndpoint(22);
    if (!local) throw new Error("could not find the ssh client's TCP endpoint in /proc");
    // The flow must be there now, or its disappearance later would mean nothing.
    if (!(await router.hasFlow(local.port))) throw new Error(`the NAT router has no flow from client port ${local.port}: the session does not go through it`);
    // Watch in the background: apply() returns at once, so the runner watches the session as for
    // any other sever while the flow ages; heal() stops the watch.
    ctx.state.flowWatch = watchFlow(ctx, local.port);
  },
  async heal(ctx) {
    const watch = ctx.state.flowWatch as FlowWatch | undefined;
    if (!watch) return;
    watch.stop();
    await watch.done;
  },
});

function watchFlow(ctx: SeverContext, clientPort: number): FlowWatch {
  const router = ctx.router!;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      await sleepMs(POLL_INTERVAL_MS);
      if (stopped) return;
      let present: boolean;
      try {
        present = await router.hasFlow(clientPort);
      } catch (e) {
        // Not retried: a gap in the observation would make the moment it reports a guess.
        if (!stopped) ctx.check({ name: 'nat-flow-watch', ok: null, detail: `reading the router's conntrack table failed (${(e as Error).message}); when the flow was forgotten is unknown` });
        return;
      }
      // heal() may have run while the table was being read: then the cell is over.
      if (stopped) return;
      if (!present) {
        ctx.pathBroke();
        ctx.mark('the NAT router forgot the flow');
        return;
      }
    }
  })();
  return { stop: () => (stopped = true), done };
}
