/**
 * What the probe does while it waits for its fate (containers/agent/probe runs the workload of
 * this name). Every workload logs its start, a heartbeat and every catchable signal to the probe's
 * log; they differ in what they do with stdin and stdout, which decides how a program can notice
 * the end of a session besides a signal: a failed write (EIO, SIGPIPE), a read that returns EOF or
 * EIO, a stop when a background job reads its terminal.
 */
export interface WorkloadKind {
  name: string;
  summary: string;
  /**
   * Its heartbeat goes to the session (the terminal, or the exec channel's pipe): a write can fail
   * when the session ends, sshd's loop is never idle (which postpones ClientAlive), and a client
   * attached to its terminal sees the output live.
   */
  writesToSession: boolean;
  /** It moves its own stdout and stderr to a file before its first write (`> file 2>&1`). */
  redirectsOutput?: boolean;
  /** It blocks reading its stdin; what each read returned is in the results (probe.reads). */
  readsStdin?: boolean;
  /**
   * It starts children (the same probe, each living about a second): each one's fate, signal and
   * sender is in the results (probe.tree); the verdict stays the parent's.
   */
  startsChildren?: boolean;
}

export function defineWorkload(w: WorkloadKind): WorkloadKind {
  return w;
}
