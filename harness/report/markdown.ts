import { VERDICTS, type CellResult, type RunResult, type TargetFingerprint } from '../results.js';
import { describeSender } from '../observe/sender.js';
import {
  VERDICT_LEGEND,
  cellLabel,
  cellsInOrder,
  findTarget,
  longCellText,
  matrixView,
  offset,
  oneLine,
  plural,
  rowLabel,
  seconds,
  targetNames,
  type MatrixView,
} from './matrix-view.js';
import type { Reporter } from './types.js';

/** A bare `|` would end the table cell early, and a newline the whole row. */
export function escapeCell(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}

function record(values: Record<string, string>): string {
  const entries = Object.entries(values);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '—';
}

function fingerprintTable(fp: TargetFingerprint): string[] {
  return table(
    ['Setting', 'Value'],
    [
      ['OpenSSH', fp.openssh],
      ['Image', fp.image],
      ['sshd (effective)', record(fp.sshdEffective)],
      ['ssh unit KillMode', fp.sshKillMode],
      ['logind', record(fp.logind)],
      ['Versions', record(fp.versions)],
      ['Sysctls', record(fp.sysctls)],
      ['Network path', fp.networkPath],
      ['Client', fp.client],
    ].map(([k, v]) => [k ?? '', v || '—']),
  );
}

function matrixTable(view: MatrixView): string[] {
  return table(
    ['session / launch / workload', ...view.severs],
    view.rows.map((row) => [rowLabel(row.key), ...row.cells.map(longCellText)]),
  );
}

function legend(): string[] {
  return VERDICTS.map((v) => `- **${v}**: ${VERDICT_LEGEND[v]}`);
}

function sender(cell: CellResult): string {
  return cell.signalSender ? ` from ${describeSender(cell.signalSender, cell.probe.pid)}` : '';
}

function clientExit(cell: CellResult): string {
  const c = cell.client;
  if (!c) return 'no client record';
  if (c.exitMs === null) return 'client still running';
  const how = c.exitSignal ? `signal ${c.exitSignal}` : c.exitCode === null ? 'unknown status' : `code ${c.exitCode}`;
  return `client exited ${offset(c.exitMs)} (${how})`;
}

function timing(label: string, ms: number | null): string {
  return `${label} ${ms === null ? 'not seen' : offset(ms)}`;
}

function killedDetail(cell: CellResult): string {
  const evidence = cell.signalEvidence ? ` (${cell.signalEvidence})` : '';
  const what = `killed by ${cell.signal ?? 'an unknown signal'}${evidence}${sender(cell)}`;
  const times = [timing('session ended', cell.sessionEndedMs), timing('probe died', cell.deathMs), clientExit(cell)];
  return `${what}; ${times.join(', ')}`;
}

const EXPLAINED = new Set(['not-applicable', 'inconclusive', 'session-open']);

function detail(cell: CellResult): string | null {
  const label = `**${cellLabel(cell)}**`;
  if (cell.verdict === 'killed') return `- ${label}: ${killedDetail(cell)}`;
  if (EXPLAINED.has(cell.verdict))
    return `- ${label}: ${cell.verdict}: ${oneLine(cell.reason) || '(no reason recorded)'}`;
  return null;
}

function details(cells: CellResult[]): string[] {
  const bullets = cells.map(detail).filter((d): d is string => d !== null);
  return bullets.length ? ['### Details', '', ...bullets] : [];
}

function targetSection(result: RunResult, target: string): string[] {
  const fp = findTarget(result, target);
  const view = matrixView(result, target);
  const blocks = [
    [`## ${target}`],
    fp ? fingerprintTable(fp) : ['_No fingerprint recorded for this target._'],
    ['### Matrix', '', ...matrixTable(view)],
    ['### Legend', '', ...legend()],
    details(cellsInOrder(view)),
  ];
  return blocks.filter((b) => b.length).map((b) => b.join('\n'));
}

function header(result: RunResult): string[] {
  const facts = [
    `Started ${result.startedAt}`,
    `took ${seconds(result.durationMs)}`,
    plural(result.cells.length, 'cell'),
    `${result.tool.name} ${result.tool.version}`,
  ];
  const description = oneLine(result.scenario.description);
  return [`# hangup-lab: ${oneLine(result.scenario.name)}`, facts.join(' · '), ...(description ? [description] : [])];
}

export const markdown: Reporter = {
  name: 'markdown',
  fileName: 'report.md',
  summary: 'a Markdown report (fingerprint, matrix, details) to paste into a PR or issue',
  render(result) {
    const blocks = [...header(result), ...targetNames(result).flatMap((t) => targetSection(result, t))];
    return blocks.join('\n\n') + '\n';
  },
};
