import { killAsUser } from './signal.js';
import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'hangup',
  summary: "SIGHUP sent to the probe by its own user from another session (kill -HUP PID): the connection stays up",
  layer: 'process',
  detectors: ['signal'],
  // The question is what SIGHUP itself does to each launch mode (nohup ignores it, a handler may
  // not): that needs no connection, and a probe left behind by an ended exec session can still be
  // asked.
  needsLiveSession: false,
  endsSession: false,
  sendsSignal: 'SIGHUP',
  settleMs: 2000,
  // Its own probe, by the pid the run read: the user's own kill.
  onOwnHost: { ok: true },
  supports: () => true,
  async apply(ctx) {
    await killAsUser(ctx, 'HUP', { pid: ctx.probe.pid });
  },
  async heal() {},
});
