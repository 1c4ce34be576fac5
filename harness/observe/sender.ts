// Who sent a signal, in words, from the kernel's siginfo as the probe recorded it. Shared by the
// verdict and the reports so a cell reads the same everywhere.

export interface SignalSender {
  pid: number | null;
  comm: string | null;
  /** siginfo si_code: 0 = SI_USER (kill(2)), 128 = SI_KERNEL, -6 = SI_TKILL (tgkill(2)) */
  code: number | null;
  /** the signal ("SIGHUP"); without it descriptions that depend on the signal stay generic */
  signal?: string | null;
  /** the probe's systemd cgroup when the signal arrived: names the unit or scope systemd stopped */
  cgroup?: string | null;
}

const SI_USER = 0;
const SI_KERNEL = 128;
/** sigqueue(3) */
const SI_QUEUE = -1;
/** tkill(2)/tgkill(2) */
const SI_TKILL = -6;
const FROM_A_PROCESS = new Set([SI_USER, SI_QUEUE, SI_TKILL]);

/** What the kernel's own job-control signals mean (the tty layer sends them to a process group). */
const KERNEL_GLOSS: Readonly<Record<string, string>> = {
  SIGTTIN: 'the kernel (a background job read its terminal)',
  SIGTTOU: 'the kernel (a background job wrote to its terminal under tostop, or changed its settings)',
  SIGTSTP: 'the kernel (the suspend character, ^Z, typed at its terminal)',
};

/** kill utilities a person runs from another session; `sh` is the builtin of a script or docker exec. */
const KILL_TOOLS: Record<string, string> = { kill: 'kill(1)', sh: 'kill(1)', dash: 'kill(1)', pkill: 'pkill(1)', killall: 'killall(1)' };

export function describeSender(s: SignalSender, probePid: number | null): string {
  const signal = s.signal ?? null;
  if (s.code === SI_KERNEL) {
    // The tty layer's hangup (sshd closed the pty master) is the kernel's only SIGHUP to a process.
    if (signal === null || signal === 'SIGHUP') return 'the kernel (terminal hangup)';
    return KERNEL_GLOSS[signal] ?? `the kernel (${signal})`;
  }
  // A write to a pipe without reader raises SIGPIPE on the writer itself: si_pid is its own pid.
  if (s.pid !== null && s.pid === probePid) {
    return signal === null || signal === 'SIGPIPE' ? 'its own failed write (the reader is gone)' : `itself (pid ${s.pid})`;
  }
  if (s.code !== null && FROM_A_PROCESS.has(s.code) && s.pid) return fromProcess(s.pid, s.comm, signal, s.cgroup ?? null);
  return `si_code ${s.code ?? '?'}`;
}

function fromProcess(pid: number, comm: string | null, signal: string | null, cgroup: string | null): string {
  // bash(1): an interactive shell that gets SIGHUP resends it to all its jobs before it exits.
  if (comm === 'bash' && signal === 'SIGHUP') return `bash (pid ${pid}) resending SIGHUP to its jobs`;
  if (comm === 'systemd') return `systemd (pid ${pid}, ${manager(pid, cgroup)}) stopping ${unitOf(cgroup) ?? 'the unit/scope'}`;
  // elogind has no units to stop: with KillUserProcesses=yes it kills what is left in the ended
  // session's cgroup itself (named after the session's id: "/83"). Measured: SIGTERM, from elogind-daemon.
  if (comm === 'elogind-daemon') return `elogind (pid ${pid}) killing what was left in the session's cgroup${cgroup ? ` ${cgroup}` : ''}`;
  const tool = comm === null ? undefined : KILL_TOOLS[comm];
  if (tool) return `${tool} from another session (pid ${pid})`;
  return `${comm ?? '?'} (pid ${pid})`;
}

/**
 * Which service manager: PID 1 is the system manager; any other `systemd` is a user manager
 * (user@UID.service), whose UID the probe's cgroup names when the probe was one of its units.
 */
function manager(pid: number, cgroup: string | null): string {
  if (pid === 1) return 'the system manager';
  const uid = cgroup?.match(/\/user@(\d+)\.service\//)?.[1];
  return uid ? `the user manager user@${uid}` : 'a user manager (user@UID.service)';
}

/** The last unit of a systemd cgroup path: "…/session-3.scope" → "session-3.scope". */
function unitOf(cgroup: string | null): string | null {
  const last = cgroup?.split('/').filter(Boolean).pop();
  return last && /\.(service|scope)$/.test(last) ? last : null;
}
