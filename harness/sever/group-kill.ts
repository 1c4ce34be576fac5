import { killAsUser } from './signal.js';
import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'group-kill',
  summary: "SIGTERM sent to the probe's whole process group by its own user from another session (kill -TERM -- -PGID)",
  layer: 'process',
  detectors: ['signal'],
  // What shares the probe's group depends on the launch mode (a job of its own under an
  // interactive shell, the session's shell itself without job control, a group of its own after
  // setsid): the measurement is who else goes with it, which needs no live connection.
  needsLiveSession: false,
  endsSession: false,
  sendsSignal: 'SIGTERM',
  settleMs: 2000,
  // Its own probe's group, by the pgid the run read: the user's own kill.
  onOwnHost: { ok: true },
  supports: () => true,
  async apply(ctx) {
    await killAsUser(ctx, 'TERM', { pgid: ctx.probe.pgid });
  },
  async heal() {},
});
