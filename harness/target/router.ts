import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { InfrastructureError } from '../errors.js';
import { runLabels } from './container.js';

export interface RouterOptions {
  /** the target image: it already has iptables, so no other image is needed offline */
  image: string;
  runId: string;
  /** the target's bridge address: every connection to the router's port 22 is forwarded there */
  targetIp: string;
  /** conntrack forgets an established TCP flow after this many idle seconds */
  idleTimeoutS: number;
}

/**
 * A NAT middlebox of our own: a container whose network namespace forwards port 22 to the target
 * with DNAT + MASQUERADE, as a home router or a cloud NAT gateway does. It is kernel forwarding,
 * not a userland proxy, so both TCP stacks see each other's packets end to end.
 *
 * Its conntrack sysctls are set at creation (they are per network namespace and read-only inside):
 * the established timeout is the NAT's idle timeout, and tcp_loose=0 stops conntrack from adopting
 * a mid-stream packet as a new flow, which would silently re-create the mapping (measured: with
 * loose=1 nothing breaks). Packets of a forgotten flow are INVALID and dropped, silently, in both
 * directions: what a NAT does with a packet it has no mapping for.
 */
class RouterContainer extends GenericContainer {
  constructor(o: RouterOptions) {
    super(o.image);
    this.withLabels({ ...runLabels(o.runId), 'hangup-lab.role': 'nat-router' })
      .withAddedCapabilities('NET_ADMIN')
      .withEntrypoint(['sleep', 'infinity'])
      .withStartupTimeout(30_000);
    this.hostConfig.Sysctls = {
      'net.ipv4.ip_forward': '1',
      'net.netfilter.nf_conntrack_tcp_timeout_established': String(o.idleTimeoutS),
      'net.netfilter.nf_conntrack_tcp_loose': '0',
      // Host and target share the router's subnet: without this the router would tell the host,
      // by ICMP redirect, to go around it.
      'net.ipv4.conf.all.send_redirects': '0',
      'net.ipv4.conf.default.send_redirects': '0',
      'net.ipv4.conf.eth0.send_redirects': '0',
    };
  }
}

export class Router implements AsyncDisposable {
  private constructor(
    private readonly container: StartedTestContainer,
    readonly ip: string,
    readonly idleTimeoutS: number,
  ) {}

  static async start(o: RouterOptions): Promise<Router> {
    let c: StartedTestContainer;
    try {
      c = await new RouterContainer(o).start();
    } catch (e) {
      throw new InfrastructureError(`NAT router: container did not start (${(e as Error).message.split('\n')[0]}); check \`docker info\` and that the engine may grant NET_ADMIN`);
    }
    const router = new Router(c, c.getIpAddress('bridge'), o.idleTimeoutS);
    const rules = [
      `iptables -w -t nat -A PREROUTING -p tcp --dport 22 -j DNAT --to-destination ${o.targetIp}:22`,
      `iptables -w -t nat -A POSTROUTING -p tcp -d ${o.targetIp} --dport 22 -j MASQUERADE`,
      'iptables -w -A FORWARD -m conntrack --ctstate INVALID -j DROP',
      // A forgotten flow's packets are not NATed: they would reach the router itself and be answered
      // with a reset. A NAT drops them.
      'iptables -w -A INPUT -m conntrack --ctstate INVALID -j DROP',
      'iptables -w -A INPUT -p tcp --dport 22 -j DROP',
    ];
    const r = await c.exec(['sh', '-c', `set -e; ${rules.join('; ')}`]);
    if (r.exitCode !== 0) {
      await c.stop({ remove: true, timeout: 0 }).catch(() => {});
      throw new InfrastructureError(`NAT router: iptables setup failed: ${r.output.trim()}`);
    }
    return router;
  }

  get description(): string {
    return `NAT: host → router container ${this.ip} (kernel DNAT + MASQUERADE, conntrack idle timeout ${this.idleTimeoutS} s, tcp_loose=0) → target; no userland proxy`;
  }

  /** Is the flow from the client's port still in the router's conntrack table? */
  async hasFlow(clientPort: number): Promise<boolean> {
    const r = await this.container.exec(['cat', '/proc/net/nf_conntrack']);
    return parseConntrack(r.output).some(e => e.proto === 'tcp' && e.sport === clientPort && e.dport === 22);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.container.stop({ remove: true, timeout: 0 }).catch(() => {});
  }
}

export interface ConntrackEntry {
  proto: string;
  state: string;
  /** seconds until conntrack forgets the flow */
  ttl: number;
  src: string;
  sport: number;
  dport: number;
}

/** Parse /proc/net/nf_conntrack (original-direction fields only). */
export function parseConntrack(text: string): ConntrackEntry[] {
  return text
    .split('\n')
    .filter(l => l.trim())
    .flatMap(l => {
      const f = l.trim().split(/\s+/);
      const proto = f[2];
      const ttl = Number(f[4]);
      if (!proto || Number.isNaN(ttl)) return [];
      const field = (k: string) => f.find(x => x.startsWith(`${k}=`))?.slice(k.length + 1);
      const state = proto === 'tcp' ? (f[5] ?? '') : '';
      return [{ proto, state, ttl, src: field('src') ?? '', sport: Number(field('sport')), dport: Number(field('dport')) }];
    });
}
