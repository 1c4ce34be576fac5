// A hand-written run of a small scenario against one target, covering every verdict the reports
// must explain. Kept plausible (pids, timings, reasons) so rendered output reads like a real run.

import type { CellResult, ProcessInfo, RunResult, TargetFingerprint } from '../../harness/results.js';

export const target: TargetFingerprint = {
  name: 'debian-bookworm',
  image: 'hangup-lab/debian-bookworm:latest',
  openssh: 'OpenSSH_9.2p1 Debian-2+deb12u7, OpenSSL 3.0.17 1 Jul 2025',
  sshdEffective: {
    clientaliveinterval: '0',
    clientalivecountmax: '3',
    tcpkeepalive: 'yes',
    usepam: 'yes',
  },
  sshKillMode: 'process',
  logind: { KillUserProcesses: 'no', KillExcludeUsers: 'root' },
  versions: { systemd: '252.38-1~deb12u1', bash: '5.2.15(1)-release', kernel: '6.8.0-60-generic' },
  sysctls: {
    'net.ipv4.tcp_keepalive_time': '7200',
    'net.ipv4.tcp_keepalive_intvl': '75',
    'net.ipv4.tcp_keepalive_probes': '9',
  },
  networkPath: 'direct',
  client: 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.13, OpenSSL 3.0.13 30 Jan 2024',
};

function shell(pid: number, session: number): ProcessInfo {
  return {
    pid,
    ppid: pid - 2,
    pgid: pid,
    sid: pid,
    ttyNr: 34816,
    state: 'S',
    startTime: '1843221',
    uid: 1001,
    comm: 'bash',
    args: '-bash',
    cgroup: `/user.slice/user-1001.slice/session-${session}.scope`,
    sigIgn: '0000000000380004',
    sigCgt: '000000004b817efb',
  };
}

type Axes = Pick<CellResult, 'session' | 'launch' | 'sever'>;

/** Defaults for a cell whose probe ran and was watched for the whole window. */
function cell(id: string, axes: Axes, outcome: Partial<CellResult>): CellResult {
  const pid = 2000 + Number.parseInt(id.slice(0, 2), 16);
  return {
    id,
    target: 'debian-bookworm',
    workload: 'quiet',
    ...axes,
    verdict: 'survived',
    reason: '',
    signal: null,
    signalEvidence: null,
    signalSender: null,
    deathMs: null,
    sessionEndedMs: 12,
    client: { exitMs: 9, exitCode: 255, exitSignal: null, lastLines: [] },
    probe: {
      pid,
      stdoutErrors: [],
      lastHeartbeatMs: 29_870,
      signalsCaught: [],
      cgroup: '/user.slice/user-1001.slice/session-7.scope',
      log: ['-1520 ms started', '-1500 ms ready'],
    },
    sshdSession: { pid: pid - 4, name: 'sshd: u7@pts/0' },
    before: [shell(pid - 2, 7)],
    after: [],
    timeline: [
      { atMs: -1500, event: 'probe ready' },
      { atMs: 0, event: 'sever' },
    ],
    window: { watchedMs: 30_000, endedBecause: 'window elapsed' },
    user: 'u7',
    networkPath: 'direct',
    ...outcome,
  };
}

export const cells: CellResult[] = [
  cell('1a2b3c4d', { session: 'pty', launch: 'foreground', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'logout needs the shell prompt, and a foreground job holds it',
    sessionEndedMs: null,
    client: null,
    window: { watchedMs: 0, endedBecause: 'not run' },
  }),
  cell('2b3c4d5e', { session: 'pty', launch: 'foreground', sever: 'client-kill' }, {
    verdict: 'killed',
    reason: 'the shell forwarded the terminal hangup to its job',
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: 2041, comm: 'bash', code: 0 },
    deathMs: 41,
    sessionEndedMs: 18,
    client: { exitMs: 3, exitCode: null, exitSignal: 'SIGKILL', lastLines: [] },
  }),
  cell('3c4d5e6f', { session: 'pty', launch: 'nohup', sever: 'logout' }, {
    reason: 'alive at the end of the window; SIGHUP is ignored under nohup',
    sessionEndedMs: 7,
    client: { exitMs: 11, exitCode: 0, exitSignal: null, lastLines: ['logout', 'Connection to 172.17.0.3 closed.'] },
  }),
  cell('4d5e6f70', { session: 'pty', launch: 'nohup', sever: 'client-kill' }, {
    reason: 'alive at the end of the window; SIGHUP is ignored under nohup',
  }),
  cell('5e6f7081', { session: 'exec', launch: 'foreground', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'an exec session has no interactive shell | nothing to log out of',
    sessionEndedMs: null,
    client: null,
    window: { watchedMs: 0, endedBecause: 'not run' },
  }),
  cell('6f708192', { session: 'exec', launch: 'foreground', sever: 'client-kill' }, {
    verdict: 'session-open',
    reason: 'sshd-session (pid 2107) was still running when the 30 s window closed',
    sessionEndedMs: null,
  }),
  cell('708192a3', { session: 'exec', launch: 'nohup', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'an exec session has no interactive shell to log out of',
    sessionEndedMs: null,
    client: null,
    window: { watchedMs: 0, endedBecause: 'not run' },
  }),
  cell('8192a3b4', { session: 'exec', launch: 'nohup', sever: 'client-kill' }, {
    verdict: 'inconclusive',
    reason: 'probe pid 2129 vanished from /proc but its log has no exit record',
    probe: {
      pid: 2129,
      stdoutErrors: [],
      lastHeartbeatMs: 4_020,
      signalsCaught: [],
      cgroup: null,
      log: ['-1480 ms started'],
    },
  }),
];

export const fixture: RunResult = {
  schemaVersion: 1,
  tool: { name: 'hangup-lab', version: '0.1.0' },
  scenario: {
    file: 'scenarios/pty-vs-exec.yaml',
    name: 'pty vs exec',
    description: 'Does nohup protect a job when the client dies, with and without a terminal?',
  },
  startedAt: '2025-06-14T09:12:03.417Z',
  finishedAt: '2025-06-14T09:14:45.902Z',
  durationMs: 162_485,
  targets: [target],
  axes: {
    session: ['pty', 'exec'],
    launch: ['foreground', 'nohup'],
    workload: ['quiet'],
    sever: ['logout', 'client-kill'],
  },
  // Shuffled on purpose: reports must lay cells out by axes, not by the order they finished in.
  cells: [cells[5], cells[0], cells[7], cells[2], cells[4], cells[1], cells[6], cells[3]].filter(
    (c): c is CellResult => c !== undefined,
  ),
};

/** A fresh copy, so a test can alter it without affecting the others. */
export function fixtureCopy(): RunResult {
  return structuredClone(fixture);
}
