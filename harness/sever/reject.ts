import { armCut, CUT_MAX_SECONDS, fireCut, healCut } from './iptables.js';
import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'reject',
  summary: "iptables REJECT with a TCP reset of this one session's connection, both directions, as a firewall that kills a flow does",
  layer: 'tcp',
  // A reset only answers a packet: an idle end learns nothing until it sends something itself
  // (measured: sshd at its first ClientAlive probe, the client at its next write).
  detectors: ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write'],
  // iptables rules for this one connection, inside the target
  capabilities: ['NET_ADMIN'],
  silentBreak: { resets: true },
  needsLiveSession: true,
  endsSession: true,
  supports: session => (session.heldBy?.proto === 'udp' ? `a TCP reset cannot answer the UDP flow of ${session.heldBy.what}` : true),
  // Nothing reaches the connection before apply(): prepare() only starts the cutter agent, whose
  // iptables-restore waits for the rules; they go in at "go", and pathBrokeMs is when they had
  // (the sever's own delay: the line's trip through the engine, plus the commit).
  prepare: ctx => armCut(ctx, 'REJECT', CUT_MAX_SECONDS),
  async apply(ctx) {
    ctx.pathBroke((await fireCut(ctx)).atMono);
  },
  heal: healCut,
});
