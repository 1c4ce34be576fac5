/**
 * A CLI subcommand. Its flags are declared here once: the parser, `hangup-lab COMMAND --help` and
 * the overview of `hangup-lab help` are all made from the declaration, so a flag cannot be
 * accepted without being described. A command's file imports its heavy modules (the runner, the
 * reports, testcontainers) inside `run`: `hangup-lab --help` loads the declarations only.
 */
export interface Command {
  name: string;
  /** one line for `hangup-lab help` (it fits 100 columns after the name) */
  summary: string;
  /** the operands after the flags, for the usage line: `[SCENARIO]`, `RESULTS.json...` */
  operands?: { usage: string; help: string };
  flags: readonly Flag[];
  /** paragraphs printed after the flags by `--help`: what the command does that flags do not say */
  notes?: readonly string[];
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export interface Flag {
  /** without the dashes: `out` is `--out` */
  name: string;
  /** a string flag's value as the help shows it (FILE, N, DIR); absent: a boolean flag */
  value?: string;
  /** may be given more than once (each adds one) */
  multiple?: boolean;
  /** one sentence; the default, when there is one, in parentheses at its end */
  help: string;
  /**
   * The values it takes, from the registries that define them (loaded for `--help` only, so a new
   * plug-in shows up in the help without anyone listing it here).
   */
  choices?: () => Promise<readonly string[]>;
}

export interface CommandContext {
  version: string;
  /** progress lines for humans (stderr) */
  say: (line: string) => void;
}
