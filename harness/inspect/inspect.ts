// One inspection: log in, read the facts, check the report against its schema, write it, and
// return the terminal summary.
import fs from 'node:fs';
import path from 'node:path';
import type { Destination } from './destination.js';
import { readFacts } from './facts.js';
import { localClient, runFactsScript } from './login.js';
import { inspectReportSchema } from './report.js';
import { factsScript } from './script.js';
import { renderSummary } from './summary.js';

export interface InspectOptions {
  destination: Destination;
  sshOptions: readonly string[];
  identity?: string;
  sudo: boolean;
  /** the report's absolute path, and as the user would type it */
  out: string;
  shownOut: string;
}

export async function inspectHost(o: InspectOptions): Promise<string> {
  const client = localClient();
  const inspectedAt = new Date().toISOString();
  const output = await runFactsScript(o.destination, { sshOptions: o.sshOptions, ...(o.identity ? { identity: o.identity } : {}) }, factsScript({ sudo: o.sudo }));
  // parse, not a cast: a report that does not match its schema is a bug here, never a file.
  const report = inspectReportSchema.parse(readFacts(output, { destination: o.destination, client, inspectedAt }));
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
  return renderSummary(report, o.shownOut);
}
