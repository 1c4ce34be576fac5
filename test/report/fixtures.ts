// A hand-written run of a small scenario against one server, covering every verdict the reports
// must explain, plus what schema v2 added: a varied axis (user), a case repeated three times whose
// repetitions disagree (flaky), detection latencies with a missing client exit, a sever through a NAT
// router (second network path, pathBrokeMs later than the sever), checks that pass and fail, and a
// survivor whose writes to the dead terminal failed. Kept plausible (pids, timings, reasons) so
// rendered output reads like a real run.

import { createHash } from 'node:crypto';
import { derived } from '../../harness/expect/flaky.js';
import { judgeCell, type Expectation } from '../../harness/expect/judge.js';
import type { CaughtSignal, CellResult, ProcessInfo, Race, RunResult, TargetFingerprint } from '../../harness/results.js';

export const target: TargetFingerprint = {
  key: 'debian-bookworm|clientAlive=1/2|tcpKeepAlive=yes|kernel=default|killUserProcesses=no',
  name: 'debian-bookworm',
  config: { clientAlive: '1/2', tcpKeepAlive: 'yes', kernel: 'default', killUserProcesses: 'no' },
  image: 'hangup-lab/debian-bookworm:latest',
  server: 'openssh',
  serverVersion: 'OpenSSH_9.2p1 Debian-2+deb12u7, OpenSSL 3.0.17 1 Jul 2025',
  sshdEffective: {
    clientaliveinterval: '1',
    clientalivecountmax: '2',
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
    'net.ipv4.tcp_retries2': '15',
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

const SCOPE = '/user.slice/user-1001.slice/session-7.scope';

function hup(atMs: number, sender: Pick<CaughtSignal, 'senderPid' | 'senderComm' | 'code'>, cgroup = SCOPE): CaughtSignal {
  return { signal: 'SIGHUP', atMs, ...sender, cgroup };
}

type Axes = Pick<CellResult, 'session' | 'launch' | 'sever'>;

/** Defaults for a cell whose probe ran and was watched for the whole window. */
function cell(id: string, axes: Axes, outcome: Partial<CellResult>): CellResult {
  const pid = 2000 + Number.parseInt(id.slice(0, 2), 16);
  return {
    id,
    caseId: `case-${id}`,
    target: 'debian-bookworm',
    server: 'openssh',
    client: 'openssh',
    user: 'lab',
    workload: 'quiet',
    clientAlive: '1/2',
    serverAlive: '3/2',
    tcpKeepAlive: 'yes',
    kernel: 'default',
    killUserProcesses: 'no',
    linger: 'off',
    huponexit: 'off',
    rep: 1,
    ...axes,
    verdict: 'survived',
    reason: '',
    signal: null,
    signalEvidence: null,
    signalSender: null,
    deathMs: null,
    sessionEndedMs: 12,
    clientEnd: { exitMs: 9, exitCode: 255, exitSignal: null, lastLines: [] },
    probe: {
      pid,
      stdoutErrors: [],
      lastHeartbeatMs: 29_870,
      signalsCaught: [],
      cgroup: SCOPE,
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
    loginUser: 'u7',
    networkPath: 'direct',
    pathBrokeMs: null,
    severLayer: 'process',
    detectors: ['close'],
    checks: [],
    serverKey: target.key,
    setup: { attempts: 1, failures: [] },
    expectations: [],
    timing: { startedMs: 1000, durationMs: 20_000, serverWaitMs: 4000, watchedMs: 12_000 },
    ...outcome,
  };
}

const notRun = { sessionEndedMs: null, clientEnd: null, window: { watchedMs: 0, endedBecause: 'not run' } } as const;

/** A silent break: the path is gone at the sever, and only keepalives can notice. */
const dropped: Partial<CellResult> = {
  pathBrokeMs: 0,
  severLayer: 'tcp',
  detectors: ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write'],
};

/** ServerAlive 3/2 gave up on the server: the client's own words. */
const timedOut = (exitMs: number) => ({
  exitMs,
  exitCode: 255,
  exitSignal: null,
  lastLines: ['Timeout, server 172.17.0.3 not responding.'],
});

export const cells: CellResult[] = [
  cell('1a2b3c4d', { session: 'pty', launch: 'foreground', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'logout needs the shell prompt, and a foreground job holds it',
    ...notRun,
  }),
  cell('2b3c4d5e', { session: 'pty', launch: 'foreground', sever: 'client-kill' }, {
    verdict: 'killed',
    reason: 'the shell forwarded the terminal hangup to its job',
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: 2041, comm: 'bash', code: 0 },
    deathMs: 41,
    sessionEndedMs: 18,
    clientEnd: { exitMs: 3, exitCode: null, exitSignal: 'SIGKILL', lastLines: [] },
  }),
  cell('3c4d5e6f', { session: 'pty', launch: 'nohup', sever: 'logout' }, {
    reason: 'alive at the end of the window; SIGHUP is ignored under nohup',
    sessionEndedMs: 7,
    clientEnd: { exitMs: 11, exitCode: 0, exitSignal: null, lastLines: ['logout', 'Connection to 172.17.0.3 closed.'] },
  }),
  cell('4d5e6f70', { session: 'pty', launch: 'nohup', sever: 'client-kill' }, {
    reason: 'alive at the end of the window; SIGHUP is ignored under nohup',
  }),
  cell('5e6f7081', { session: 'exec', launch: 'foreground', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'an exec session has no interactive shell | nothing to log out of',
    ...notRun,
  }),
  cell('6f708192', { session: 'exec', launch: 'foreground', sever: 'client-kill' }, {
    verdict: 'session-open',
    reason: 'sshd-session (pid 2107) was still running when the 30 s window closed',
    sessionEndedMs: null,
  }),
  cell('708192a3', { session: 'exec', launch: 'nohup', sever: 'logout' }, {
    verdict: 'not-applicable',
    reason: 'an exec session has no interactive shell to log out of',
    ...notRun,
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
  // One case, three repetitions: sshd noticed after 5.1–5.6 s each time, the client after ≈9 s in
  // two of them, and one repetition lost the probe to the kernel's hangup: a disagreement.
  cell('a1000001', { session: 'pty', launch: 'disown', sever: 'drop' }, {
    ...dropped,
    caseId: 'case-drop-disown',
    reason: 'alive at the end of the window; a disowned job gets no SIGHUP from bash',
    sessionEndedMs: 5_300,
    clientEnd: timedOut(9_100),
  }),
  cell('a2000002', { session: 'pty', launch: 'disown', sever: 'drop' }, {
    ...dropped,
    caseId: 'case-drop-disown',
    rep: 2,
    reason: 'alive at the end of the window; a disowned job gets no SIGHUP from bash',
    sessionEndedMs: 5_100,
    clientEnd: timedOut(9_200),
  }),
  cell('a3000003', { session: 'pty', launch: 'disown', sever: 'drop' }, {
    ...dropped,
    caseId: 'case-drop-disown',
    rep: 3,
    verdict: 'killed',
    reason: 'SIGHUP from the kernel (terminal hangup), dead 5.65 s after the sever',
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: null, comm: null, code: 128 },
    deathMs: 5_650,
    sessionEndedMs: 5_600,
    clientEnd: { exitMs: null, exitCode: null, exitSignal: null, lastLines: [] },
    probe: {
      pid: 2163,
      stdoutErrors: [],
      lastHeartbeatMs: 5_400,
      signalsCaught: [hup(5_640, { senderPid: null, senderComm: null, code: 128 }, '/user.slice/user-1001.slice/session-9.scope')],
      cgroup: '/user.slice/user-1001.slice/session-9.scope',
      log: ['-1500 ms started', '5640 ms caught SIGHUP code=128'],
    },
  }),
  cell('b4c5d6e7', { session: 'pty', launch: 'nohup', sever: 'nat-expiry:10' }, {
    reason: 'alive at the end of the window; SIGHUP is ignored under nohup',
    networkPath: 'nat',
    pathBrokeMs: 10_400,
    severLayer: 'middlebox',
    detectors: ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write'],
    sessionEndedMs: 15_700,
    clientEnd: timedOut(19_600),
  }),
  cell('c5d6e7f8', { session: 'pty', launch: 'tmux', sever: 'logout' }, {
    reason: 'alive at the end of the window; tmux keeps its own session',
    sessionEndedMs: 8,
    clientEnd: { exitMs: 10, exitCode: 0, exitSignal: null, lastLines: ['logout'] },
    checks: [{ name: 'reattach', ok: true, detail: 'a new session attached to tmux session hl-c5 and saw the probe', atMs: 12_100 }],
  }),
  cell('d6e7f809', { session: 'pty', launch: 'tmux', sever: 'client-kill' }, {
    reason: 'alive at the end of the window; tmux keeps its own session',
    checks: [
      {
        name: 'reattach',
        ok: false,
        detail: 'tmux attach-session: no server running on /tmp/tmux-1001/default',
        atMs: 15_200,
      },
    ],
  }),
  cell('e7f8091a', { session: 'pty', launch: 'background', sever: 'client-kill' }, {
    user: 'root',
    loginUser: 'root',
    verdict: 'killed',
    reason: 'SIGHUP from bash (pid 2240), dead 0.03 s after the sever',
    signal: 'SIGHUP',
    signalEvidence: 'caught',
    signalSender: { pid: 2240, comm: 'bash', code: 0 },
    deathMs: 30,
    sessionEndedMs: 14,
    clientEnd: { exitMs: 2, exitCode: null, exitSignal: 'SIGKILL', lastLines: [] },
    probe: {
      pid: 2247,
      stdoutErrors: [],
      lastHeartbeatMs: 20,
      signalsCaught: [hup(29, { senderPid: 2240, senderComm: 'bash', code: 0 }, '/user.slice/user-0.slice/session-12.scope')],
      cgroup: '/user.slice/user-0.slice/session-12.scope',
      log: ['-1500 ms started', '29 ms caught SIGHUP code=0 pid=2240'],
    },
  }),
  cell('f8091a2b', { session: 'pty', launch: 'setsid', sever: 'client-kill' }, {
    user: 'root',
    loginUser: 'root',
    workload: 'chatty',
    reason: 'alive at the end of the window; a new session has no controlling terminal to lose',
    probe: {
      pid: 2248,
      stdoutErrors: ['EIO'],
      lastHeartbeatMs: 29_900,
      signalsCaught: [],
      cgroup: '/user.slice/user-0.slice/session-13.scope',
      log: ['-1500 ms started', '200 ms stdout write failed EIO'],
    },
  }),
];

const byId = (id: string) => cells.find((c) => c.id === id)!;

// Shuffled on purpose: reports must lay cells out by axes, not by the order they finished in.
const shuffled = [
  'a3000003', '6f708192', 'e7f8091a', '1a2b3c4d', '8192a3b4', 'b4c5d6e7', '3c4d5e6f', 'a1000001',
  '5e6f7081', 'd6e7f809', '2b3c4d5e', 'f8091a2b', '708192a3', 'c5d6e7f8', 'a2000002', '4d5e6f70',
].map(byId);

export const fixture: RunResult = {
  schemaVersion: 7,
  tool: { name: 'hangup-lab', version: '0.2.0' },
  scenario: {
    file: 'scenarios/pty-vs-exec.yaml',
    name: 'pty vs exec',
    description: 'Does nohup protect a job when the client dies, with and without a terminal?',
  },
  startedAt: '2025-06-14T09:12:03.417Z',
  finishedAt: '2025-06-14T09:14:45.902Z',
  durationMs: 162_485,
  targets: [target],
  clients: { openssh: target.client },
  axes: {
    target: ['debian-bookworm'],
    server: ['openssh'],
    client: ['openssh'],
    user: ['lab', 'root'],
    session: ['pty', 'exec'],
    launch: ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux'],
    workload: ['quiet', 'chatty'],
    sever: ['logout', 'client-kill', 'drop', 'nat-expiry:10'],
    clientAlive: ['1/2'],
    serverAlive: ['3/2'],
    tcpKeepAlive: ['yes'],
    kernel: ['default'],
    killUserProcesses: ['no'],
    linger: ['off'],
    huponexit: ['off'],
  },
  sshdConfig: null,
  expectations: [],
  strict: false,
  repeat: 1,
  races: [],
  // The disowned drop's three repetitions disagree (2 survived, 1 killed): the one flaky case.
  ...derived(shuffled, []),
  plan: cells.map(c => c.id),
  shard: null,
  containers: [{ server: target.key, role: 'shared', startedMs: 200, bootMs: 4100 }],
  cells: shuffled,
};

/** A fresh copy, so a test can alter it without affecting the others. */
export function fixtureCopy(): RunResult {
  return structuredClone(fixture);
}

// ---- Expectations and several targets (for the expectation, compare, merge and JUnit tests) ----

/**
 * Expectations about the fixture's cells: on the fixture, expect[0] is met by the nohup survivors,
 * not applicable to the exec/nohup logout and unjudged on the inconclusive exec/nohup client-kill;
 * expect[1] fails on exec/foreground/client-kill (session-open); expect[2] is met twice; expect[3]
 * fails on the third repetition of the disowned drop; expect[4] matches no cell.
 */
export const expectations: Expectation[] = [
  { index: 0, where: { launch: ['nohup'] }, verdict: ['survived'], signal: null, why: 'nohup ignores SIGHUP' },
  {
    index: 1,
    where: { launch: ['foreground'], sever: ['client-kill'] },
    verdict: ['killed'],
    signal: 'SIGHUP',
    why: 'the shell forwards the hangup',
  },
  { index: 2, where: { launch: ['tmux'] }, verdict: ['survived'], signal: null, why: 'tmux keeps its own session' },
  { index: 3, where: { launch: ['disown'], sever: ['drop'] }, verdict: ['survived'], signal: null, why: '' },
  { index: 4, where: { sever: ['sshd-restart'] }, verdict: ['survived'], signal: null, why: 'KillMode=process' },
];

/** Gives the result these expectations and judges every cell by them, as a run would. */
export function withExpectations(result: RunResult, list: Expectation[] = expectations, strict = false): RunResult {
  result.expectations = structuredClone(list);
  result.strict = strict;
  for (const c of result.cells) c.expectations = judgeCell(c, result.expectations);
  return result;
}

/** Recomputes what results.json derives from the cells (flaky, signalVaries, rates), as a run or merge would. */
export function withDerived(result: RunResult): RunResult {
  return Object.assign(result, derived(result.cells, result.races));
}

/**
 * The fixture with no flaky case: the third repetition of the disowned drop survived like the other
 * two, so a test can see a run pass.
 */
export function steadyCopy(): RunResult {
  const result = fixtureCopy();
  const third = result.cells.find((c) => c.id === 'a3000003')!;
  Object.assign(third, structuredClone(cells.find((c) => c.id === 'a2000002')!), { id: third.id, rep: 3 });
  return withDerived(result);
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The fixture with the cells in run order (the plan's) and hex case ids like a real run's, so
 * `shardOf` spreads them: the same case still shares a case id, so every report reads the same.
 */
export function runOrderCopy(): RunResult {
  const result = fixtureCopy();
  result.cells = cells.map((c) => ({ ...structuredClone(c), caseId: hash(c.caseId, 10) }));
  result.plan = result.cells.map((c) => c.id);
  return withDerived(result);
}

/**
 * The fixture as `--repeat 3` runs it, in run order: every case three times, repetitions adjacent,
 * rep 1 keeping the case's id (the disowned drop had three already). Besides the disowned drop, two
 * cases come out differently once: pty/nohup client-kill is inconclusive in rep 2 (flaky: an
 * inconclusive repetition counts), and root's pty/background client-kill dies of SIGTERM from
 * systemd in rep 3 instead of SIGHUP from bash (the signal varies, the verdict does not).
 */
export function repeatedRun(repeat = 3): RunResult {
  const result = runOrderCopy();
  result.repeat = repeat;
  result.cells = result.cells.flatMap((c) => {
    if (result.cells.some((x) => x.caseId === c.caseId && x.rep > 1)) return [c];
    return Array.from({ length: repeat }, (_, i): CellResult =>
      i === 0 ? c : { ...structuredClone(c), id: hash(`${c.id}:${i + 1}`, 8), rep: i + 1, timing: { ...c.timing, startedMs: c.timing.startedMs + i * 25_000 } },
    );
  });
  const repOf = (id: string, rep: number) => {
    const caseId = result.cells.find((c) => c.id === id)!.caseId;
    return result.cells.find((c) => c.caseId === caseId && c.rep === rep)!;
  };
  Object.assign(repOf('4d5e6f70', 2), {
    verdict: 'inconclusive',
    reason: 'the probe never logged its start: the hangup reached it while it was starting',
    sessionEndedMs: 15,
  });
  Object.assign(repOf('e7f8091a', 3), {
    reason: 'SIGTERM from systemd (pid 1), dead 0.21 s after the sever',
    signal: 'SIGTERM',
    signalSender: { pid: 1, comm: 'systemd', code: 0 },
    deathMs: 210,
  });
  result.plan = result.cells.map((c) => c.id);
  return withDerived(result);
}

/**
 * Race declarations for repeatedRun(): the disowned drop (2 survived, 1 killed: every repetition
 * judged, so a rate and not flaky), and pty/nohup client-kill, whose inconclusive repetition keeps
 * it flaky although it is declared.
 */
export const races: Race[] = [
  { where: { launch: ['disown'], sever: ['drop'] }, why: "sshd's keepalive gives up on the dead path close to the window's end" },
  { where: { session: ['pty'], launch: ['nohup'], sever: ['client-kill'] }, why: 'the hangup vs nohup ignoring SIGHUP' },
];

/** repeatedRun() with `races` declared, derived again as a run would. */
export function racedRun(list: Race[] = races): RunResult {
  const result = repeatedRun();
  result.races = structuredClone(list);
  return withDerived(result);
}

const OPENSSH: Record<string, string> = {
  'debian-bullseye': 'OpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023',
  'debian-bookworm': target.serverVersion,
  'debian-trixie': 'OpenSSH_10.0p2 Debian-7, OpenSSL 3.5.1 1 Jul 2025',
};

/**
 * The fixture's cells run on each of these targets (new ids and case ids, a fingerprint and a
 * container each), in run order. On the last target a few cases come out differently: pty/nohup
 * client-kill is killed by SIGTERM, exec/foreground client-kill by SIGPIPE instead of staying
 * open, and every repetition of the disowned drop survives; pty/foreground client-kill dies later
 * (times only, the same outcome).
 */
export function multiTarget(names: readonly string[] = ['debian-bullseye', 'debian-trixie']): RunResult {
  const result = fixtureCopy();
  const last = names[names.length - 1];
  const fingerprints = names.map(
    (name): TargetFingerprint => ({
      ...structuredClone(target),
      key: target.key.replace('debian-bookworm', name),
      name,
      image: `hangup-lab/${name}:latest`,
      serverVersion: OPENSSH[name] ?? `OpenSSH_9.9p1 ${name}`,
    }),
  );
  result.cells = names.flatMap((name, i) =>
    cells.map((c): CellResult => {
      const copy: CellResult = {
        ...structuredClone(c),
        id: hash(`${name}:${c.id}`, 10),
        caseId: hash(`${name}:${c.caseId}`, 10),
        target: name,
        serverKey: fingerprints[i]!.key,
        timing: { ...c.timing, startedMs: c.timing.startedMs + i * 500 },
      };
      if (name !== last) return copy;
      if (c.id === '4d5e6f70') {
        return {
          ...copy,
          verdict: 'killed',
          reason: 'SIGTERM from systemd (pid 1), dead 0.12 s after the sever',
          signal: 'SIGTERM',
          signalEvidence: 'caught',
          signalSender: { pid: 1, comm: 'systemd', code: 0 },
          deathMs: 120,
        };
      }
      if (c.id === '6f708192') {
        return {
          ...copy,
          verdict: 'killed',
          reason: 'SIGPIPE: its output pipe lost its reader',
          signal: 'SIGPIPE',
          signalEvidence: 'caught',
          signalSender: { pid: null, comm: null, code: 128 },
          deathMs: 12,
          sessionEndedMs: 8,
        };
      }
      if (c.id === 'a3000003') {
        return {
          ...copy,
          verdict: 'survived',
          reason: 'alive at the end of the window; a disowned job gets no SIGHUP from bash',
          signal: null,
          signalEvidence: null,
          signalSender: null,
          deathMs: null,
          sessionEndedMs: 5_400,
        };
      }
      if (c.id === '2b3c4d5e') return { ...copy, deathMs: 77, sessionEndedMs: 30 };
      return copy;
    }),
  );
  result.axes.target = [...names];
  result.targets = fingerprints.sort((a, b) => a.key.localeCompare(b.key));
  result.plan = result.cells.map((c) => c.id);
  result.containers = fingerprints
    .map((fp, i) => ({ server: fp.key, role: 'shared' as const, startedMs: 200 + i * 150, bootMs: 4100 + i * 300 }))
    .sort((a, b) => a.startedMs - b.startedMs);
  return withDerived(result);
}
