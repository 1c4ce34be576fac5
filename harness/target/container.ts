// First: it tells testcontainers, before any use, that there is no reaper to pull and where the
// host is. Without it, code that starts a target without the CLI (a test) pulls Ryuk and fails.
import { configureTestcontainers } from './engine.js';
import fs from 'node:fs';
import net from 'node:net';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import pRetry from 'p-retry';
import { BadInputError, InfrastructureError } from '../core/errors.js';
import { ownerLabels } from '../run/cleanup.js';
import { withDeadline } from '../core/deadline.js';
import type { TargetFingerprint, YesNo } from '../results.js';
import { parseAlive, parseKernel } from '../scenario/values.js';
import { explainSshdTestFailure, parseServerFacts, renderSshdDropIn, SERVER_FACTS_SCRIPT } from './sshd-config.js';
import type { TargetSpec } from './targets.js';
import type { TargetCapability } from '../sever/types.js';
import { hostCgroupV2, targetGrants } from './grants.js';
import type { SshdConfigFile } from '../scenario/sshd-config-file.js';

export const AGENT = '/usr/local/lib/hangup-lab';
const DROP_IN = '/etc/ssh/sshd_config.d/50-hangup-lab.conf';
const LOGIND_DROP_IN = '/etc/systemd/logind.conf.d/50-hangup-lab.conf';

/** The server-side axis values of a cell: everything that needs a container of its own. */
export interface ServerConfig {
  clientAlive: string;
  tcpKeepAlive: YesNo;
  kernel: string;
  killUserProcesses: YesNo;
}

/** Labels on everything the harness creates, so a later run can sweep what a killed run left. */
export function runLabels(runId: string): Record<string, string> {
  return { 'hangup-lab': '1', 'hangup-lab.run': runId, ...ownerLabels() };
}

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

/** systemd as PID 1, with the grants of targetGrants() and the mounts it needs. */
class SshdContainer extends GenericContainer {
  constructor(o: TargetOptions) {
    super(o.image);
    const grants = targetGrants(o.capabilities);
    this.withLabels({ ...runLabels(o.runId), 'hangup-lab.target': o.spec.name });
    if (grants.capAdd.length) this.withAddedCapabilities(...(grants.capAdd as Parameters<GenericContainer['withAddedCapabilities']>));
    if (grants.securityOpt.length) this.withSecurityOpt(...grants.securityOpt);
    this.withTmpFs({ '/run': 'rw', '/run/lock': 'rw', '/tmp': 'rw' })
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: hostCgroupV2() ? 'rw' : 'ro' }])
      .withExposedPorts(22)
      .withWaitStrategy(Wait.forSuccessfulCommand('systemctl is-system-running --wait >/dev/null 2>&1; systemctl is-active --quiet ssh'))
      .withStartupTimeout(90_000);
    // Published for humans who want to look inside, on loopback only; the harness itself talks to
    // the container's bridge address so no userland proxy sits between client and sshd.
    this.hostConfig.PortBindings = { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: String(o.hostPort ?? 0) }] };
    // On a cgroup v2 host (GitHub's runners) systemd must write its own subtree: the recipe known to
    // work elsewhere is the host's cgroup namespace with a writable mount. It was NOT verified here
    // (these machines are cgroup v1 hybrid, measured with the read-only mount above).
    // (testcontainers' HostConfig type lacks the field; the engine API takes it as is.)
    if (hostCgroupV2()) Object.assign(this.hostConfig, { CgroupnsMode: 'host' });
    // Kernel TCP timers are per network namespace and read-only inside: only creation can set them.
    const sysctls = parseKernel(o.server.kernel);
    if (Object.keys(sysctls).length) this.hostConfig.Sysctls = sysctls;
  }
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A running target: systemd + logind + sshd configured from the scenario, reachable directly. */
export class StartedTarget implements AsyncDisposable {
  private constructor(
    readonly spec: TargetSpec,
    readonly image: string,
    private readonly container: StartedTestContainer,
    readonly ip: string,
    readonly hostKey: string,
    private readonly logindExtra: readonly string[],
  ) {}

  get id(): string {
    return this.container.getId();
  }

  get hostKeyAlias(): string {
    return `hangup-lab-${this.id.slice(0, 12)}`;
  }

  static async start(o: TargetOptions): Promise<StartedTarget> {
    let container: StartedTestContainer;
    try {
      configureTestcontainers();
      container = await new SshdContainer(o).start();
    } catch (e) {
      throw containerStartError(o.spec.name, (e as Error).message, { grants: targetGrants(o.capabilities), hostPort: o.hostPort });
    }
    const ip = container.getIpAddress('bridge');
    const partial = new StartedTarget(o.spec, o.image, container, ip, '', o.logindExtra);
    try {
      await partial.configureLogind(o);
      await partial.configureSshd(o);
      const key = await partial.sh(`cat /etc/ssh/ssh_host_ed25519_key.pub`);
      const target = new StartedTarget(o.spec, o.image, container, ip, key.stdout.trim().split(/\s+/).slice(0, 2).join(' '), o.logindExtra);
      await target.waitForBanner();
      return target;
    } catch (e) {
      await container.stop({ remove: true, timeout: 0 }).catch(() => {});
      throw e;
    }
  }

  /**
   * Before any login: logind reads its configuration when it starts. It only logs what it rejects
   * (and goes on without it), so the journal of this start is read back when the scenario added
   * lines of its own: a rejected line is bad input, not a silently different experiment.
   */
  private async configureLogind(o: TargetOptions): Promise<void> {
    const dropIn = logindDropIn(o.server.killUserProcesses, o.logindExtra);
    await this.container.copyContentToContainer([{ content: dropIn, target: LOGIND_DROP_IN, mode: 0o644 }]);
    const r = await this.sh('systemctl restart systemd-logind 2>&1');
    if (o.logindExtra.length) {
      const journal = await this.sh(
        'journalctl --sync 2>/dev/null; journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID=$(systemctl show -p InvocationID --value systemd-logind); echo "#version $(systemctl --version | head -n 1)"',
      );
      const rejected = logindRejections(journal.stdout, o.logindExtra);
      if (rejected) {
        // "systemd 252 (252.39-1~deb12u2)" → "systemd 252.39-1~deb12u2"
        const version = (/^#version (.*)$/m.exec(journal.stdout)?.[1] ?? 'systemd ?').replace(/^systemd \d+ \(([^)]+)\).*/, 'systemd $1');
        throw new BadInputError(
          `${o.scenarioFile}: logind.extra[${rejected.index}]: systemd-logind on ${this.spec.name} (${version}) rejects "${o.logindExtra[rejected.index]}": ${rejected.message}; fix or remove it`,
        );
      }
    }
    if (r.exitCode !== 0) throw new InfrastructureError(`target ${this.spec.name}: restarting systemd-logind failed: ${r.stdout.trim()}`);
  }

  private async configureSshd(o: TargetOptions): Promise<void> {
    const alive = parseAlive(o.server.clientAlive);
    // Which keywords this sshd knows (PerSourcePenalties since 9.8) and where the harness connects from.
    const facts = await this.sh(SERVER_FACTS_SCRIPT);
    const dropIn = renderSshdDropIn(
      {
        ClientAliveInterval: alive?.intervalS ?? 0,
        ClientAliveCountMax: alive?.countMax ?? 3,
        TCPKeepAlive: o.server.tcpKeepAlive === 'yes',
        extra: o.sshdExtra,
      },
      parseServerFacts(facts.stdout),
    );
    const files = [{ content: dropIn.text, target: DROP_IN, mode: 0o644 }];
    // The user's file replaces Debian's; the harness's drop-in is included first because in sshd
    // the first value wins: the cell's keepalive values (which default to the file's own) and
    // the few settings the harness needs apply, everything else is the user's.
    if (o.sshdConfig) files.push({ content: userConfigText(o.sshdConfig), target: '/etc/ssh/sshd_config', mode: 0o644 });
    await this.container.copyContentToContainer(files);
    const test = await this.sh('sshd -t 2>&1');
    if (test.exitCode !== 0) {
      const output = test.stdout + test.stderr;
      const inUserFile = o.sshdConfig && output.match(/\/etc\/ssh\/sshd_config:? line (\d+): (.*)/);
      if (inUserFile && o.sshdConfig) {
        const line = Number(inUserFile[1]) - USER_CONFIG_HEADER_LINES;
        throw new BadInputError(
          `${o.sshdConfig.file}: line ${line}: sshd -t on ${o.spec.name} (${(await this.sh('ssh -V 2>&1')).stdout.trim()}) rejects it: ${inUserFile[2]}; this OpenSSH may not know the option`,
        );
      }
      const { origin, problem } = explainSshdTestFailure(output, dropIn, DROP_IN);
      const version = (await this.sh('ssh -V 2>&1')).stdout.trim();
      throw new BadInputError(
        `${o.scenarioFile}: ${origin}: sshd -t on ${o.spec.name} (${version}) rejects "${problem}"; fix or remove that option`,
      );
    }
    const restart = await this.sh('systemctl restart ssh 2>&1');
    if (restart.exitCode !== 0) throw new InfrastructureError(`target ${o.spec.name}: systemctl restart ssh failed: ${restart.stdout.trim()}`);
  }

  /** Ready means sshd answers with its banner on the address the clients use (not "port open"). */
  private async waitForBanner(): Promise<void> {
    await pRetry(() => readBanner(this.ip, 22, 2000), { retries: 40, minTimeout: 100, maxTimeout: 250, factor: 1 });
  }

  /**
   * A `docker exec`, bounded: an engine under load or a wedged command inside must not hold a cell
   * (or the run) forever. At the deadline it rejects with what it ran; the process inside may live
   * on, and goes with the container.
   */
  async exec(cmd: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? EXEC_TIMEOUT_MS;
    const r = await withDeadline(
      this.container.exec(cmd, opts.user ? { user: opts.user } : {}),
      timeoutMs,
      () => `docker exec in ${this.spec.name} (${this.id.slice(0, 12)}) did not return within ${timeoutMs / 1000} s: ${describeCommand(cmd)}`,
    );
    return { exitCode: r.exitCode, stdout: r.stdout ?? r.output, stderr: r.stderr ?? '' };
  }

  sh(script: string, opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.exec(['sh', '-c', script], opts);
  }

  /** A long-running `docker exec -i` whose stdout the caller streams (the watcher). */
  spawnExec(cmd: string[]): ChildProcessWithoutNullStreams {
    return spawn('docker', ['exec', '-i', this.id, ...cmd], { stdio: 'pipe' });
  }

  /**
   * One unprivileged login user per cell: user@.service, linger, the tmux socket and screen's
   * directory are per user, so cells side by side must not share one.
   */
  async addUsers(users: string[], publicKey: string): Promise<void> {
    const script = users
      .map(
        // A user that exists already was made by an earlier try of this batch (its docker exec
        // may have run on past its deadline): skipped, so the batch can be tried again.
        u => `if ! id -u ${u} >/dev/null 2>&1; then useradd -m -s /bin/bash -G hangup-lab ${u} && cat /usr/local/lib/hangup-lab/bashrc-append >> /home/${u}/.bashrc; fi && install -d -m 700 -o ${u} -g ${u} /home/${u}/.ssh && ` +
          `printf '%s\\n' "$KEY" > /home/${u}/.ssh/authorized_keys && chown ${u}:${u} /home/${u}/.ssh/authorized_keys && ` +
          `chmod 600 /home/${u}/.ssh/authorized_keys`,
      )
      .join(' && ');
    const r = await this.exec(['env', `KEY=${publicKey}`, 'sh', '-c', `set -e; ${script}`]);
    if (r.exitCode !== 0) throw new InfrastructureError(`target ${this.spec.name}: creating login users failed: ${r.stderr || r.stdout}`);
  }

  /** Root logs in with the run's key too (for cells of user `root`, in a container of their own). */
  async authorizeRoot(publicKey: string): Promise<void> {
    const r = await this.exec([
      'env',
      `KEY=${publicKey}`,
      'sh',
      '-c',
      'set -e; install -d -m 700 /root/.ssh; printf "%s\\n" "$KEY" > /root/.ssh/authorized_keys; chmod 600 /root/.ssh/authorized_keys; ' +
        'cat /usr/local/lib/hangup-lab/bashrc-append >> /root/.bashrc',
    ]);
    if (r.exitCode !== 0) throw new InfrastructureError(`target ${this.spec.name}: authorizing root failed: ${r.stderr || r.stdout}`);
  }

  /**
   * Per-login-user settings a cell asks for, applied before its session: linger (the user manager
   * runs without a session) and bash's huponexit (in ~/.bashrc, read by the interactive login shell).
   */
  async prepareUser(user: string, o: { linger: boolean; huponexit: boolean }): Promise<void> {
    const home = user === 'root' ? '/root' : `/home/${user}`;
    const steps = [
      o.linger ? `loginctl enable-linger ${user}` : '',
      // Idempotent: a retried setup prepares the user again (run/setup.ts).
      o.huponexit ? `{ grep -qxF 'shopt -s huponexit' ${home}/.bashrc || echo 'shopt -s huponexit' >> ${home}/.bashrc; }` : '',
    ].filter(Boolean);
    if (!steps.length) return;
    const r = await this.sh(steps.join(' && '));
    if (r.exitCode !== 0) throw new Error(`preparing ${user} (linger/huponexit) failed: ${(r.stderr || r.stdout).trim()}`);
  }

  async fingerprint(key: string, config: ServerConfig, networkPath: string, client: string): Promise<TargetFingerprint> {
    const r = await this.sh(
      `echo "openssh=$(ssh -V 2>&1)"; sshd -T 2>/dev/null | grep -Ei '^(clientaliveinterval|clientalivecountmax|tcpkeepalive|maxstartups|channeltimeout|unusedconnectiontimeout|usepam|permitrootlogin|persourcepenalties|persourcepenaltyexemptlist|logingracetime|x11forwarding) ' | sed 's/^/sshd./; s/ /=/';` +
        `echo "killmode=$(systemctl show ssh -p KillMode --value)";` +
        `for p in KillUserProcesses KillExcludeUsers KillOnlyUsers UserStopDelayUSec ${this.logindExtra.map(logindProperty).join(' ')}; do echo "logind.$p=$(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager $p 2>/dev/null | cut -d' ' -f2-)"; done;` +
        `echo "v.bash=$(bash --version | head -1)"; echo "v.systemd=$(systemctl --version | head -1)"; echo "v.tmux=$(tmux -V)"; echo "v.screen=$(screen -v | head -1)"; echo "v.kernel=$(uname -r)";` +
        `for s in tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes tcp_retries2; do echo "sysctl.net.ipv4.$s=$(cat /proc/sys/net/ipv4/$s)"; done`,
    );
    const kv = Object.fromEntries(
      r.stdout
        .split('\n')
        .filter(l => l.includes('='))
        .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
    const pick = (prefix: string) =>
      Object.fromEntries(Object.entries(kv).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return {
      key,
      name: this.spec.name,
      config,
      image: this.image,
      openssh: kv.openssh ?? '?',
      sshdEffective: pick('sshd.'),
      sshKillMode: kv.killmode ?? '?',
      // busctl says true/false; logind.conf and the scenario say yes/no: one spelling in the results.
      // A logind.extra key that is no D-Bus property shows as written.
      logind: Object.fromEntries(
        Object.entries(pick('logind.')).map(([k, v]) => [k, v === 'true' ? 'yes' : v === 'false' ? 'no' : v || (this.logindExtra.find(l => logindProperty(l) === k)?.split('=').slice(1).join('=') ?? '')]),
      ),
      versions: pick('v.'),
      sysctls: pick('sysctl.'),
      networkPath,
      client,
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.container.stop({ remove: true, timeout: 0 }).catch(() => {});
  }
}

/** The harness's logind drop-in: its own line first, then the scenario's logind.extra, one per line. */
export function logindDropIn(killUserProcesses: YesNo, extra: readonly string[]): string {
  return [...LOGIND_HEADER, `KillUserProcesses=${killUserProcesses}`, ...extra].join('\n') + '\n';
}

const LOGIND_HEADER = ['# written by hangup-lab', '[Login]'];

/** The D-Bus property of a logind.conf line's key: times are exposed in µs ("…Sec" → "…USec"). */
function logindProperty(line: string): string {
  return line.slice(0, line.indexOf('=')).replace(/Sec$/, 'USec');
}

/**
 * The first logind.extra line systemd-logind complained about, from the journal of its start:
 * "/etc/systemd/logind.conf.d/50-hangup-lab.conf:4: Unknown key 'Foo' in section [Login], ignoring."
 * (systemd 252; 247 says "Unknown key name 'Foo' in section 'Login'"), "…:5: Failed to parse …".
 */
export function logindRejections(journal: string, extra: readonly string[]): { index: number; message: string } | null {
  const firstExtraLine = LOGIND_HEADER.length + 2;
  for (const m of journal.matchAll(new RegExp(`${LOGIND_DROP_IN.replace(/[.]/g, '\\.')}:(\\d+): (.*)`, 'g'))) {
    const index = Number(m[1]) - firstExtraLine;
    // The line is not ignored here but refused: logind's "…, ignoring" would say otherwise.
    if (index >= 0 && index < extra.length) return { index, message: m[2]!.trim().replace(/, ignoring\.?$/, '').replace(/, ignoring: /, ': ') };
  }
  return null;
}

/**
 * One line for an engine that would not start a target: an authorization plugin refusing the
 * grants it asked for (HTTP 403 on create), a published port taken, or anything else with what to check.
 */
export function containerStartError(
  target: string,
  message: string,
  o: { grants: { capAdd: string[]; securityOpt: string[] }; hostPort?: number | undefined },
): InfrastructureError {
  const first = message.split('\n')[0]!.trim();
  if (/authorization denied|HTTP code 403/i.test(first)) {
    const asked = [...o.grants.capAdd, ...o.grants.securityOpt];
    const named = asked.filter(p => first.includes(p.split('=')[0]!));
    const allow = [
      o.grants.capAdd.length ? `--cap-add ${o.grants.capAdd.join(',')}` : '',
      o.grants.securityOpt.length ? `--security-opt ${o.grants.securityOpt.join(',')}` : '',
    ].filter(Boolean);
    return new InfrastructureError(
      `target ${target}: the Docker engine refused ${(named.length ? named : asked).join(', ') || 'to create it'} (${first.replace(/^\(HTTP code 403\) \w+ - /, '')}); run hangup-lab doctor${allow.length ? `, and allow ${allow.join(' ')} for hangup-lab's containers (label hangup-lab=1)` : ''}`,
    );
  }
  if (o.hostPort !== undefined && /port is already allocated|address already in use/i.test(first)) {
    return new InfrastructureError(portInUseMessage(o.hostPort, portHolder(o.hostPort)));
  }
  const asked = o.grants.capAdd.length ? `, and that the engine may grant ${o.grants.capAdd.join(' and ')}` : '';
  return new InfrastructureError(`target ${target}: container did not start (${first}); check \`docker info\` and free disk space${asked}`);
}

/** `demo --port N` when 127.0.0.1:N is taken: the same line whether found before or by the engine. */
export function portInUseMessage(port: number, holder: string | null): string {
  return `hangup-lab demo: --port ${port}: 127.0.0.1:${port} is already in use${holder ? ` (by ${holder})` : ''}; choose another port or free it`;
}

/** Who listens on a TCP port, as `ss -ltnp` says it ("nginx pid 123"), or null when it does not say. */
export function portHolder(port: number): string | null {
  const r = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8', timeout: 5000 });
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(r.stdout ?? '');
  return m ? `${m[1]} pid ${m[2]}` : null;
}


/**
 * The longest any one docker exec may take. The slowest measured ones (systemctl restart of ssh or
 * logind, useradd of 16 users) take about 1 s alone and a few s with 24 cells on 2 cores.
 */
export const EXEC_TIMEOUT_MS = 60_000;

/** The command as a short line for a message: a script's first line, at most 120 characters. */
function describeCommand(cmd: string[]): string {
  // `env NAME=value …`: the values (the run's public key) stay out of messages and logs.
  const shown = cmd.map(a => a.replace(/^([A-Z_]+)=.*$/s, '$1=…'));
  const text = (shown[0] === 'sh' && shown[1] === '-c' ? shown[2] ?? '' : shown.join(' ')).split('\n')[0]!;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const USER_CONFIG_HEADER_LINES = 3;

/** The user's sshd_config as installed: a short header that includes the harness's drop-in first. */
export function userConfigText(c: SshdConfigFile): string {
  const header = [
    `# hangup-lab: ${c.file.replace(/\n/g, ' ')} follows verbatim, after the harness's drop-in (in sshd the first value wins)`,
    `Include ${DROP_IN}`,
    '# ---',
  ];
  return header.join('\n') + '\n' + c.text + (c.text.endsWith('\n') ? '' : '\n');
}

function readBanner(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let buf = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(buf);
    };
    const timer = setTimeout(() => done(new Error(`no SSH banner from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    s.on('data', d => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) done(buf.startsWith('SSH-2.0-') ? undefined : new Error(`unexpected banner ${JSON.stringify(buf)}`));
    });
    s.on('error', e => done(e));
  });
}
