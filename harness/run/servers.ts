import fs from 'node:fs';
import path from 'node:path';
import type { Cell, ContainerTiming, TargetFingerprint } from '../results.js';
import type { SshdConfigFile } from '../scenario/sshd-config-file.js';
import type { TargetCapability } from '../sever/types.js';
import { DEFAULT_SERVER } from '../server/registry.js';
import { StartedTarget } from '../target/container.js';
import type { ServerConfig } from '../target/types.js';
import { ensureImage } from '../target/image.js';
import { Router } from '../target/router.js';
import { targetSpec } from '../target/targets.js';
import { planCell } from './plan.js';
import { onCleanup, trackStart } from '../core/cleanup.js';
import { Gate } from './gate.js';
import { LoginHealth } from './setup.js';
import pRetry from 'p-retry';
import { InfrastructureError } from '../core/errors.js';

/** Login users created per docker exec on a shared server. */
const USER_BATCH = 16;
/**
 * Logins in flight per container. Four keep its systemd busy without a queue inside it: with
 * bursts of 20 (no gate), some logins of the default matrix took over 15 s on two busy cores.
 */
const LOGINS_AT_ONCE = 4;

export const DIRECT_PATH = 'direct: host → container bridge address, kernel to kernel, no userland proxy';

export interface ServerPoolOptions {
  runId: string;
  tmp: string;
  keyFile: string;
  publicKey: string;
  sshdExtra: string[];
  logindExtra: string[];
  sshdConfig: SshdConfigFile | null;
  /** publish the (single) target's sshd on this loopback port (`demo --port`) */
  hostPort?: number;
  scenarioFile: string;
  clientVersion: string;
  say: (line: string) => void;
  /** the run's clock (ms since it started), for container timings */
  elapsed: () => number;
  /** told of each server's login health as it starts, so the run can stop on a systematic fault */
  onServer?: (health: LoginHealth) => void;
  /** told of each target container as it starts and just before it is removed (bench's CPU accounting) */
  containerWatch?: ContainerWatch;
}

/**
 * Told of every target container the pool starts, and just before it removes it: a container's
 * cgroup counters go with it, so whoever accounts for its CPU (usage/sampler.ts) reads it last
 * then. Called synchronously: it must be quick and must not throw.
 */
export interface ContainerWatch {
  started(c: { id: string; server: string; role: 'shared' | 'own' }): void;
  removing(id: string): void;
}

/** What a cell gets to run on: a started target (shared or its own), and the path to it. */
export interface Lease {
  target: StartedTarget;
  server: string;
  endpoint: { host: string; keyFile: string; knownHostsFile: string; hostKeyAlias: string };
  router: Router | null;
  networkPath: string;
  /** logins to this container go through it, a few at a time (run/gate.ts) */
  loginGate: Gate;
  /** whether logins to this container work at all (run/setup.ts) */
  loginHealth: LoginHealth;
  release(): Promise<void>;
}

interface Server {
  target: StartedTarget;
  loginGate: Gate;
  loginHealth: LoginHealth;
  knownHostsFile: string;
  /** NAT routers, one per nat cell (by cell id): the timeout a sever sets is namespace-wide */
  routers: Map<string, Promise<Router>>;
  /** cells still to run on it; the container stops when the last one is done */
  remaining: number;
  stop: () => Promise<void>;
}

export function serverConfig(cell: Cell): ServerConfig {
  return { server: cell.server, clientAlive: cell.clientAlive, tcpKeepAlive: cell.tcpKeepAlive, kernel: cell.kernel, killUserProcesses: cell.killUserProcesses };
}

/** One fingerprint, one container per distinct server: the target plus the server-side axes. */
export function serverKey(cell: Cell): string {
  const c = serverConfig(cell);
  // The default server, the one every key had before the axis, is left out: old keys still match.
  return `${cell.target}${c.server === DEFAULT_SERVER ? '' : ` server=${c.server}`} clientAlive=${c.clientAlive} tcpKeepAlive=${c.tcpKeepAlive} kernel=${c.kernel} killUserProcesses=${c.killUserProcesses}`;
}

/**
 * A cell needs a container of its own when it would disturb or be disturbed by neighbours: root's
 * per-user state (user@0, tmux socket, linger) is one for all root logins, and an sshd restart
 * closes the listener under everyone's feet (run/plan.ts).
 */
export function needsOwnServer(cell: Cell): boolean {
  return planCell(cell).ownContainer;
}

/**
 * Containers started on demand and shared by the cells of one server configuration; cells that
 * need a container of their own get a fresh one, removed right after them. Every container and
 * router registers its own cleanup, so an interrupt removes them all.
 */
export class ServerPool {
  private readonly shared = new Map<string, Promise<Server>>();
  private readonly counts = new Map<string, number>();
  /** the login users of each shared server's cells, created in one go when it starts */
  private readonly users = new Map<string, string[]>();
  /** what each shared server's cells need it to be granted: the union, known before it starts */
  private readonly capabilities = new Map<string, Set<TargetCapability>>();
  readonly fingerprints = new Map<string, Promise<TargetFingerprint>>();
  /** every container started, with its boot time (for `npm run bench`) */
  readonly containers: ContainerTiming[] = [];

  constructor(
    private readonly o: ServerPoolOptions,
    cells: Cell[],
  ) {
    for (const c of cells) {
      const plan = planCell(c);
      if (plan.ownContainer) continue;
      const key = serverKey(c);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      this.users.set(key, [...(this.users.get(key) ?? []), plan.cellUser]);
      const caps = this.capabilities.get(key) ?? new Set<TargetCapability>();
      for (const cap of plan.capabilities) caps.add(cap);
      this.capabilities.set(key, caps);
    }
  }

  async acquire(cell: Cell): Promise<Lease> {
    const key = serverKey(cell);
    const plan = planCell(cell);
    const own = plan.ownContainer;
    const server = own ? await this.start(cell, `${key} (own container for ${cell.id})`) : await this.sharedServer(cell, key);
    // An own container goes with its cell; a shared one with the last cell that needed it.
    const release = async () => {
      const router = server.routers.get(cell.id);
      server.routers.delete(cell.id);
      await router?.then(r => r[Symbol.asyncDispose](), () => {});
      if (own) await server.stop();
      else if (--server.remaining === 0) {
        this.shared.delete(key);
        await server.stop();
      }
    };
    try {
      if (own) await server.target.addUsers([plan.cellUser], this.o.publicKey);
      else await this.ensureUser(server, key, plan.cellUser);
      if (cell.user === 'root') await server.target.authorizeRoot(this.o.publicKey);
      let router: Router | null = null;
      if (plan.router) {
        // A router of the cell's own: its sever sets the namespace-wide idle timeout, which would
        // otherwise cut short a neighbour's login still in progress (issue 12).
        const timeoutS = plan.router.idleTimeoutS;
        const startedMs = this.o.elapsed();
        const r = trackStart(Router.start({ image: server.target.image, runId: this.o.runId, targetIp: server.target.ip, idleTimeoutS: timeoutS }));
        void r.then(() => this.containers.push({ server: `router:${timeoutS}s ${cell.id}`, role: 'router', startedMs, bootMs: this.o.elapsed() - startedMs }), () => {});
        server.routers.set(cell.id, r);
        router = await r;
      }
      return {
        target: server.target,
        server: key,
        endpoint: {
          host: router?.ip ?? server.target.ip,
          keyFile: this.o.keyFile,
          knownHostsFile: server.knownHostsFile,
          hostKeyAlias: server.target.hostKeyAlias,
        },
        router,
        networkPath: router?.description ?? DIRECT_PATH,
        loginGate: server.loginGate,
        loginHealth: server.loginHealth,
        release,
      };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** Users being created (or created) on a shared server, by user name. */
  private readonly userBatches = new Map<string, Promise<void>>();

  /**
   * Create the cell's login user, together with up to USER_BATCH - 1 others of the same server
   * that do not exist yet: one docker exec (about 50 ms of engine CPU) per batch instead of per
   * cell, without making the first cells wait for all users of a big matrix.
   */
  private ensureUser(server: Server, key: string, user: string): Promise<void> {
    const tag = (u: string) => `${key}\0${u}`;
    const existing = this.userBatches.get(tag(user));
    if (existing) return existing;
    const batch = [user, ...(this.users.get(key) ?? []).filter(u => u !== user && !this.userBatches.has(tag(u))).slice(0, USER_BATCH - 1)];
    // Setup, so it may be tried again (bounded): on a machine loaded far beyond its cores one
    // docker exec was measured to take over 60 s. The batch is idempotent (container.ts addUsers).
    const created = pRetry(() => server.target.addUsers(batch, this.o.publicKey), { retries: 2, minTimeout: 2000, factor: 2 }).catch(e => {
      // A later cell of the batch asks afresh rather than inherit this failure.
      for (const u of batch) if (this.userBatches.get(tag(u)) === created) this.userBatches.delete(tag(u));
      throw e instanceof InfrastructureError ? e : new InfrastructureError(`${key}: creating the cells' login users failed 3 times (${(e as Error).message}); the Docker engine is overloaded or stuck: check \`docker info\` and the machine's load`);
    });
    for (const u of batch) this.userBatches.set(tag(u), created);
    return created;
  }

  private sharedServer(cell: Cell, key: string): Promise<Server> {
    let s = this.shared.get(key);
    if (!s) {
      s = this.start(cell, key).then(server => ({ ...server, remaining: this.counts.get(key) ?? 1 }));
      this.shared.set(key, s);
    }
    return s;
  }

  private async start(cell: Cell, label: string): Promise<Server> {
    const spec = targetSpec(cell.target);
    const image = await ensureImage(spec, this.o.say);
    const config = serverConfig(cell);
    const plan = planCell(cell);
    const startedMs = this.o.elapsed();
    const target = await trackStart(StartedTarget.start({
      spec,
      image,
      runId: this.o.runId,
      server: config,
      sshdExtra: this.o.sshdExtra,
      logindExtra: this.o.logindExtra,
      hostPort: this.o.hostPort,
      sshdConfig: this.o.sshdConfig,
      scenarioFile: this.o.scenarioFile,
      capabilities: plan.ownContainer ? plan.capabilities : [...(this.capabilities.get(serverKey(cell)) ?? [])],
    }));
    const role = plan.ownContainer ? 'own' : 'shared';
    this.containers.push({ server: serverKey(cell), role, startedMs, bootMs: this.o.elapsed() - startedMs });
    this.o.containerWatch?.started({ id: target.id, server: serverKey(cell), role });
    const routers = new Map<string, Promise<Router>>();
    const stop = onCleanup(async () => {
      await Promise.allSettled([...routers.values()].map(async r => (await r)[Symbol.asyncDispose]()));
      this.o.containerWatch?.removing(target.id);
      await target[Symbol.asyncDispose]();
    });
    const knownHostsFile = path.join(this.o.tmp, `known_hosts-${target.id.slice(0, 12)}`);
    fs.writeFileSync(knownHostsFile, `${target.hostKeyAlias} ${target.hostKey}\n`);
    if (this.o.hostPort) {
      this.o.say(
        `sshd is published on 127.0.0.1:${this.o.hostPort} while this runs; log in as the cell does: ssh -p ${this.o.hostPort} -i ${this.o.keyFile} -o UserKnownHostsFile=${knownHostsFile} -o HostKeyAlias=${target.hostKeyAlias} ${plan.loginUser}@127.0.0.1`,
      );
    }
    const key = serverKey(cell);
    if (!this.fingerprints.has(key)) {
      this.o.say(`${label}: started`);
      // Taken before any cell runs on it, so an own container cannot be removed mid-fingerprint.
      const fp = target.fingerprint(key, config, DIRECT_PATH, this.o.clientVersion);
      this.fingerprints.set(key, fp);
      await fp.catch(async e => {
        await stop();
        throw e;
      });
    }
    const loginHealth = new LoginHealth(label);
    this.o.onServer?.(loginHealth);
    return { target, loginGate: new Gate(LOGINS_AT_ONCE), loginHealth, knownHostsFile, routers, remaining: 1, stop };
  }
}
