import type { RunResult } from '../results.js';

export interface RenderOptions {
  /** ANSI colours; only the terminal reporter uses them (files must stay plain) */
  color?: boolean;
}

/**
 * A report is a pure function of a RunResult: no I/O, no clock, so the same results.json always
 * renders the same report and reports can be regenerated later from the file alone.
 */
export interface Reporter {
  name: string;
  /** the file the run writes this report to; null when it is only printed */
  fileName: string | null;
  /** one line for help output */
  summary: string;
  render(result: RunResult, opts?: RenderOptions): string;
}
