// What `hangup-lab predict --json` writes: the same content as its table, checked before it is
// written. Every predicted outcome names the measured cells it rests on (results file and cell id).
import { z } from 'zod';
import { VERDICTS } from '../results-schema.js';

export const PREDICT_SCHEMA_VERSION = 1;

const cellRef = z.object({ file: z.string(), id: z.string() });

export const outcomeSchema = z.object({
  verdict: z.enum(VERDICTS),
  signal: z.string().nullable(),
  /** how many matching cells had it */
  count: z.number(),
  cells: z.array(cellRef),
});

export const rowSchema = z.object({
  session: z.string(),
  launch: z.string(),
  workload: z.string(),
  sever: z.string(),
  /**
   * predicted: every matching cell had one outcome; disagree: matching cells had several (each with
   * its count, none picked); no-match: no measured cell matches the host's deciding facts
   */
  status: z.enum(['predicted', 'disagree', 'no-match']),
  /** the outcomes of the matching cells, the most frequent first */
  outcomes: z.array(outcomeSchema),
  /** the deciding facts the matching cells share with the host, with the host's value */
  matched: z.array(z.object({ fact: z.string(), value: z.string() })),
  /** no-match: the facts in which the nearest cells (fewest differences) differ from the host */
  differs: z.array(z.object({ fact: z.string(), host: z.string(), measured: z.array(z.string()), why: z.string() })),
  /** no-match: how many cells are nearest, and how many facts each differs in */
  nearest: z.object({ cells: z.number(), differences: z.number() }).nullable(),
});

export const predictionSchema = z.object({
  schemaVersion: z.literal(PREDICT_SCHEMA_VERSION),
  kind: z.literal('hangup-lab-predict'),
  /** the inspect report the host's facts come from */
  facts: z.object({ file: z.string(), host: z.string(), inspectedAt: z.string() }),
  results: z.array(z.object({ file: z.string(), scenario: z.string(), cells: z.number() })),
  filters: z.object({ workload: z.array(z.string()), session: z.array(z.string()).nullable() }),
  /** the host's value of every deciding fact ("unknown": it matches no measured cell) */
  deciding: z.array(z.object({ fact: z.string(), value: z.string(), why: z.string() })),
  rows: z.array(rowSchema),
  /** settings known to surprise: the inspect report's, and what the measured rows add */
  surprises: z.array(z.object({ fact: z.string(), value: z.string(), why: z.string(), cells: z.array(cellRef) })),
});

export type Prediction = z.infer<typeof predictionSchema>;
export type PredictionRow = z.infer<typeof rowSchema>;
export type PredictedOutcome = z.infer<typeof outcomeSchema>;
export type CellRef = z.infer<typeof cellRef>;
