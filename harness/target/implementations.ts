// Which SSH server and client implementation a cell uses, and whether they and the target's session
// manager can do what it asks. The cell's `server` and `client` axes name them; the server must be
// one the target's image installs. Asked where severs' support is asked: statically at load time
// (a block of cells that can never run is bad input) and per cell at run time (not-applicable,
// with why).
import { clients, DEFAULT_CLIENT } from '../client/registry.js';
import { launches } from '../launch/registry.js';
import type { ClientImplementation, ClientControl } from '../client/types.js';
import type { AxisName, YesNo } from '../results.js';
import { parseAlive } from '../scenario/values.js';
import { DEFAULT_SERVER, servers } from '../server/registry.js';
import type { ServerImplementation } from '../server/types.js';
import { resolveSession } from '../session/registry.js';
import { severs } from '../sever/registry.js';
import { parseSeverValue } from '../sever/types.js';
import { managers } from './managers/registry.js';
import type { ManagerNeed } from './managers/types.js';
import { TARGETS, type TargetSpec } from './targets.js';

type Axes = Partial<Record<AxisName, string>>;

/** The implementations of a cell's server and client; an axis not given has its default. */
export function implementationsOf(c: Axes): { server: ServerImplementation; client: ClientImplementation } {
  return { server: servers.get(c.server ?? DEFAULT_SERVER), client: clients.get(c.client ?? DEFAULT_CLIENT) };
}

/**
 * Why the cell's implementations cannot run it, or null when they can. Only the axes given are
 * asked about (a scenario check may know just some of them).
 */
export function implementationsDecline(c: Axes, impl: { server: ServerImplementation; client: ClientImplementation } = implementationsOf(c)): string | null {
  const spec = c.target === undefined ? undefined : TARGETS[c.target];
  if (spec && c.server !== undefined && !spec.servers.includes(c.server)) return `the image of ${c.target} has no ${c.server} server (it has ${spec.servers.join(', ')})`;
  {
    const why = impl.server.supports({
      clientAlive: c.clientAlive === undefined ? null : parseAlive(c.clientAlive),
      tcpKeepAlive: (c.tcpKeepAlive ?? 'yes') as YesNo,
      ...(c.target !== undefined ? { target: c.target } : {}),
      ...(c.session !== undefined ? { remotePty: resolveSession(c.session).kind.remotePty } : {}),
    });
    if (why !== true) return `the ${impl.server.name} server${c.target ? ` of ${c.target}` : ''} cannot: ${why}`;
  }
  if (c.launch !== undefined) {
    for (const need of launches.get(c.launch).needs ?? []) {
      if (need === 'user-manager' && !impl.server.logindSession) return `the ${impl.server.name} server's logins get no logind session (no PAM), so ${c.launch} has no user manager to talk to`;
      const why = spec && managerLacks(spec, need, c.launch);
      if (why) return why;
    }
  }
  if (spec && c.linger === 'on') {
    const why = managerLacks(spec, 'linger', 'linger on');
    if (why) return why;
  }
  if (c.session !== undefined) {
    const session = resolveSession(c.session).kind;
    // Every cell's cleanup kills its client; a sever that freezes it (a suspend) asks for more.
    const controls: ClientControl[] = ['kill'];
    if (c.sever !== undefined && severs.get(parseSeverValue(c.sever).name).silentBreak?.freezesClient) controls.push('freeze');
    const why = impl.client.supports({
      session: { name: session.name, remotePty: session.remotePty, shell: session.shell },
      serverAlive: c.serverAlive === undefined ? null : parseAlive(c.serverAlive),
      controls,
    });
    if (why !== true) return `the ${impl.client.name} client cannot: ${why}`;
    if (session.runsClient && !impl.client.options) {
      return `the ${impl.client.name} client cannot: a ${session.name} session runs its client itself as a command line with its options, and ${impl.client.name} declares none`;
    }
  }
  return null;
}

/** Why the target's session manager cannot give what `by` (a launch mode, an axis value) needs, or null. */
function managerLacks(spec: TargetSpec, need: ManagerNeed, by: string): string | null {
  return managers.get(spec.manager).lacks[need]?.({ target: spec.name, by }) ?? null;
}

/** `true`, or why the cell's implementations cannot run it (→ the cell is not-applicable). */
export function implementationsSupport(c: Axes): true | string {
  return implementationsDecline(c) ?? true;
}
