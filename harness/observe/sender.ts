// Who sent a signal, in words, from the kernel's siginfo as the probe recorded it. Shared by the
// verdict and the reports so a cell reads the same everywhere.

export interface SignalSender {
  pid: number | null;
  comm: string | null;
  /** siginfo si_code: 0 = SI_USER (kill(2)), 128 = SI_KERNEL */
  code: number | null;
}

const SI_USER = 0;
const SI_KERNEL = 128;

export function describeSender(s: SignalSender, probePid: number | null): string {
  if (s.code === SI_KERNEL) return 'the kernel (terminal hangup)';
  // A write to a pipe without reader raises SIGPIPE on the writer itself: si_pid is its own pid.
  if (s.pid !== null && s.pid === probePid) return 'its own failed write (the reader is gone)';
  if (s.code === SI_USER && s.pid) return `${s.comm ?? '?'} (pid ${s.pid})`;
  return `si_code ${s.code ?? '?'}`;
}
