import type { SeverContext } from './types.js';

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
 * Cut the session's own connection inside the target. The exact 4-tuple comes from the client's
 * own socket, so the other cells in the container are untouched. The rules are remembered before
 * they are added: heal() must be able to remove a half-applied set.
 *
 * Both rules go in as one iptables-restore transaction, and the target's monotonic clock (the
 * host's too) is read right after it: that is when the path broke, to a few ms. Timing it from the
 * harness side instead would add docker exec's own latency (measured: up to ≈0.3 s), enough to
 * make a reset look noticed before it happened.
 */
export async function cutConnection(ctx: SeverContext, action: RuleAction): Promise<number> {
  const local = ctx.session.client.localEndpoint(22);
  if (!local) throw new Error("could not find the ssh client's TCP endpoint in /proc");
  const rules = connectionRules(local, { ip: ctx.target.ip, port: 22 }, action);
  ctx.state.rules = rules;
  const transaction = ['*filter', ...rules.map(rule => `-I ${rule}`), 'COMMIT', ''].join('\n');
  const r = await ctx.target.exec([
    'sh',
    '-c',
    `printf '${transaction}' | iptables-restore -w -n && perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e 'printf "%.1f", clock_gettime(CLOCK_MONOTONIC) * 1000'`,
  ]);
  if (r.exitCode !== 0) throw new Error(`iptables-restore failed: ${(r.stderr || r.stdout).trim()}`);
  const at = Number(r.stdout.trim());
  if (!Number.isFinite(at)) throw new Error(`could not read the target's clock after the cut: ${JSON.stringify(r.stdout)}`);
  return at;
}

/** Remove whatever cutConnection() added; safe to call twice, or when nothing was added. */
export async function restoreConnection(ctx: SeverContext): Promise<void> {
  const rules = (ctx.state.rules as string[] | undefined) ?? [];
  // Delete every copy; the loop ends when iptables says the rule is not there.
  for (const rule of rules) await ctx.target.sh(`while iptables -w -D ${rule} 2>/dev/null; do :; done`);
  ctx.state.rules = [];
}
