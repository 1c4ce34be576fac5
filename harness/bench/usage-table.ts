// bench's "core-seconds per cell by component": a pure function of results.json's `usage`, so
// `bench --results FILE` prints a saved run's table again.
import type { RunResult, Usage, UsagePart } from '../results.js';

const MARK: Record<UsagePart['how'], string> = { exact: '=', sampled: '≥', remainder: '=−', estimate: '~' };

const mib = (b: number | null) => (b === null ? '' : `${(b / 1024 / 1024).toFixed(b < 10 * 1024 * 1024 ? 1 : 0)} MiB`);

function label(p: UsagePart): string {
  const name = p.path.at(-1)!;
  // How many containers or processes a row sums, where more than one.
  return `${'  '.repeat(p.path.length - 1)}${name}${p.count > 1 ? ` (${p.count})` : ''}`;
}

export function usageText(u: Usage, r: Pick<RunResult, 'cells' | 'durationMs'>): string {
  const cells = Math.max(1, r.cells.length);
  const rows = [...u.parts.map(p => ({ name: label(p), s: p.coreSeconds, how: MARK[p.how], peak: mib(p.peakBytes) })), { name: 'total: the machine busy (/proc/stat)', s: u.busySeconds, how: '=', peak: '' }];
  const w = Math.max(...rows.map(x => x.name.length));
  const pct = (s: number) => (u.busySeconds > 0 ? `${((100 * s) / u.busySeconds).toFixed(0)}%` : '');
  const load = u.loadAverage.length ? `; load average at the end ${u.loadAverage.map(x => x.toFixed(2)).join(' ')}` : '';
  const containers = u.containers.length;
  const biggest = u.containers.reduce<Usage['containers'][number] | null>((m, c) => (!m || c.coreSeconds > m.coreSeconds ? c : m), null);
  return [
    `  core-seconds per cell by component (${r.cells.length} cells, ${(r.durationMs / 1000).toFixed(1)} s wall, ${u.cores} cores${load})`,
    `    ${'component'.padEnd(w)}  ${'core-s'.padStart(8)}  ${'per cell'.padStart(8)}  ${'share'.padStart(5)}  how  peak memory (largest one)`,
    ...rows.map(x => `    ${x.name.padEnd(w)}  ${x.s.toFixed(1).padStart(8)}  ${(x.s / cells).toFixed(3).padStart(8)}  ${pct(x.s).padStart(5)}  ${x.how.padEnd(3)}  ${x.peak}`.trimEnd()),
    `    how: = exact counters, ≥ sampled (a lower bound), =− an exact parent minus its listed parts, ~ estimate (see notes)`,
    ...(biggest ? [`    ${containers} target container${containers === 1 ? '' : 's'}; the busiest used ${biggest.coreSeconds.toFixed(1)} core-s (${biggest.role}: ${biggest.server})`] : []),
    ...u.notes.map(n => `    - ${n}`),
  ].join('\n');
}
