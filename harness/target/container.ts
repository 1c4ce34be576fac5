import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { withDeadline } from '../core/deadline.js';
import { InfrastructureError } from '../core/errors.js';
import type { TargetFingerprint } from '../results.js';
import { parseAlive, parseKernel } from '../scenario/values.js';
import type { SshdConfigFile } from '../scenario/sshd-config-file.js';
import { servers } from '../server/registry.js';
import type { ServerImplementation } from '../server/types.js';
import type { TargetCapability } from '../sever/types.js';
import { SshBannerWaitStrategy, waitForBanner } from './banner-wait.js';
import { configureTestcontainers } from './engine.js';
import { takeFingerprint } from './fingerprint.js';
import { cgroupSetup } from './cgroup.js';
import { targetGrants } from './grants.js';
import { runLabels } from './labels.js';
import { configureLogind } from './logind.js';
import { managers } from './managers/registry.js';
import type { SessionManager } from './managers/types.js';
import { containerStartError } from './start-error.js';
import type { TargetSpec } from './targets.js';
import { probeLogPath } from '../probe/command.js';
import type { CellTarget, ExecOptions, ExecResult, ServerConfig } from './types.js';
import { addUsers, authorizeRoot, prepareUser } from './users.js';

export const AGENT = '/usr/local/lib/hangup-lab';
const SSH_PORT = 22;
/** the system's boot, and sshd answering again after its restart */
const STARTUP_TIMEOUT_MS = 90_000;

export interface TargetOptions {
  spec: TargetSpec;
  image: string;
  runId: string;
  server: ServerConfig;
  /** free-form sshd lines from the scenario */
  sshdExtra: string[];
  /** free-form "Key=Value" lines for logind's [Login] section, from the scenario */
  logindExtra: string[];
  /** publish sshd on this loopback port instead of a random one (`demo --port`) */
  hostPort?: number;
  /** a user's own sshd_config, installed as /etc/ssh/sshd_config */
  sshdConfig: SshdConfigFile | null;
  /** where the scenario came from, for error messages that name the field */
  scenarioFile: string;
  /** what this container's cells need beyond the default set (NET_ADMIN for iptables severs) */
  capabilities: readonly TargetCapability[];
}

/**
 * The longest any one docker exec may take. The slowest measured ones (systemctl restart of ssh or
 * logind, useradd of 16 users) take about 1 s alone and a few s with 24 cells on 2 cores.
 */
export const EXEC_TIMEOUT_MS = 60_000;

/**
 * testcontainers takes seconds to import on a loaded machine; a command that stops before any
 * container starts (bad input, help) must not pay for it, so the classes that extend it are made
 * at the first start.
 */
async function sshdContainerClass() {
  const tc = await import('testcontainers');
  /**
   * The session manager's PID 1 (systemd, sysvinit), with the grants of targetGrants() and the
   * cgroups it needs; ready when the manager says the system has booted and the SSH server answers
   * with its banner, then configured from the scenario.
   */
  class SshdContainer extends tc.GenericContainer {
    /** a failure while configuring is the configuration's own (bad input), not the engine's */
    phase: 'starting' | 'configuring' = 'starting';
    hostKey = '';

    constructor(
      private readonly o: TargetOptions,
      private readonly server: ServerImplementation,
      private readonly manager: SessionManager,
    ) {
      super(o.image);
      const grants = containerGrants(o, manager);
      const cgroups = cgroupSetup(o.spec, manager.cgroups);
      this.withLabels({ ...runLabels(o.runId), 'hangup-lab.target': o.spec.name });
      if (grants.capAdd.length) this.withAddedCapabilities(...(grants.capAdd as Parameters<GenericContainer['withAddedCapabilities']>));
      if (grants.securityOpt.length) this.withSecurityOpt(...grants.securityOpt);
      this.withTmpFs({ '/run': 'rw', '/run/lock': 'rw', '/tmp': 'rw' })
        .withBindMounts(cgroups.mounts)
        .withExposedPorts(SSH_PORT)
        .withWaitStrategy(tc.Wait.forAll([tc.Wait.forSuccessfulCommand(manager.readyScript), new SshBannerWaitStrategy(SSH_PORT)]))
        .withStartupTimeout(STARTUP_TIMEOUT_MS);
      // Published for humans who want to look inside, on loopback only; the harness itself talks to
      // the container's bridge address so no userland proxy sits between client and sshd.
      this.hostConfig.PortBindings = { [`${SSH_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(o.hostPort ?? 0) }] };
      // On a cgroup v2 host (GitHub's runners) systemd must write its own subtree: the recipe known to
      // work elsewhere is the host's cgroup namespace with a writable mount. It was NOT verified here
      // (these machines are cgroup v1 hybrid, measured with the read-only mount above). elogind gets a
      // private namespace on every host (measured on the hybrid host; not verified on v2 either).
      // (testcontainers' HostConfig type lacks the field; the engine API takes it as is.)
      if (cgroups.cgroupns) Object.assign(this.hostConfig, { CgroupnsMode: cgroups.cgroupns });
      // Kernel TCP timers are per network namespace and read-only inside: only creation can set them.
      const sysctls = parseKernel(o.server.kernel);
      if (Object.keys(sysctls).length) this.hostConfig.Sysctls = sysctls;
    }

    /**
     * Before any login: logind, then the SSH server (which restarts, briefly closing its listener,
     * so its banner is awaited again). A failure removes the container: nobody else holds it yet.
     */
    protected override async containerStarted(container: StartedTestContainer): Promise<void> {
      this.phase = 'configuring';
      const { o } = this;
      const sh = (script: string) => boundedExec(container, o.spec.name, ['sh', '-c', script]);
      const copy: Copy = files => container.copyContentToContainer(files);
      try {
        await configureManagerAndServer(o, this.manager, this.server, sh, copy);
        // The key of the server that will answer, asked of its implementation: "ssh-ed25519 AAAA…".
        const key = (await sh(this.server.hostKeyScript)).stdout.trim().split(/\s+/).slice(0, 2);
        if (key[0] !== 'ssh-ed25519' || !key[1]) throw new InfrastructureError(`target ${o.spec.name}: the ${this.server.name} server's ed25519 host key could not be read (${this.server.hostKeyScript})`);
        this.hostKey = key.join(' ');
        const banner = await waitForBanner(container.getIpAddress('bridge'), SSH_PORT, STARTUP_TIMEOUT_MS);
        // The configured server, not the one the image booted with, must be the one answering.
        if (!this.server.banner.test(banner)) throw new InfrastructureError(`target ${o.spec.name}: port ${SSH_PORT} answers ${JSON.stringify(banner.trim())}, not the ${this.server.name} server`);
      } catch (e) {
        await container.stop({ remove: true, timeout: 0 }).catch(() => {});
        throw e;
      }
    }
  }
  return SshdContainer;
}

let sshdClass: ReturnType<typeof sshdContainerClass> | undefined;
const sshdContainer = () => (sshdClass ??= sshdContainerClass());

type Copy = (files: { content: string; target: string; mode: number }[]) => Promise<void>;

/** The login manager from the scenario's logind settings, then the SSH server from its sshd settings, each restarted the manager's way. */
async function configureManagerAndServer(o: TargetOptions, manager: SessionManager, server: ServerImplementation, sh: (script: string) => Promise<ExecResult>, copy: Copy): Promise<void> {
  const where = { targetName: o.spec.name, scenarioFile: o.scenarioFile };
  await configureLogind({ ...where, setup: manager.logind, killUserProcesses: o.server.killUserProcesses, extra: o.logindExtra, sh, copy });
  await server.configure({
    ...where,
    settings: { clientAlive: parseAlive(o.server.clientAlive), tcpKeepAlive: o.server.tcpKeepAlive === 'yes', extra: o.sshdExtra, userConfig: o.sshdConfig },
    restartService: manager.restartService,
    sh,
    copy,
  });
}

/** What the target's container is granted: its cells' capabilities and what its session manager needs. */
function containerGrants(o: Pick<TargetOptions, 'capabilities'>, manager: Pick<SessionManager, 'capAdd'>) {
  return targetGrants([...o.capabilities, ...manager.capAdd]);
}

/** A running target: a session manager + an SSH server configured from the scenario, reachable directly. */
export class StartedTarget implements CellTarget, AsyncDisposable {
  private constructor(
    readonly spec: TargetSpec,
    readonly image: string,
    private readonly container: StartedTestContainer,
    readonly server: ServerImplementation,
    readonly manager: SessionManager,
    readonly hostKey: string,
    private readonly logindExtra: readonly string[],
  ) {}

  get id(): string {
    return this.container.getId();
  }

  get ip(): string {
    return this.container.getIpAddress('bridge');
  }

  get hostKeyAlias(): string {
    return `hangup-lab-${this.id.slice(0, 12)}`;
  }

  static async start(o: TargetOptions): Promise<StartedTarget> {
    const server = servers.get(o.server.server);
    const manager = managers.get(o.spec.manager);
    configureTestcontainers();
    const sshd = new (await sshdContainer())(o, server, manager);
    let container: StartedTestContainer;
    try {
      container = await sshd.start();
    } catch (e) {
      // What configuring found (a rejected line, a failed restart) says so itself.
      if (sshd.phase === 'configuring') throw e;
      throw containerStartError(o.spec.name, (e as Error).message, { grants: containerGrants(o, manager), hostPort: o.hostPort });
    }
    return new StartedTarget(o.spec, o.image, container, server, manager, sshd.hostKey, o.logindExtra);
  }

  exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return boundedExec(this.container, this.spec.name, cmd, opts);
  }

  sh(script: string, opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.exec(['sh', '-c', script], opts);
  }

  /** A long-running `docker exec -i` whose stdout the caller streams (the watcher). */
  spawnExec(cmd: string[]): ChildProcessWithoutNullStreams {
    return spawn('docker', ['exec', '-i', this.id, ...cmd], { stdio: 'pipe' });
  }

  addUsers(users: string[], publicKey: string): Promise<void> {
    return addUsers(this, this.spec.name, users, publicKey);
  }

  authorizeRoot(publicKey: string): Promise<void> {
    return authorizeRoot(this, this.spec.name, publicKey);
  }

  prepareUser(user: string, o: { linger: boolean; huponexit: boolean }): Promise<void> {
    return prepareUser(this, user, o);
  }

  probeLogPath(user: string): string {
    return probeLogPath(user);
  }

  /**
   * Every process of the cell's user, its session and linger: the user is the cell's own. Root
   * cells run in a container of their own, removed after them: root is never pkilled. The watcher
   * does it (one docker exec less per cell); if it cannot, a docker exec does.
   */
  async cleanupUser(user: string, viaWatcher: () => Promise<boolean>): Promise<void> {
    if (await viaWatcher().catch(() => false)) return;
    // The same agent the watcher runs (containers/agent/cleanup), by a docker exec of its own.
    await this.exec([`${AGENT}/cleanup`, user]).catch(() => {});
  }

  fingerprint(key: string, config: ServerConfig, networkPath: string, client: string): Promise<TargetFingerprint> {
    return takeFingerprint(this, { key, name: this.spec.name, image: this.image, config, logindExtra: this.logindExtra, networkPath, client });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.container.stop({ remove: true, timeout: 0 }).catch(() => {});
  }
}

/**
 * A `docker exec`, bounded: an engine under load or a wedged command inside must not hold a cell
 * (or the run) forever. At the deadline it rejects with what it ran; the process inside may live
 * on, and goes with the container.
 */
async function boundedExec(container: StartedTestContainer, name: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? EXEC_TIMEOUT_MS;
  const r = await withDeadline(
    container.exec(cmd, opts.user ? { user: opts.user } : {}),
    timeoutMs,
    () => `docker exec in ${name} (${container.getId().slice(0, 12)}) did not return within ${timeoutMs / 1000} s: ${describeCommand(cmd)}`,
  );
  return { exitCode: r.exitCode, stdout: r.stdout ?? r.output, stderr: r.stderr ?? '' };
}

/** The command as a short line for a message: a script's first line, at most 120 characters. */
function describeCommand(cmd: string[]): string {
  // `env NAME=value …`: the values (the run's public key) stay out of messages and logs.
  const shown = cmd.map(a => a.replace(/^([A-Z_]+)=.*$/s, '$1=…'));
  const text = (shown[0] === 'sh' && shown[1] === '-c' ? shown[2] ?? '' : shown.join(' ')).split('\n')[0]!;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
