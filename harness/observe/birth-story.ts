// What happened to a probe that never logged its start, read from a kernel trace (ftrace text) of
// the target's processes: which process the launch line started, how far it got (exec of nohup, of
// the probe), which signal ended it, who sent it and in which way. Pure: the trace is recorded by
// birth-trace.ts; this reads its text.
//
// Kernel facts it relies on (Linux 6.x, kernel/signal.c, drivers/tty/tty_jobctrl.c, kernel/exit.c):
// - signal_generate is traced in the sender's context: the line's task is `current`, i.e. the
//   sender, also for signals the kernel raises itself (si_code 128 = SI_KERNEL); its `res` says
//   whether the signal was queued (0), ignored (1), already pending (2).
// - When a session leader exits, the kernel sends SIGHUP (and SIGCONT) to its terminal's foreground
//   process group (disassociate_ctty), in the context of the exiting leader; when the pty master is
//   closed, the hangup goes to the session leader (tty_signal_session_leader) in the closer's context.
// - A fatal signal with the default action is turned into a group kill at once (complete_signal):
//   signal_deliver then shows SIGKILL, not the signal that killed it. The dying child's SIGCHLD to
//   its parent carries CLD_KILLED (2) or CLD_DUMPED (3) as si_code, CLD_EXITED (1) for an exit.
import path from 'node:path';

export interface TraceEvent {
  /** CLOCK_MONOTONIC ms (trace_clock "mono"): the same clock as monoMs() and the probe's log */
  atMs: number;
  /** the task the event ran in (for signal_generate: the sender) */
  pid: number;
  comm: string;
  name: string;
  /** the event's own fields; syscall events: their arguments by name */
  fields: Record<string, string>;
}

/** Linux signal numbers (x86, arm, most others) → names. */
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};
export const signalName = (n: number) => SIGNALS[n] ?? `signal ${n}`;
/** signals whose default action does not end a process (ignore, continue, stop) */
const NOT_FATAL = new Set([17, 18, 19, 20, 21, 22, 23, 28]);
const SI_KERNEL = 128;
const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
const RESULTS = ['delivered', 'ignored', 'already pending', 'overflow', 'lost info'] as const;

// "          bash-31617   [001] d..2.  3034.964779: signal_generate: sig=1 …". The comm may hold
// dashes, spaces and parentheses ("(sd-pam)-31416"): the pid is the last "-digits" before the CPU.
const LINE = /^\s*(.*)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+\s+(\d+\.\d+):\s+(.*)$/;
const SYSCALL = /^(sys_\w+)\((.*)\)\s*$/;
const EVENT = /^(\w+):\s?(.*)$/;

/** The events of an ftrace text (the instance's `trace` file); headers and unknown lines are skipped. */
export function parseTrace(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const [, comm, pid, secs, body] = m as unknown as [string, string, string, string, string];
    const base = { atMs: Number(secs) * 1000, pid: Number(pid), comm: comm.trim() };
    const sys = SYSCALL.exec(body);
    if (sys) {
      const fields: Record<string, string> = {};
      for (const arg of sys[2]!.split(',')) {
        const [k, v] = arg.split(':').map(s => s.trim());
        if (k && v !== undefined) fields[k] = v;
      }
      events.push({ ...base, name: sys[1]!, fields });
      continue;
    }
    const ev = EVENT.exec(body);
    if (ev) events.push({ ...base, name: ev[1]!, fields: eventFields(ev[1]!, ev[2]!) });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** key=value fields; comm and filename values may hold spaces, so each event has its own pattern. */
function eventFields(name: string, body: string): Record<string, string> {
  const patterns: Record<string, RegExp> = {
    sched_process_fork: /^comm=(?<comm>.*) pid=(?<pid>\d+) child_comm=(?<child_comm>.*) child_pid=(?<child_pid>\d+)$/,
    sched_process_exec: /^filename=(?<filename>.*) pid=(?<pid>\d+) old_pid=(?<old_pid>\d+)$/,
    sched_process_exit: /^comm=(?<comm>.*) pid=(?<pid>\d+) prio=(?<prio>-?\d+)(?: group_dead=(?<group_dead>\w+))?$/,
    signal_generate: /^sig=(?<sig>\d+) errno=(?<errno>-?\d+) code=(?<code>-?\d+) comm=(?<comm>.*) pid=(?<pid>\d+) grp=(?<grp>\d+) res=(?<res>\d+)$/,
    signal_deliver: /^sig=(?<sig>\d+) errno=(?<errno>-?\d+) code=(?<code>-?\d+) sa_handler=(?<sa_handler>[0-9a-f]+) sa_flags=(?<sa_flags>[0-9a-f]+)$/,
  };
  const m = patterns[name]?.exec(body.trim());
  return m?.groups ? { ...m.groups } : {};
}

/** A syscall argument as ftrace prints it (hex): -1 ("unchanged" for setresuid) in 32 or 64 bits → null. */
export function idArg(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v.startsWith('0x') ? BigInt(v) : v);
  return n >= 0xffffffff ? null : n;
}

export interface TracedSignal {
  atMs: number;
  signal: string;
  /** siginfo si_code as generated: 0 SI_USER (kill), 128 SI_KERNEL, -6 SI_TKILL */
  code: number;
  /** the task the kernel ran in when it generated the signal: host pid and comm */
  senderPid: number;
  senderComm: string;
  /** the sender had already exited (the kernel acting on its way out: a session leader's hangup) */
  senderExited: boolean;
  result: (typeof RESULTS)[number] | `res ${number}`;
}

export interface TracedProcess {
  /** host pid (the trace sees the host's pid namespace) */
  pid: number;
  parentPid: number | null;
  comm: string;
  forkedAtMs: number | null;
  /** files it exec'd, in order (bash, then e.g. nohup, then the probe in the same process) */
  execs: { atMs: number; filename: string }[];
  signals: TracedSignal[];
  /** exit_group(2) status when it exited by itself */
  exitCode: number | null;
  exitedAtMs: number | null;
  /** si_code of the SIGCHLD it sent its parent as it died: 1 exited, 2 killed, 3 dumped core */
  childCode: number | null;
}

export type BirthFate =
  | { kind: 'killed'; signal: TracedSignal; atMs: number; reachedProbe: boolean; lastExec: string | null }
  | { kind: 'exited'; code: number | null; atMs: number; reachedProbe: boolean; lastExec: string | null }
  | { kind: 'alive'; reachedProbe: boolean; lastExec: string | null }
  | { kind: 'unclear'; why: string };

export interface BirthStory {
  uid: number;
  /** the login shell that ran the launch line (`bash -c '…'` for exec-tty) */
  shell: TracedProcess;
  /** the process the launch line started (the shell's first child, or the shell itself if it exec'd in place) */
  launched: TracedProcess | null;
  fate: BirthFate;
  /** events the ring buffer could not keep (a full buffer drops the newest) */
  lostEvents: number;
  /** how many events the story was read from */
  events: number;
}

interface Proc extends TracedProcess {
  ruid: number | null;
  /** the highest ancestor whose fork is in the trace (a connection's sshd, the user manager …) */
  root: Proc | null;
  parent: Proc | null;
  children: Proc[];
}

/**
 * The fork tree of the trace, with each process's real uid (set by setresuid/setuid, inherited on
 * fork) and what happened to it. Processes that existed when the trace began have no fork event:
 * they are the roots' parents (the sshd listener, PID 1), with an unknown uid.
 */
function buildTree(events: TraceEvent[]): Proc[] {
  const live = new Map<number, Proc>();
  const all: Proc[] = [];
  const proc = (pid: number, comm: string): Proc => {
    let p = live.get(pid);
    if (!p) {
      p = { pid, parentPid: null, comm, forkedAtMs: null, execs: [], signals: [], exitCode: null, exitedAtMs: null, childCode: null, ruid: null, root: null, parent: null, children: [] };
      live.set(pid, p);
      all.push(p);
    }
    return p;
  };
  for (const e of events) {
    const f = e.fields;
    switch (e.name) {
      case 'sched_process_fork': {
        const parent = proc(Number(f.pid), f.comm ?? e.comm);
        const child: Proc = {
          pid: Number(f.child_pid), parentPid: parent.pid, comm: f.child_comm ?? parent.comm, forkedAtMs: e.atMs,
          execs: [], signals: [], exitCode: null, exitedAtMs: null, childCode: null,
          ruid: parent.ruid, root: null, parent, children: [],
        };
        child.root = parent.forkedAtMs === null ? child : parent.root;
        // A reused pid starts a new process.
        live.set(child.pid, child);
        all.push(child);
        parent.children.push(child);
        break;
      }
      case 'sched_process_exec': {
        const p = proc(Number(f.pid ?? e.pid), e.comm);
        p.execs.push({ atMs: e.atMs, filename: f.filename ?? '?' });
        p.comm = path.basename(f.filename ?? p.comm).slice(0, 15);
        break;
      }
      case 'sys_setresuid': {
        const ruid = idArg(f.ruid);
        if (ruid !== null) proc(e.pid, e.comm).ruid = ruid;
        break;
      }
      case 'sys_setuid': {
        // Only a privileged setuid changes the real uid; sshd calls setuid(0) after dropping root to
        // prove it cannot get it back (it fails), which must not count.
        const p = proc(e.pid, e.comm);
        const uid = idArg(f.uid);
        if (uid !== null && (p.ruid === null || p.ruid === 0)) p.ruid = uid;
        break;
      }
      case 'sys_exit_group':
        proc(e.pid, e.comm).exitCode = idArg(f.error_code);
        break;
      case 'sched_process_exit':
        if (f.group_dead !== 'false') proc(Number(f.pid ?? e.pid), e.comm).exitedAtMs = e.atMs;
        break;
      case 'signal_generate': {
        const sig = Number(f.sig);
        const target = proc(Number(f.pid), f.comm ?? '?');
        const sender = live.get(e.pid);
        // The exiting child's SIGCHLD says how it ended (the parent may be a reaper it was given to).
        if (sig === 17 && sender && sender.exitedAtMs !== null && sender.childCode === null) sender.childCode = Number(f.code);
        if (sig === 17) break;
        const res = Number(f.res);
        target.signals.push({
          atMs: e.atMs,
          signal: signalName(sig),
          code: Number(f.code),
          senderPid: e.pid,
          senderComm: e.comm === '<...>' ? (sender?.comm ?? '?') : e.comm,
          senderExited: sender?.exitedAtMs != null && sender.exitedAtMs <= e.atMs,
          result: signalResult(res),
        });
        break;
      }
      default:
        break;
    }
  }
  return all;
}

const isSshd = (file: string) => /^sshd/.test(path.basename(file));

/** A connection's process tree starts with a process sshd forked (or one that exec'd an sshd binary). */
function isConnection(root: Proc): boolean {
  return isSshd(root.comm) || (root.execs[0] !== undefined && isSshd(root.execs[0].filename));
}

/**
 * The login shell of `uid`: an exec, in an sshd connection's tree, by a process of that real uid
 * whose parent is still an sshd (the session's sshd for a user; the monitor itself for root, whose
 * session it runs without a privilege-separated child), of anything but an sshd binary (OpenSSH
 * 10's sshd-auth is the pre-auth helper). PAM's motd scripts are also forked by the monitor, but
 * before the session's shell: the latest such exec is the login (a setup retry logs in again).
 */
function findShell(procs: Proc[], uid: number, execBeforeMs = Infinity): Proc | null {
  const ofUid = (p: Proc) => p.ruid === uid || (uid === 0 && p.ruid === null);
  const stillSshd = (p: Proc | null) => p !== null && (p.execs.length ? p.execs.every(x => isSshd(x.filename)) : isSshd(p.comm));
  const shells = procs
    .filter(p => p.root && isConnection(p.root) && p !== p.root && stillSshd(p.parent) && p.execs[0] && !isSshd(p.execs[0].filename) && ofUid(p) && p.execs[0].atMs < execBeforeMs)
    .sort((a, b) => a.execs[0]!.atMs - b.execs[0]!.atMs);
  return shells.at(-1) ?? null;
}

function subtree(p: Proc): Proc[] {
  return [p, ...p.children.flatMap(subtree)];
}

/** How many events a full ring buffer dropped, as the stats of birth-trace.ts recorded them. */
export function lostEventsOf(text: string): number {
  const m = /^# hangup-lab .*\blost-events=(\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * The story of the launch line of the login of `uid`: the process it started, whether that process
 * got as far as exec'ing the probe, and how it ended. Null when the trace holds no login shell of
 * that uid (the reason is the caller's to give: no such login, or events lost). `loginBeforeMs`:
 * only a login whose shell exec'd before then (CLOCK_MONOTONIC ms) is the launching one; a later
 * login of the same user (session/later.ts) is not.
 */
export function analyseBirth(text: string, o: { uid: number; probePath: string; loginBeforeMs?: number }): BirthStory | null {
  const events = parseTrace(text);
  const procs = buildTree(events);
  const shell = findShell(procs, o.uid, o.loginBeforeMs);
  if (!shell) return null;
  const shellExec = shell.execs[0]!.atMs;
  const inShell = subtree(shell);
  const probe = inShell.find(p => p.execs.some(x => x.filename === o.probePath));
  // `cmd &` forks a child that execs cmd; `setsid cmd` (a single command) is exec'd by the shell in
  // place and forks itself; so: who exec'd the probe, else the shell's first child, else the shell
  // if it exec'd again.
  const firstChild = shell.children.find(c => (c.forkedAtMs ?? 0) >= shellExec) ?? null;
  const launched = probe ?? firstChild ?? (shell.execs.length > 1 ? shell : null);
  const story = { uid: o.uid, shell: strip(shell), lostEvents: lostEventsOf(text), events: events.length };
  if (!launched) return { ...story, launched: null, fate: { kind: 'unclear', why: `the login shell (${shell.comm}, host pid ${shell.pid}) started no process` } };
  return { ...story, launched: strip(launched), fate: fateOf(launched, o.probePath) };
}

function fateOf(p: Proc, probePath: string): BirthFate {
  const reachedProbe = p.execs.some(x => x.filename === probePath);
  const lastExec = p.execs.at(-1)?.filename ?? null;
  if (p.exitedAtMs === null) return { kind: 'alive', reachedProbe, lastExec };
  const exitedAt = p.exitedAtMs;
  if (p.childCode === CLD_EXITED) return { kind: 'exited', code: p.exitCode, atMs: exitedAt, reachedProbe, lastExec };
  const fatal = p.signals.filter(s => s.result === 'delivered' && s.atMs <= exitedAt + 0.001 && fatalByDefault(s.signal));
  // Two witnesses: a fatal signal queued for it, and its parent told it was killed (not exited).
  if (p.childCode === CLD_KILLED || p.childCode === CLD_DUMPED) {
    const signal = fatal[0];
    if (signal) return { kind: 'killed', signal, atMs: exitedAt, reachedProbe, lastExec };
    return { kind: 'unclear', why: `it was killed (its parent's SIGCHLD says so) by a signal the trace did not record (sent from outside the container's processes?)` };
  }
  if (p.childCode === null) return { kind: 'unclear', why: `it ended at ${exitedAt.toFixed(1)} ms but the trace holds no SIGCHLD telling how` };
  return { kind: 'unclear', why: `its SIGCHLD carried si_code ${p.childCode}` };
}

const numberOf = (name: string) => Number(Object.entries(SIGNALS).find(([, n]) => n === name)?.[0] ?? 0);

/** Whether a signal's default action ends the process (not ignore, continue or stop). */
export const fatalByDefault = (signal: string) => !NOT_FATAL.has(numberOf(signal));

/** signal_generate's `res` in words. */
export const signalResult = (res: number): TracedSignal['result'] => RESULTS[res] ?? `res ${res}`;

function strip(p: Proc): TracedProcess {
  const { pid, parentPid, comm, forkedAtMs, execs, signals, exitCode, exitedAtMs, childCode } = p;
  return { pid, parentPid, comm, forkedAtMs, execs, signals, exitCode, exitedAtMs, childCode };
}

// ---------------------------------------------------------------------------------------------
// In words, and as verdict fields

/** Who sent it, in words, from the trace: the kernel's terminal hangup (and on whose behalf) or a kill. */
export function describeTracedSender(s: TracedSignal, shell: TracedProcess | null): string {
  const who = `${s.senderComm} (host pid ${s.senderPid})`;
  if (s.code === SI_KERNEL && s.signal === 'SIGHUP') {
    if (s.senderExited) {
      const leader = shell && shell.pid === s.senderPid ? `the login shell ${who}` : who;
      return `the kernel's terminal hangup as the session leader, ${leader}, exited: SIGHUP to the terminal's foreground process group`;
    }
    return `the kernel's terminal hangup when ${who} closed the pty`;
  }
  if (s.code === SI_KERNEL) return `the kernel, in the context of ${who}`;
  if (s.code === 0 || s.code === -6 || s.code === -1) return `kill(2) from ${who}`;
  return `${who}, si_code ${s.code}`;
}

export type UnbornVerdict = {
  verdict: 'killed' | 'exited' | 'inconclusive';
  reason: string;
  signal: string | null;
  signalEvidence: 'kernel trace' | null;
  signalSender: { pid: number | null; comm: string | null; code: number | null } | null;
  /** ms from t0 to the death (negative: before it); null without t0 or death */
  deathMs: number | null;
  timeline: { atMs: number; event: string }[];
};

const ms = (a: number, b: number) => `${Math.round(a - b)} ms`;

/**
 * The verdict fields of a cell whose probe never logged its start, from the trace's story. `t0Mono`
 * is the cell's time origin (monoMs(), the same clock as the trace); times in the timeline and
 * deathMs are relative to it. The sender's pid is left null: the trace knows host pids, the results
 * speak of the container's; the reason names the host pid.
 */
export function explainUnbornProbe(found: BirthStory | null | { unavailable: string }, o: { t0Mono?: number } = {}): UnbornVerdict {
  const none = { signal: null, signalEvidence: null, signalSender: null, deathMs: null, timeline: [] };
  const start = 'the probe never logged its start';
  if (found === null) return { verdict: 'inconclusive', reason: `${start}, and the kernel trace holds no login of the cell's user`, ...none };
  if ('unavailable' in found) return { verdict: 'inconclusive', reason: `${start}, and no kernel trace could say why: ${found.unavailable}`, ...none };
  const { shell, launched, fate } = found;
  const lost = found.lostEvents ? ` (the trace buffer dropped ${found.lostEvents} events)` : '';
  if (!launched || fate.kind === 'unclear') {
    return { verdict: 'inconclusive', reason: `${start}; kernel trace: ${fate.kind === 'unclear' ? fate.why : 'no process started'}${lost}`, ...none };
  }
  const t0 = o.t0Mono;
  const rel = (at: number) => (t0 === undefined ? 0 : Math.round(at - t0));
  const shellName = `${path.basename(shell.execs[0]?.filename ?? shell.comm)} (host pid ${shell.pid})`;
  const born = launched.forkedAtMs ?? launched.execs[0]?.atMs ?? shell.execs[0]!.atMs;
  // `setsid cmd` is exec'd by the shell in place: its parent is then setsid, in the shell's pid.
  const parent = launched.parentPid === shell.pid && shell.execs.length > 1 ? `${path.basename(shell.execs.at(-1)!.filename)}, exec'd in place by the login shell ${shellName}` : `the login shell ${shellName}`;
  const what = launched.pid === shell.pid ? `the login shell ${shellName}` : `the launch line's process (host pid ${launched.pid}, forked by ${parent})`;
  const execs = launched.execs.map(x => `${x.filename} (+${ms(x.atMs, born)})`).join(', then ');
  const progress = (reachedProbe: boolean) =>
    !launched.execs.length
      ? "had exec'd nothing yet (it was still the shell's copy), so the probe never ran"
      : reachedProbe
        ? `had exec'd ${execs}: the probe ran, but had not yet logged its start nor installed its handlers`
        : `had exec'd ${execs} but not yet the probe`;
  const timeline: UnbornVerdict['timeline'] = [];
  if (t0 !== undefined) {
    timeline.push({ atMs: rel(shell.execs[0]!.atMs), event: `kernel trace: login shell exec ${shell.execs[0]!.filename}` });
    if (launched.forkedAtMs !== null) timeline.push({ atMs: rel(launched.forkedAtMs), event: `kernel trace: launch line forked pid ${launched.pid}` });
    for (const x of launched.execs) timeline.push({ atMs: rel(x.atMs), event: `kernel trace: exec ${x.filename}` });
    if (shell.exitedAtMs !== null && shell.pid !== launched.pid) timeline.push({ atMs: rel(shell.exitedAtMs), event: `kernel trace: login shell exited (${shell.exitCode ?? '?'})` });
  }
  if (fate.kind === 'alive') {
    return { verdict: 'inconclusive', reason: `${start}; kernel trace: ${what} ${progress(fate.reachedProbe)}, and was still running when the trace stopped${lost}`, ...none, timeline };
  }
  if (fate.kind === 'exited') {
    if (t0 !== undefined) timeline.push({ atMs: rel(fate.atMs), event: `kernel trace: it exited (${fate.code ?? '?'})` });
    return {
      verdict: 'exited',
      reason: `${start}; kernel trace: ${what} ${progress(fate.reachedProbe)}, and exited with status ${fate.code ?? '?'} ${ms(fate.atMs, born)} after its fork${lost}`,
      ...none,
      deathMs: t0 === undefined ? null : rel(fate.atMs),
      timeline,
    };
  }
  const s = fate.signal;
  const sender = describeTracedSender(s, shell);
  if (t0 !== undefined) {
    timeline.push({ atMs: rel(s.atMs), event: `kernel trace: ${s.signal} generated by ${sender}` });
    timeline.push({ atMs: rel(fate.atMs), event: `kernel trace: it died of ${s.signal}` });
  }
  const ignored = launched.signals.filter(x => x.result === 'ignored' && x !== s).map(x => x.signal);
  return {
    verdict: 'killed',
    reason:
      `killed at birth by ${s.signal} from ${sender} (si_code ${s.code}; kernel trace): ${what} ${progress(fate.reachedProbe)} ` +
      `when it came, ${ms(s.atMs, born)} after its fork; it died ${ms(fate.atMs, s.atMs)} later with its disposition still the default ` +
      `(no handler, not ignored; its parent got CLD_KILLED)${ignored.length ? `; it had ignored ${[...new Set(ignored)].join(', ')}` : ''}${lost}`,
    signal: s.signal,
    signalEvidence: 'kernel trace',
    signalSender: { pid: null, comm: s.senderComm, code: s.code },
    deathMs: t0 === undefined ? null : rel(fate.atMs),
    timeline,
  };
}
