// A scenario's safe subset on a server of the user's own (`run --host`, issue 18): the same cells,
// the same cell run and the same results.json as for containers, one cell at a time (the cells
// share the one user, and per-user state must not be shared by cells running side by side). What
// a cell would need root or a configuration change for is not-applicable, with why: the plug-ins'
// declared traits (core/own-host.ts) and the server's inspected facts decide, never a name here.
import { undeclaredOnOwnHost, type OnOwnHost } from '../core/own-host.js';
import { judgeCell } from '../expect/judge.js';
import type { Cell, CellResult, RunResult, TargetFingerprint } from '../results.js';
import type { Scenario } from '../scenario/load.js';
import type { HostTarget } from '../target/host.js';
import { promptSetupLine } from '../target/host-ssh.js';
import { DEFAULT_CLIENT } from '../client/registry.js';
import { runCell } from './cell.js';
import { runResult, scenarioCells, type ProgressSink } from './matrix.js';
import type { CellPlan } from './plan.js';

/** What decides which cells a server of the user's own can answer, read by `inspect` (plain values). */
export interface HostFacts {
  /** the login user */
  user: string;
  /** the server as the results record it: key, config (the server-side axes' values), versions */
  fingerprint: TargetFingerprint;
  linger: 'on' | 'off' | 'unknown';
  huponexit: 'on' | 'off' | 'unknown';
  /** the login shell's path (the prompt the run types is bash's) */
  shell: string;
}

export interface HostRunOptions {
  facts: HostFacts;
  allowLocalFirewall: boolean;
  say: (line: string) => void;
  progress?: ProgressSink;
  version: string;
  /** the client's `ssh -V` */
  clientVersion: string;
}

/** A plug-in's declaration, as a reason it cannot run here (null: it can). */
function declined(kind: string, name: string, d: OnOwnHost | undefined, facts: HostFacts, allowLocalFirewall: boolean): string | null {
  if (!d) return undeclaredOnOwnHost(kind, name);
  if (!d.ok) return `${kind} ${name}: ${d.why}`;
  if (d.needsFlag === 'allow-local-firewall' && !allowLocalFirewall) {
    return `${kind} ${name} cuts the connection with this machine's firewall (iptables, this one connection only): pass --allow-local-firewall to let it`;
  }
  const installed = d.needsProgram ? facts.fingerprint.versions[d.needsProgram] : undefined;
  if (d.needsProgram && (!installed || /not installed|unknown/.test(installed))) {
    return `${kind} ${name} needs ${d.needsProgram}, which the server does not have (inspect: ${installed ?? 'not read'})`;
  }
  return null;
}

/** The server-side axes a cell asks for against what the server is: a difference is a change run --host does not make. */
function configDiffers(cell: Cell, facts: HostFacts): string | null {
  const c = facts.fingerprint.config;
  const asked: [string, string, string][] = [
    ['KillUserProcesses', cell.killUserProcesses, c.killUserProcesses],
    ['ClientAlive', cell.clientAlive, c.clientAlive],
    ['TCPKeepAlive', cell.tcpKeepAlive, c.tcpKeepAlive],
    ['kernel', cell.kernel, c.kernel],
    ['linger', cell.linger, facts.linger],
    ['huponexit', cell.huponexit, facts.huponexit],
  ];
  const diff = asked.filter(([, want, is]) => want !== is);
  if (!diff.length) return null;
  return `the cell asks ${diff.map(([k, want, is]) => `${k} ${want} (the server: ${is})`).join(', ')}: a configuration change, which run --host never makes`;
}

/**
 * Why a cell cannot run on the user's server, or null. Pure: the plan's plug-ins and the facts.
 * Long lines of reasons, in the order a reader would check them: who logs in, with what, what the
 * plug-ins declare, what the server is.
 */
export function hostDeclines(plan: CellPlan, facts: HostFacts, allowLocalFirewall: boolean): string | null {
  const { cell } = plan;
  if (cell.user === 'root') return 'the cell logs in as root: run --host logs in as your user only';
  if (cell.client !== DEFAULT_CLIENT) return `client ${cell.client}: run --host logs in with your own OpenSSH client only`;
  if (cell.server !== facts.fingerprint.server) return `server ${cell.server}: the server runs ${facts.fingerprint.server}`;
  const plugins = [
    declined('session', plan.session.name, plan.session.onOwnHost, facts, allowLocalFirewall),
    declined('launch mode', plan.launch.name, plan.launch.onOwnHost, facts, allowLocalFirewall),
    declined('sever', plan.sever.name, plan.sever.onOwnHost, facts, allowLocalFirewall),
  ].find(r => r !== null);
  if (plugins) return plugins;
  if (plan.session.shell && !/\/bash$/.test(facts.shell)) return `the login shell is ${facts.shell}: the prompt run --host types is bash's`;
  const config = configDiffers(cell, facts);
  if (config) return config;
  if (plan.birthTrace) return "the cell needs the kernel's trace of its processes (tracefs), which needs root on the server";
  if (plan.router) return 'the cell needs a NAT router on the path, which run --host cannot put in front of your server';
  // The observer's own login is a session of the same user: user@UID.service never stops while it
  // is there, so what a lone session's end does to the user manager cannot be seen.
  if (plan.launch.inUserManager && cell.linger === 'off') {
    return "the probe runs in the user's manager, which stops only after the user's last session; run --host's observer is a session of the same user, so that stop never comes";
  }
  return null;
}

/** The plan on the user's server: their user, and not-applicable where it needs root or a change. */
export function hostPlan(plan: CellPlan, facts: HostFacts, allowLocalFirewall: boolean): CellPlan {
  const user = { loginUser: facts.user, cellUser: facts.user };
  if (plan.supported !== true) return { ...plan, ...user };
  return { ...plan, ...user, supported: hostDeclines(plan, facts, allowLocalFirewall) ?? true };
}

/** The network path of every cell: the user's own client, config and network. */
function networkPath(host: HostTarget): string {
  return `your ssh client to ${host.login.host}${host.login.port !== null ? ` port ${host.login.port}` : ''} (your ssh config; observed through a second login of ${host.runsAs})`;
}

/** Run the scenario's cells on the user's server, one at a time, and make the run's results. */
export async function runOnHost(scenario: Scenario, host: HostTarget, o: HostRunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const elapsed = () => Date.now() - startedAt.getTime();
  const repeat = scenario.run.repeat ?? 1;
  const plan = scenarioCells(scenario, repeat);
  const fingerprint = { ...o.facts.fingerprint, networkPath: networkPath(host) };
  o.progress?.planned(plan.length);
  o.say(`${plan.length} cells on ${host.id}, one at a time`);
  const results: CellResult[] = [];
  for (const cell of plan) {
    const startedMs = elapsed();
    o.progress?.started(cell);
    const outcome = await runCell(cell, {
      target: host,
      endpoint: {
        host: host.login.host,
        // The user's own login: no key, known_hosts or alias of the harness's (client/openssh.ts).
        keyFile: '',
        knownHostsFile: '',
        hostKeyAlias: '',
        ownHost: { port: host.login.port, ...(host.login.identity ? { identity: host.login.identity } : {}), sshOptions: host.login.sshOptions, promptSetup: promptSetupLine(host.agentDir, host.mark) },
      },
      router: null,
      networkPath: fingerprint.networkPath,
      server: fingerprint.key,
      adaptPlan: p => hostPlan(p, o.facts, o.allowLocalFirewall),
    });
    const r: CellResult = { ...outcome, expectations: [], timing: { startedMs, durationMs: elapsed() - startedMs, serverWaitMs: 0, watchedMs: outcome.window.watchedMs } };
    r.expectations = judgeCell(r, scenario.expectations);
    o.progress?.finished(cell, r);
    results.push(r);
  }
  return runResult({
    scenario,
    opts: { say: o.say, version: o.version },
    startedAt,
    elapsed,
    strict: scenario.run.strict,
    repeat,
    plan,
    fingerprints: [fingerprint],
    clients: { [DEFAULT_CLIENT]: o.clientVersion },
    containers: [],
    results,
  });
}
