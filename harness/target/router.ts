import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { StartedTestContainer } from 'testcontainers';
import { InfrastructureError } from '../core/errors.js';
import { runLabels } from './labels.js';
import { configureTestcontainers } from './engine.js';

export interface RouterOptions {
  /** the target image: it already has iptables, so no other image is needed offline */
  image: string;
  runId: string;
  /** the target's bridge address: every connection to the router's port 22 is forwarded there */
  targetIp: string;
  /** conntrack forgets an established TCP flow after this many idle seconds, from the sever on */
  idleTimeoutS: number;
}

/**
 * Until the sever, the router forgets nothing a login could lose: the kernel's own default for an
 * established flow (5 days). Under load a login pauses for seconds, and with the short timeout
 * set at creation a 3 s NAT lost the flow before the experiment began (issue 12).
 */
export const LONG_TIMEOUT_S = 432_000;

/**
 * Where the host's /proc/sys/net/netfilter is mounted, writable, in the router. /proc/sys is
 * read-only in a container, but a net sysctl file resolves by the network namespace of the process
 * that opens it, not by where the mount came from: written from inside, it is the router's own
 * setting. Measured here: writing 7 through this mount made the router's
 * nf_conntrack_tcp_timeout_established 7 and left the host's at 432000. Writing needs NET_ADMIN
 * over the router's namespace, which the router has anyway; it grants nothing over the host's.
 */
const NETFILTER_SYSCTLS = '/run/hangup-lab/netfilter';

/** Made at the first start, for the reason given at sshdContainerClass (container.ts). */
async function routerContainerClass() {
  const tc = await import('testcontainers');
  /**
   * A NAT middlebox of our own: a container whose network namespace forwards port 22 to the target
   * with DNAT + MASQUERADE, as a home router or a cloud NAT gateway does. It is kernel forwarding,
   * not a userland proxy, so both TCP stacks see each other's packets end to end.
   *
   * Its conntrack sysctls are per network namespace. tcp_loose=0 is set at creation: it stops
   * conntrack from adopting a mid-stream packet as a new flow, which would silently re-create the
   * mapping (measured: with loose=1 nothing breaks); it changes nothing for a flow seen from its
   * first packet, so it does not act before the sever. The idle timeout does act, so it starts long
   * (LONG_TIMEOUT_S) and becomes the NAT's at the sever (armExpiry). Packets of a forgotten flow
   * are INVALID and dropped, silently, in both directions: what a NAT does with a packet it has no
   * mapping for.
   *
   * The timeout is one setting for the whole namespace, so a router serves one cell: a neighbour's
   * sever would otherwise shorten the timeout under a login still in progress.
   */
  class RouterContainer extends tc.GenericContainer {
    constructor(o: RouterOptions) {
      super(o.image);
      this.withLabels({ ...runLabels(o.runId), 'hangup-lab.role': 'nat-router' })
        .withAddedCapabilities('NET_ADMIN')
        .withEntrypoint(['sleep', 'infinity'])
        .withBindMounts([{ source: '/proc/sys/net/netfilter', target: NETFILTER_SYSCTLS, mode: 'rw' }])
        .withStartupTimeout(30_000);
      this.hostConfig.Sysctls = {
        'net.ipv4.ip_forward': '1',
        'net.netfilter.nf_conntrack_tcp_timeout_established': String(LONG_TIMEOUT_S),
        'net.netfilter.nf_conntrack_tcp_loose': '0',
        // Host and target share the router's subnet: without this the router would tell the host,
        // by ICMP redirect, to go around it.
        'net.ipv4.conf.all.send_redirects': '0',
        'net.ipv4.conf.default.send_redirects': '0',
        'net.ipv4.conf.eth0.send_redirects': '0',
      };
    }
  }
  return RouterContainer;
}

let routerClass: ReturnType<typeof routerContainerClass> | undefined;
const routerContainer = () => (routerClass ??= routerContainerClass());

export class Router implements AsyncDisposable {
  private constructor(
    private readonly container: StartedTestContainer,
    readonly ip: string,
    readonly idleTimeoutS: number,
  ) {}

  static async start(o: RouterOptions): Promise<Router> {
    let c: StartedTestContainer;
    try {
      configureTestcontainers();
      c = await new (await routerContainer())(o).start();
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
    return `NAT: host → router container ${this.ip} of this cell's own (kernel DNAT + MASQUERADE, conntrack idle timeout ${this.idleTimeoutS} s from the sever on, tcp_loose=0) → target; no userland proxy`;
  }

  /** A long-running `docker exec -i` into the router (the cutter agent). */
  spawnExec(cmd: string[]): ChildProcessWithoutNullStreams {
    return spawn('docker', ['exec', '-i', this.container.getId(), ...cmd], { stdio: 'pipe' });
  }

  /**
   * What makes the NAT's idle timeout take effect for the flow from `clientPort`, for the cutter
   * agent (harness/sever/cutter.ts) to run at the sever: it sets the namespace's established
   * timeout (the timer every later packet gets) and restarts the flow's running timer with it
   * (`conntrack -U`: the timer was last set with the long timeout), so the idle flow expires
   * `idleTimeoutS` after the sever. One shell, forked ahead, that waits for a line to go.
   *
   * The flow is chosen by its addresses, not its ports: with `-p tcp` conntrack 1.4.7 sends the
   * TCP state along and this kernel (6.x) refuses the update ("Operation not supported",
   * measured). The router is the cell's own, so every flow from the client's address to it is the
   * cell's session (or an earlier login try of it, whose timer it does not matter to shorten).
   */
  expiryPlan(client: { ip: string; port: number }): { do: { argv: string[]; input: string } } {
    const t = String(this.idleTimeoutS);
    const set = [
      'read go',
      `echo ${t} > ${NETFILTER_SYSCTLS}/nf_conntrack_tcp_timeout_established`,
      `exec conntrack -U --orig-src ${client.ip} --orig-dst ${this.ip} --timeout ${t}`,
    ].join(' && ');
    return { do: { argv: ['sh', '-c', set], input: 'go\n' } };
  }

  /** Where the flow from `clientPort` is listed, and its line there (a regular expression), for the agent to watch. */
  flowLine(clientPort: number): { file: string; pattern: string } {
    return { file: '/proc/net/nf_conntrack', pattern: `^ipv4 +2 +tcp .* sport=${clientPort} dport=22 ` };
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
