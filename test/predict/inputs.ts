// The inputs of predict's tests, built from real shapes: an inspect report read from a real server's
// script output (test/inspect/fixtures/), and 13 cells of a real run on debian-bookworm
// (fixtures/README.md). Variants are made by changing a copy, so each test says what it changed.
import fs from 'node:fs';
import path from 'node:path';
import { readFacts } from '../../harness/inspect/facts.js';
import { inspectReportSchema, type InspectReport } from '../../harness/inspect/report.js';
import type { ResultsInput } from '../../harness/predict/match.js';
import { parseResults } from '../../harness/results-file.js';

export const RESULTS_FILE = path.join(import.meta.dirname, 'fixtures', 'bookworm-results.json');

const ctx = { destination: { user: 'alice', host: 'own.example', port: null }, client: 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.20 7 Apr 2026', inspectedAt: '2026-12-07T18:00:00.000Z' };

/** The inspect report of a real server (test/inspect/fixtures/NAME.txt). */
export function inspected(name = 'bookworm-sudo'): InspectReport {
  const text = fs.readFileSync(path.join(import.meta.dirname, '..', 'inspect', 'fixtures', `${name}.txt`), 'utf8');
  return inspectReportSchema.parse(readFacts(text, ctx));
}

/** A fresh copy of the trimmed real run, as the CLI reads it. */
export function measured(): ResultsInput {
  return { file: 'bookworm-results.json', result: parseResults(fs.readFileSync(RESULTS_FILE, 'utf8'), RESULTS_FILE) };
}

/** The stock bookworm host, with the measured targets' ClientAlive (1/2) so drop rows can match. */
export function hostLikeTargets(): InspectReport {
  const r = inspected();
  r.fingerprint.config.clientAlive = '1/2';
  r.surprises = r.surprises.filter(s => !s.fact.startsWith('sshd ClientAlive'));
  return r;
}
