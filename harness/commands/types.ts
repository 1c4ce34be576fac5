/** A CLI subcommand: parses its own flags and returns the process exit code. */
export interface Command {
  name: string;
  /** one line for `hangup-lab help` */
  summary: string;
  /** the usage line(s) after "hangup-lab " */
  usage: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export interface CommandContext {
  version: string;
  /** progress lines for humans (stderr) */
  say: (line: string) => void;
}
