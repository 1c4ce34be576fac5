import { armCut, CUT_MAX_SECONDS, fireCut, healCut } from './iptables.js';
import { applyLocalCut, healLocalCut } from './local-cut.js';
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
  // On a server of the user's own the rules go in this machine's firewall, for this one
  // connection: only when the user allows it (run --host --allow-local-firewall).
  onOwnHost: { ok: true, needsFlag: 'allow-local-firewall' },
  supports: session => (session.heldBy?.proto === 'udp' ? `a TCP reset cannot answer the UDP flow of ${session.heldBy.what}` : true),
  // Nothing reaches the connection before apply(): prepare() only starts the cutter agent, whose
  // iptables-restore waits for the rules; they go in at "go", and pathBrokeMs is when they had
  // (the sever's own delay: the line's trip through the engine, plus the commit).
  // A target without root (a server of the user's own: runsAs) is cut on this machine instead,
  // at apply(); nothing is armed ahead there (local-cut.ts).
  prepare: ctx => (ctx.target.runsAs ? Promise.resolve() : armCut(ctx, 'REJECT', CUT_MAX_SECONDS)),
  async apply(ctx) {
    if (ctx.target.runsAs) return applyLocalCut(ctx, 'REJECT');
    ctx.pathBroke((await fireCut(ctx)).atMono);
  },
  heal: ctx => (ctx.target.runsAs ? healLocalCut(ctx) : healCut(ctx)),
});
