// `hangup-lab run --host [USER@]HOST[:PORT] --scenario FILE` (issue 18): the scenario's safe subset
// on a server of the user's own. The server's facts come from one read-only inspect login; then an
// observer login, the agent in a temporary directory of the user's home, the cells one at a time,
// and everything removed. `--dry-run` prints every command and runs none.
import { BadInputError, HarnessError, InfrastructureError } from '../core/errors.js';
import { makeRunDir } from '../core/cleanup.js';
import { readableFile } from '../core/paths.js';
import type { InspectReport } from '../inspect/report.js';
import type { HostFacts } from '../run/host.js';
import type { HostLogin } from '../target/host-ssh.js';
import type { Scenario } from '../scenario/load.js';
import type { CommandContext } from './types.js';

export interface HostRunRequest {
  host: string;
  port?: string;
  identity?: string;
  sshOptions: string[];
  scenario: Scenario;
  dryRun: boolean;
  allowLocalFirewall: boolean;
  out: string;
}

/** inspect's parsers and login say "hangup-lab inspect:"; here they speak for run. */
function asRun<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw renamed(e);
  }
}

function renamed(e: unknown): unknown {
  if (!(e instanceof HarnessError)) return e;
  const message = e.message.replace(/^hangup-lab inspect:/, 'hangup-lab run --host:');
  return e instanceof BadInputError ? new BadInputError(message) : new InfrastructureError(message);
}

export async function runOnOwnHost(r: HostRunRequest, ctx: CommandContext): Promise<number> {
  const { parseDestination, parseSshOption } = await import('../inspect/destination.js');
  const d = asRun(() => parseDestination(r.host, r.port));
  const login: HostLogin = { ...d, ...(r.identity ? { identity: r.identity } : {}), sshOptions: asRun(() => r.sshOptions.map(parseSshOption)) };
  if (r.identity !== undefined && !readableFile(r.identity)) {
    throw new BadInputError(`hangup-lab run --host: --identity "${r.identity}": no readable file there; give the private key's path (e.g. ~/.ssh/id_ed25519)`);
  }
  // The observer's control socket lives here. A run's own dir (core/cleanup.ts), so that a SIGTERM
  // or SIGINT removes it too, as a finally block could not: the own-server-run test's interrupt
  // case left one per run in /tmp.
  const { dir: localDir, remove } = makeRunDir('host');
  try {
    if (r.dryRun) {
      const { dryRunLines } = await import('../run/host-dry.js');
      // Nothing is read of the server in a dry run: the lines are the ones a systemd server gets.
      const { managers } = await import('../target/managers/registry.js');
      process.stdout.write((await dryRunLines(r.scenario, login, { localDir, facts: 'no sudo', manager: managers.names[0]!, allowLocalFirewall: r.allowLocalFirewall })).join('\n') + '\n');
      return 0;
    }
    const facts = await readHostFacts(login, d);
    ctx.say(`${facts.user}@${d.host}: ${facts.fingerprint.serverVersion}, KillUserProcesses=${facts.fingerprint.config.killUserProcesses}, linger ${facts.linger}, huponexit ${facts.huponexit}`);
    return await runCells(r, login, facts, localDir, ctx);
  } finally {
    await remove();
  }
}

/** One read-only inspect login (no sudo: run --host uses no root), turned into what decides the cells. */
async function readHostFacts(login: HostLogin, d: { user: string | null; host: string; port: number | null }): Promise<HostFacts> {
  const [{ localClient, runFactsScript }, { readFacts }, { factsScript }] = await Promise.all([import('../inspect/login.js'), import('../inspect/facts.js'), import('../inspect/script.js')]);
  const client = asRun(localClient);
  const output = await runFactsScript(d, login, factsScript({ sudo: false })).catch(e => Promise.reject(renamed(e)));
  const report = readFacts(output, { destination: d, client, inspectedAt: new Date().toISOString() });
  return hostFacts(report, d.host);
}

/**
 * What decides the cells, from the inspect report; a server that is not one run --host can run on
 * (no systemd, not OpenSSH, facts it could not read) is one line saying what was learned (exit 3).
 */
export function hostFacts(report: InspectReport, host: string): HostFacts {
  const fp = report.fingerprint;
  const learned = `learned: ${fp.serverVersion}, init ${report.host.init}; nothing was started on it`;
  if (report.host.init !== 'systemd') throw new InfrastructureError(`hangup-lab run --host: ${host} runs ${report.host.init} as its init, not systemd: run --host measures systemd servers only (${learned})`);
  if (fp.server !== 'openssh') throw new InfrastructureError(`hangup-lab run --host: ${host} does not run OpenSSH's sshd (${learned})`);
  const { tcpKeepAlive, killUserProcesses } = fp.config;
  if ((tcpKeepAlive !== 'yes' && tcpKeepAlive !== 'no') || (killUserProcesses !== 'yes' && killUserProcesses !== 'no')) {
    throw new InfrastructureError(`hangup-lab run --host: ${host}: TCPKeepAlive or KillUserProcesses could not be read (${report.unknown.map(u => `${u.fact}: ${u.why}`).join('; ') || 'unknown'}); without them no cell can be matched to the server (${learned})`);
  }
  const onOff = (v: string): HostFacts['linger'] => (v === 'yes' || v === 'on' ? 'on' : v === 'no' || v === 'off' ? 'off' : 'unknown');
  return {
    user: report.host.user.name,
    fingerprint: { ...fp, key: `host:${report.host.user.name}@${host}`, config: { ...fp.config, tcpKeepAlive, killUserProcesses } },
    linger: onOff(report.host.linger),
    huponexit: onOff(report.host.shell.huponexit),
    shell: report.host.shell.path,
  };
}

async function runCells(r: HostRunRequest, login: HostLogin, facts: HostFacts, localDir: string, ctx: CommandContext): Promise<number> {
  const [{ HostTarget, LoginError, MissingOnServerError }, { runOnHost }, { writeReports }] = await Promise.all([import('../target/host.js'), import('../run/host.js'), import('./output.js')]);
  const host = new HostTarget(login, facts.user, localDir, facts.fingerprint.manager ?? '');
  let result;
  try {
    const started = await host.start().catch(e => {
      if (e instanceof LoginError) throw new InfrastructureError(`hangup-lab run --host: the observer's login to ${login.host} failed: ${e.message}`);
      if (e instanceof MissingOnServerError) throw new InfrastructureError(`hangup-lab run --host: ${e.message}`);
      throw e;
    });
    ctx.say(`observer logged in; agent in ${host.agentDir}; clock offset ${started.clock.offsetMs} ms ± ${started.clock.uncertaintyMs} ms`);
    result = await runOnHost(r.scenario, host, { facts, allowLocalFirewall: r.allowLocalFirewall, say: ctx.say, version: ctx.version, clientVersion: facts.fingerprint.client });
  } finally {
    await host.dispose();
    if (host.leftBehind) ctx.say(`could not remove everything from the server: ${host.leftBehind}`);
  }
  return writeReports(result, r.out, ctx);
}
