import { cutConnection, restoreConnection } from './iptables.js';
import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'drop',
  summary: "iptables DROP of this one session's connection, both directions: packets vanish, no FIN, no RST",
  layer: 'tcp',
  // Nothing tells either end: only a probe that expects an answer (a keepalive of either side) or
  // data that is never acknowledged can find out.
  detectors: ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write'],
  // iptables rules for this one connection, inside the target
  capabilities: ['NET_ADMIN'],
  needsLiveSession: true,
  endsSession: true,
  supports: () => true,
  async apply(ctx) {
    ctx.pathBroke(await cutConnection(ctx, 'DROP'));
  },
  heal: restoreConnection,
});
