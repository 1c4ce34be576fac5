// Real cells, recorded by one run of the demo's pairs on debian-bookworm (OpenSSH 9.2p1), trimmed
// to one recording: the demo's words are tested against what the harness really observed.
import fs from 'node:fs';
import path from 'node:path';
import type { CellResult, TargetFingerprint } from '../../harness/results.js';

const data = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'cells.json'), 'utf8')) as {
  target: TargetFingerprint;
  startedAt: string;
  cells: Record<string, CellResult>;
};

export const target = data.target;
export const startedAt = data.startedAt;
export const cells = data.cells;

export function cell(name: string): CellResult {
  const c = cells[name];
  if (!c) throw new Error(`no fixture cell ${name} (have: ${Object.keys(cells).join(', ')})`);
  return structuredClone(c);
}
