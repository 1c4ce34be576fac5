import { randomBytes } from 'node:crypto';
import { monoMs } from '../session/ssh-client.js';
import type { SessionFlow } from '../session/types.js';
import { type AgentStep, Cutter } from './cutter.js';
import { unstarveAgent } from './unstarve.js';
import type { SeverContext, SeverPrepareContext } from './types.js';

/** How long an armed agent may take to apply or undo (it feeds a forked program: milliseconds). */
const FIRE_TIMEOUT_MS = 10_000;
/**
 * The agent's own bound, should the harness vanish without closing its stdin: longer than any
 * cell's watch (a chatty session under DROP lives until tcp_retries2, ~15 min), since the agent
 * lifts the cut when it expires.
 */
export const CUT_MAX_SECONDS = 4 * 3600;

export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * What happens to this one connection's packets: DROP makes them vanish (no FIN, no RST), REJECT
 * answers each one with a TCP reset, as a firewall that closes a connection actively does.
 */
export type RuleAction = 'DROP' | 'REJECT';

/**
 * The two rules for one connection, both directions; the same text adds (-I) and deletes (-D) them.
 *
 * REJECT must let RST packets through: the reset that the INPUT rule sends to the client leaves
 * through OUTPUT, where the OUTPUT rule would match it and swallow it (REJECT never answers a RST),
 * and the OUTPUT rule's reset to the local sshd likewise. Measured: without the exclusion nothing
 * is ever reset and REJECT behaves like DROP.
 */
export function connectionRules(client: Endpoint, server: Endpoint, action: RuleAction): string[] {
  const jump = action === 'DROP' ? '-j DROP' : '-m tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset';
  return [
    `INPUT -p tcp -s ${client.ip} --sport ${client.port} -d ${server.ip} --dport ${server.port} ${jump}`,
    `OUTPUT -p tcp -s ${server.ip} --sport ${server.port} -d ${client.ip} --dport ${client.port} ${jump}`,
  ];
}

/**
 * The two rules for one session flow. A TCP flow is its exact 4-tuple (connectionRules); a flow
 * whose client end may move (mosh's UDP: the client hops its source port when it hears nothing,
 * by design) is named by the server's port alone, which is this session's own in the target.
 */
export function flowRules(flow: SessionFlow, server: { ip: string }, action: RuleAction): string[] {
  if (flow.proto === 'tcp') {
    if (!flow.client) throw new Error('a TCP flow to cut needs its client endpoint');
    return connectionRules(flow.client, { ip: server.ip, port: flow.serverPort }, action);
  }
  // A TCP reset cannot answer a UDP packet; the severs that reset declare such sessions not-applicable.
  if (action !== 'DROP') throw new Error(`${action} of a UDP flow is not a cut this harness makes (a bug: the sever should have declined)`);
  const peer = flow.client ? { in: ` -s ${flow.client.ip} --sport ${flow.client.port}`, out: ` -d ${flow.client.ip} --dport ${flow.client.port}` } : { in: '', out: '' };
  return [`INPUT -p udp${peer.in} -d ${server.ip} --dport ${flow.serverPort} -j DROP`, `OUTPUT -p udp -s ${server.ip} --sport ${flow.serverPort}${peer.out} -j DROP`];
}

/** The session's flow: its own declaration, or the client's TCP connection to port 22. */
function flowOf(ctx: SeverPrepareContext): SessionFlow {
  if (ctx.session.flow) return ctx.session.flow();
  const local = ctx.session.client.localEndpoint(22);
  if (!local) throw new Error("could not find the ssh client's TCP endpoint in /proc");
  return { proto: 'tcp', serverPort: 22, client: local };
}

/**
 * A rule that acts only while the xt_recent list `name` is switched on: with --mask 0.0.0.0 every
 * address reads as 0.0.0.0, so the list is an on/off switch (entry "0.0.0.0" present or not) and
 * the rule's own match (the 4-tuple) decides which packets. Both rules of a cut consult one list,
 * so one write to /proc/net/xt_recent/NAME cuts or heals both directions at once.
 */
export function gatedRule(rule: string, name: string): string {
  const at = rule.indexOf(' -j ');
  if (at < 0) throw new Error(`a rule without a target: ${rule}`);
  return `${rule.slice(0, at)} -m recent --rcheck --name ${name} --mask 0.0.0.0 --rsource${rule.slice(at)}`;
}

/**
 * Arm the cut of the session's own connection inside the target: the exact 4-tuple comes from the
 * client's own socket, so the other cells in the container are untouched. The cutter agent
 * (containers/agent/cutter) is started now; it installs the rules at once, each behind a switch
 * that is off (gatedRule), and opens the switch's file. fireCut() turns the switch on at the
 * sever's instant: one write(2), no table commit. The rules are remembered now: heal() must be
 * able to remove them whatever happened to the agent.
 *
 * Why a switch: committing the rules at the instant (iptables-restore given the rules ahead and
 * COMMIT at "go") took 9-1364 ms at load average ~15 with 24 cells at a time (likely because
 * iptables-nft re-reads the table when another cell changed it meanwhile; not measured apart), and
 * a 12 s nap lost up to 1.4 s of its cut. Cutting with a `docker exec` started at the sever, before that, put the exec's own start-up
 * between the sever and the cut: 0.8-4.3 s under load (issue 12).
 */
export async function armCut(ctx: SeverPrepareContext, action: RuleAction, maxSeconds: number): Promise<void> {
  const name = `hl-${randomBytes(6).toString('hex')}`;
  const rules = flowRules(flowOf(ctx), ctx.target, action).map(rule => gatedRule(rule, name));
  ctx.state.rules = rules;
  // -n: add to the table, do not flush it (other cells' rules live there too). Both rules go in
  // (and out) in one COMMIT, one netlink transaction.
  const restore = (op: '-I' | '-D') => ({ argv: ['iptables-restore', '-w', '-n'], input: ['*filter', ...rules.map(rule => `${op} ${rule}`), 'COMMIT', ''].join('\n') });
  const turn = (sign: '+' | '-') => ({ write: `/proc/net/xt_recent/${name}`, input: `${sign}0.0.0.0\n` });
  const cutter = await Cutter.start(cmd => ctx.target.spawnExec(cmd), ctx.target.ip, { setup: restore('-I'), do: turn('+'), undo: turn('-'), teardown: restore('-D') }, maxSeconds);
  ctx.state.cutter = cutter;
  // Its instants must not wait for the target's CPU share (unstarve.ts); fireCut says if they may.
  ctx.state.starved = await unstarveAgent(ctx.target, cutter.nsPid);
}

/**
 * Cut now (armCut() first). Resolves with the target's monotonic clock right after the switch was
 * on (the host's clock too): that is when the path broke, to a few ms. With `uncutAtMono` the agent
 * lifts the cut by itself at that instant, with no exec in between either.
 */
export async function fireCut(ctx: SeverContext, uncutAtMono?: number): Promise<AgentStep> {
  const cutter = ctx.state.cutter as Cutter | undefined;
  if (!cutter) throw new Error('the cut was not armed before the sever (a bug: prepare() did not run)');
  const sentAt = monoMs();
  cutter.fire(uncutAtMono);
  ctx.state.fired = true;
  const cut = await cutter.did(FIRE_TIMEOUT_MS);
  // The sever's own delay, in its two parts, for the report: the line's trip to the agent, and the switch.
  ctx.mark(`the cutter agent had the line ${Math.round(cut.fromMono - sentAt)} ms after it was sent, the cut was on ${Math.round(cut.atMono - cut.fromMono)} ms later`);
  if (ctx.state.starved) ctx.mark(`the cutter agent ran in the target's CPU share: ${ctx.state.starved as string}`);
  return cut;
}

/**
 * Lift the cut, stop the agent and remove the rules; safe at any point, twice. When the agent
 * cannot confirm that its rules are gone, they are deleted with a `docker exec`: nothing is left
 * behind.
 */
export async function healCut(ctx: SeverContext): Promise<void> {
  const cutter = ctx.state.cutter as Cutter | undefined;
  let gone = false;
  if (cutter) {
    if (ctx.state.fired) cutter.undo();
    await cutter.close();
    gone = cutter.tornDown;
    ctx.state.cutter = undefined;
  }
  if (!gone) await restoreConnection(ctx);
  ctx.state.rules = [];
  ctx.state.fired = false;
}

/** Remove the rules with a `docker exec` (the fallback when the agent could not); safe to call twice. */
export async function restoreConnection(ctx: SeverContext): Promise<void> {
  const rules = (ctx.state.rules as string[] | undefined) ?? [];
  // Delete every copy; the loop ends when iptables says the rule is not there.
  for (const rule of rules) await ctx.target.sh(`while iptables -w -D ${rule} 2>/dev/null; do :; done`);
  ctx.state.rules = [];
}
