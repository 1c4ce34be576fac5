import { defineSeverMethod } from './types.js';

/** The two rules for one connection; the same text adds (-I) and deletes (-D) them. */
export function dropRules(client: { ip: string; port: number }, server: { ip: string; port: number }): string[] {
  return [
    `INPUT -p tcp -s ${client.ip} --sport ${client.port} -d ${server.ip} --dport ${server.port} -j DROP`,
    `OUTPUT -p tcp -s ${server.ip} --sport ${server.port} -d ${client.ip} --dport ${client.port} -j DROP`,
  ];
}

export default defineSeverMethod({
  name: 'drop',
  summary: "iptables DROP of this one session's connection, both directions: packets vanish, no FIN, no RST",
  layer: 'tcp',
  needsLiveSession: true,
  supports: () => true,
  async apply({ target, session, state }) {
    // The exact 4-tuple, from the client's own socket: other cells in the container are untouched.
    const local = session.client.localEndpoint(22);
    if (!local) throw new Error("could not find the ssh client's TCP endpoint in /proc");
    const rules = dropRules(local, { ip: target.ip, port: 22 });
    state.rules = rules;
    const r = await target.sh(rules.map(rule => `iptables -w -I ${rule}`).join(' && '));
    if (r.exitCode !== 0) throw new Error(`iptables failed: ${r.stderr.trim()}`);
  },
  async heal({ target, state }) {
    const rules = (state.rules as string[] | undefined) ?? [];
    // Delete every copy; the loop ends when iptables says the rule is not there.
    for (const rule of rules) await target.sh(`while iptables -w -D ${rule} 2>/dev/null; do :; done`);
  },
});
