// `run --host --dry-run`: every command the run would run, on this machine and (through ssh) on
// the server, made by the same builders and plug-ins the run uses, with nothing executed. What
// only the run can know (the directory mktemp makes, the pids it reads) is shown as a placeholder.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { clients, DEFAULT_CLIENT } from '../client/registry.js';
import { probeCommand } from '../probe/command.js';
import type { Cell, ProcessInfo } from '../results.js';
import type { Scenario } from '../scenario/load.js';
import { hostSshArgs, promptSetupLine, shownCommand, workDir, type HostLogin } from '../target/host-ssh.js';
import { HOST_AGENT_FILES, HostTarget } from '../target/host.js';
import type { ExecResult } from '../target/types.js';
import type { SeverContext } from '../sever/types.js';
import type { OpenSession } from '../session/types.js';
import { localRules } from '../sever/local-cut.js';
import { scenarioCells } from './matrix.js';
import { planCell } from './plan.js';

const DIR = '~/.hangup-lab.XXXXXXXXXX';
const MARK = 'MARK';
/** Stand-ins for what the run reads before the sever. */
const PIDS = { sshd: 4001, probe: 4002, pgid: 4002 };

/** A HostTarget that records each command instead of running it. */
class RecordingHost extends HostTarget {
  readonly lines: string[] = [];
  override get agentDir(): string {
    return DIR;
  }
  override exec(cmd: string[]): Promise<ExecResult> {
    this.lines.push(shownCommand('ssh', this.argv(cmd)));
    return Promise.resolve({ exitCode: 0, stdout: '1\n', stderr: '' });
  }
  override spawnExec(cmd: string[]): ChildProcessWithoutNullStreams {
    this.lines.push(`${shownCommand('ssh', this.argv(cmd))}   (held open, streaming)`);
    return null as unknown as ChildProcessWithoutNullStreams;
  }
}

/** The lines `--dry-run` prints, in the order the run would run them. */
export async function dryRunLines(scenario: Scenario, login: HostLogin, o: { localDir: string; facts: string; manager: string; allowLocalFirewall: boolean }): Promise<string[]> {
  const host = new RecordingHost(login, login.user ?? '$USER', o.localDir, o.manager);
  const ssh = (cmd: string[]) => shownCommand('ssh', host.argv(cmd));
  const out = [
    `# on this machine: read the server's facts, read-only (${o.facts})`,
    shownCommand('ssh', ['-o', 'BatchMode=yes', ...login.sshOptions.flatMap(x => ['-o', x]), '-o', 'ConnectTimeout=15', '-T', ...(login.port !== null ? ['-p', String(login.port)] : []), ...(login.identity ? ['-i', login.identity] : []), '--', login.user ? `${login.user}@${login.host}` : login.host, 'sh -s']) + '   (stdin: the inspect script)',
    '# the observer: one more login of the same user, held open; every command on the server goes through it',
    shownCommand('ssh', hostSshArgs(login, { controlPath: host.controlPath, master: true }, null)),
    ssh(['sh', '-c', 'mktemp -d "$HOME/.hangup-lab.XXXXXXXXXX"']) + `   (prints DIR, shown as ${DIR})`,
    ...HOST_AGENT_FILES.map(([name, from]) => `${ssh(['sh', '-c', 'cat > "$1" && chmod 700 "$1"', 'sh', `${DIR}/${name}`])}   (stdin: containers/${from})`),
    ssh(['sh', '-c', 'umask 077; printf %s "$1" > "$2" && mkdir "$3"', 'sh', MARK, `${DIR}/mark`, workDir(DIR)]) + '   (MARK: a random value of the run)',
    ssh(['perl', '-MTime::HiRes=clock_gettime,CLOCK_MONOTONIC', '-e', '$|=1; while (<STDIN>) { printf "%.3f\\n", clock_gettime(CLOCK_MONOTONIC) * 1000 }']) + '   (the clock, 5 round trips)',
  ];
  for (const cell of scenarioCells(scenario, scenario.run.repeat ?? 1)) out.push(...(await cellLines(cell, host, login, o.allowLocalFirewall)));
  out.push('# at the end, on error and on a signal', ssh([`${DIR}/reap`]), ssh(['rm', '-rf', '--', DIR]), '(the observer ssh is ended: SIGTERM to it, on this machine)');
  return out;
}

/** One cell's commands: its session, its lines, its watcher, its sever, its cleanup. */
async function cellLines(cell: Cell, host: RecordingHost, login: HostLogin, allowLocalFirewall: boolean): Promise<string[]> {
  const plan = planCell(cell);
  const head = `# cell ${cell.id}: ${cell.session} × ${cell.launch} × ${cell.workload} × ${cell.sever} (runs only if the server's facts allow it; else not-applicable)`;
  if (plan.supported !== true) return [head, `#   not-applicable: ${plan.supported}`];
  for (const [kind, d] of [['session', plan.session.onOwnHost], ['launch mode', plan.launch.onOwnHost], ['sever', plan.sever.onOwnHost]] as const) {
    if (!d || !d.ok || (d.needsFlag && !allowLocalFirewall)) return [head, `#   not run on a server of your own (${kind} ${!d ? 'not declared safe there' : !d.ok ? d.why : `needs --${d.needsFlag}`})`];
  }
  const user = login.user ?? '$USER';
  const ep = { host: login.host, user, keyFile: '', knownHostsFile: '', hostKeyAlias: '', serverAlive: cell.serverAlive, ownHost: { port: login.port, ...(login.identity ? { identity: login.identity } : {}), sshOptions: login.sshOptions, promptSetup: '' } };
  const client = clients.get(DEFAULT_CLIENT).command(ep, { remotePty: plan.session.remotePty });
  const probeLog = `${workDir(DIR)}/probe.log`;
  const probe = probeCommand(user, cell.workload, { bin: `${DIR}/probe`, log: probeLog });
  const launchLine = plan.launch.line({ cell, target: host, loginUser: user, cellUser: user, unitName: `hl-probe-${cell.id}`, probe, probeLog, user: cell.user });
  host.lines.length = 0;
  host.spawnExec([`${DIR}/watch`, probeLog, '900']);
  const lines = [head, ...host.lines, `${shownCommand(client.file, client.args)}   (the session under test, in a local pty)`, `  typed: ${promptSetupLine(DIR, MARK)}`, `  typed: ${launchLine}`];
  host.lines.length = 0;
  // A network sever cuts on this machine (sever/local-cut.ts): its rules need the connection's ends.
  const localCut = plan.sever.onOwnHost?.ok && plan.sever.onOwnHost.needsFlag ? [`  on this machine: ${localRules({ local: { ip: 'CLIENT_IP', port: 0 }, remote: { ip: 'SERVER_IP', port: 0 } }, plan.sever.silentBreak?.resets ? 'REJECT' : 'DROP').map(r => `iptables -w -I ${r}`.replace(/ 0 /g, ' PORT ')).join(' ; ')}   (the ends read from the ssh client's socket; iptables -D at heal)`] : null;
  if (!localCut) await plan.sever.apply(severContext(cell, host, user));
  const typedExit = plan.sever.ordinaryEnd ? ['  typed: exit'] : [];
  const local = plan.sever.layer === 'process' && !host.lines.length && !typedExit.length ? [`  on this machine: ${plan.sever.summary}`] : [];
  return [...lines, ...typedExit, ...(localCut ?? local), ...host.lines.map(l => `${l}   (the sever; pids as read before it)`), shownCommandLine(host, [`${DIR}/reap`]) + '   (the cell\'s cleanup)'];
}

function shownCommandLine(host: RecordingHost, cmd: string[]): string {
  return shownCommand('ssh', host.argv(cmd));
}

/** What a sever's apply() gets, with stand-ins for the pids and a session that only records. */
function severContext(cell: Cell, host: RecordingHost, user: string): SeverContext {
  const proc = (pid: number, pgid: number) => ({ pid, pgid }) as ProcessInfo;
  const session = { client: { kill: () => {} }, logout: async () => {}, roundTrip: async () => null } as unknown as OpenSession;
  return {
    cell,
    target: host,
    session,
    sshdSession: proc(PIDS.sshd, PIDS.sshd),
    probe: proc(PIDS.probe, PIDS.pgid),
    loginUser: user,
    param: null,
    router: null,
    state: {},
    sinceSever: () => 0,
    mark: () => {},
    check: () => {},
    sentBy: () => {},
    pathBroke: () => {},
  };
}
