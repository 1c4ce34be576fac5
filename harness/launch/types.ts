export interface LaunchMode {
  name: string;
  summary: string;
  /** the probe keeps the terminal (a shell prompt does not come back until it ends) */
  holdsTerminal: boolean;
  /** the line typed in the shell (pty) or passed as the remote command (exec) */
  line(probe: string, unitName: string): string;
}

export function defineLaunchMode(m: LaunchMode): LaunchMode {
  return m;
}
