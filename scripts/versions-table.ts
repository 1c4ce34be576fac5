// npm run versions -- results.json: FINDINGS.md's table of versions per target, as Markdown, from
// what a run measured inside each target (its fingerprints and the per-session process its cells
// saw), so the table is never typed by hand and never drifts from the images.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { opensshRelease } from '../harness/report/fingerprint.js';
import type { CellResult, TargetFingerprint } from '../harness/results.js';
import { readResults } from '../harness/results-file.js';

export interface VersionsInput {
  /** every fingerprint of the run (one per server config); rows are per target name */
  targets: readonly TargetFingerprint[];
  cells: readonly Pick<CellResult, 'target' | 'sshdSession'>[];
  /** row order (the scenario's targets); fingerprints of other names follow in file order */
  order?: readonly string[];
}

/** "systemd 262 (262.1-1)" → "262.1-1": the package version says more than the release number. */
function systemdVersion(line: string | undefined): string {
  if (!line) return '—';
  return /\(([^)]+)\)/.exec(line)?.[1] ?? line.replace(/^systemd\s+/, '');
}

/** "OpenSSH_10.6p1 Debian-1" → "10.6p1 Debian-1": the column already names the server. */
function release(fp: TargetFingerprint): string {
  return opensshRelease(fp).replace(/^[A-Za-z]+[_ ]v?/, '');
}

/** The session's process title with the generated user and terminal made generic: "sshd-session: user@pts/0". */
function sessionProcess(cells: VersionsInput['cells'], target: string): string {
  const name = cells.find(c => c.target === target && c.sshdSession)?.sshdSession?.name;
  if (!name) return '—';
  return `\`${name.replace(/^(\S+: )\S+?(@|\s\[)/, '$1user$2').replace(/@pts\/\d+/, '@pts/0')}\``;
}

const TCP = ['tcp_keepalive_time', 'tcp_keepalive_intvl', 'tcp_keepalive_probes', 'tcp_retries2'];

function tcpTimers(fp: TargetFingerprint): string {
  const value = (s: string) => Object.entries(fp.sysctls).find(([k]) => k === s || k.endsWith(`.${s}`))?.[1];
  return TCP.map(value).every(v => v === undefined) ? '—' : TCP.map(value).map(v => v ?? '?').join(' / ');
}

/**
 * One row per target, one column per server implementation the fingerprints name (OpenSSH,
 * Dropbear, … as they appear, by the server's own name), then systemd, the kernel and its TCP
 * timers as the target's network namespace has them, and the per-session process cells observed.
 */
export function versionsTable(input: VersionsInput): string {
  const names = [...new Set([...(input.order ?? []), ...input.targets.map(f => f.name)])].filter(n => input.targets.some(f => f.name === n));
  const servers = [...new Set(input.targets.map(f => f.server))];
  const header = ['target', ...servers, 'systemd', 'kernel', 'TCP keepalive time / intvl / probes, retries2', 'per-session process'];
  const rows = names.map(name => {
    const fps = input.targets.filter(f => f.name === name);
    const first = fps[0]!;
    const byServer = servers.map(s => {
      const seen = [...new Set(fps.filter(f => f.server === s).map(release))];
      return seen.length ? seen.join(', ') : '—';
    });
    return [`\`${name}\``, ...byServer, systemdVersion(first.versions.systemd), first.versions.kernel ?? '—', tcpTimers(first), sessionProcess(input.cells, name)];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// Run as a script (not when a test imports it).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run versions -- results.json');
    process.exit(2);
  }
  try {
    const result = readResults(file);
    const order = result.axes?.target ?? [];
    console.log(versionsTable({ targets: result.targets, cells: result.cells, order }));
  } catch (e) {
    console.error((e as Error).message);
    process.exit((e as { exitCode?: number }).exitCode ?? 70);
  }
}
