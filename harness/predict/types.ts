// What predict's steps pass each other: the results read, the filters, a measured cell with its origin.
import type { CellResult, RunResult, TargetFingerprint } from '../results.js';

export interface ResultsInput {
  file: string;
  result: RunResult;
}

export interface Filters {
  /** the workloads to predict (each its own rows) */
  workload: readonly string[];
  /** the session kinds to predict; null: every one in the results */
  session: readonly string[] | null;
}

/** A measured cell with where it comes from. */
export interface Measured {
  file: string;
  cell: CellResult;
  /** its target's fingerprint (by the cell's serverKey), if the file has it */
  fp: TargetFingerprint | undefined;
}
