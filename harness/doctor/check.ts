import { ExitCode } from '../core/errors.js';

/**
 * ok: present and working. missing: something every run needs is absent (exit 3). warn: runs
 * work, but some targets, scenarios or later runs may not, or the check could not be made.
 */
export type CheckStatus = 'ok' | 'missing' | 'warn';

export interface Check {
  /** the subject, e.g. "docker engine", "target debian-bookworm" */
  name: string;
  status: CheckStatus;
  /** what was found, with the value */
  detail: string;
  /** what to run (or do) about it; only when not ok */
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
export const missing = (name: string, detail: string, fix: string): Check => ({ name, status: 'missing', detail, fix });
export const warn = (name: string, detail: string, fix?: string): Check => ({ name, status: 'warn', detail, ...(fix ? { fix } : {}) });

/** Warnings alone do not fail: only a missing necessity is exit 3. */
export function doctorExitCode(checks: readonly Check[]): number {
  return checks.some(c => c.status === 'missing') ? ExitCode.infrastructure : ExitCode.ok;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok', missing: 'MISSING', warn: 'WARN' };

/** One line per check: status, subject, what was found, then the fix. */
export function renderCheck(c: Check): string {
  return `${LABEL[c.status].padEnd(7)} ${c.name}: ${c.detail}${c.fix ? `; fix: ${c.fix}` : ''}`;
}

export function renderChecks(checks: readonly Check[]): string {
  const count = (s: CheckStatus) => checks.filter(c => c.status === s).length;
  const verdict = count('missing') ? 'something needed is missing (exit 3)' : 'ready';
  return [...checks.map(renderCheck), `${verdict}: ${count('ok')} ok, ${count('missing')} missing, ${count('warn')} warnings`].join('\n') + '\n';
}

export function checksJson(checks: readonly Check[]): string {
  return JSON.stringify({ schemaVersion: 1, exitCode: doctorExitCode(checks), checks }, null, 2) + '\n';
}
