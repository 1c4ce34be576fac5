// An explicit registry rather than discovery: adding a report is a deliberate, reviewed change,
// and the CLI can list the names in its help and error messages.

import { BadInputError, unknownName } from '../core/errors.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { terminal } from './terminal.js';
import type { Reporter } from './types.js';

export const reporters = { json, terminal, markdown, junit, html } satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;

export function reporter(name: string): Reporter {
  // Object.hasOwn: "constructor" or "toString" must not resolve to Object.prototype members.
  if (Object.hasOwn(reporters, name)) return reporters[name as ReporterName];
  throw new BadInputError(unknownName('reporter', name, Object.keys(reporters)));
}

/** The reports a run writes next to each other in its output directory. */
export const fileReporters: readonly (Reporter & { fileName: string })[] = Object.values(reporters).filter(
  (r): r is Reporter & { fileName: string } => r.fileName !== null,
);
