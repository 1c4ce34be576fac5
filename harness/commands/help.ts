// The help texts, made from the commands' declarations (pure: tested for width and completeness).
import { wrap } from '../core/text.js';
import type { Command } from './types.js';

/** Every help line fits this many columns (a terminal of 100, a code review's side by side). */
export const HELP_COLUMNS = 100;

export const EXIT_CODES = 'exit codes: 0 ok · 1 an expectation failed or a case is flaky · 2 bad input · 3 infrastructure missing · 70 a bug';

/** Two columns: `left` padded to `at`, `right` wrapped beside it (continuations under `right`). */
function columns(left: string, right: string, at: number): string[] {
  const body = wrap(right, HELP_COLUMNS - at).map(l => ' '.repeat(at) + l);
  if (left.length + 2 > at) return [left, ...body];
  return [left.padEnd(at) + (body[0] ?? '').trimStart(), ...body.slice(1)];
}

function flagLabel(f: Command['flags'][number]): string {
  return `  --${f.name}${f.value ? ` ${f.value}` : ''}${f.multiple ? '...' : ''}`;
}

export function usageLine(c: Command): string {
  return `usage: hangup-lab ${c.name}${c.flags.length ? ' [flags]' : ''}${c.operands ? ` ${c.operands.usage}` : ''}`;
}

/** `hangup-lab COMMAND --help`; a flag's choices are loaded from their registries. */
export async function commandHelp(c: Command): Promise<string> {
  const at = Math.min(30, Math.max(...c.flags.map(f => flagLabel(f).length + 2), 12));
  const choices = await Promise.all(c.flags.map(f => f.choices?.() ?? Promise.resolve(null)));
  const flagHelp = (f: Command['flags'][number], i: number) => {
    const known = choices[i];
    return known ? `${f.help}; one of: ${known.join(', ')}` : f.help;
  };
  return [
    usageLine(c),
    '',
    ...wrap(c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.', HELP_COLUMNS),
    ...(c.operands ? ['', ...columns(`  ${c.operands.usage}`, c.operands.help, at)] : []),
    ...(c.flags.length ? ['', 'flags:', ...c.flags.flatMap((f, i) => columns(flagLabel(f), flagHelp(f, i), at))] : []),
    ...columns('  --help', 'this text', at),
    ...(c.notes ?? []).flatMap(n => ['', ...wrap(n, HELP_COLUMNS)]),
    '',
    ...wrap(EXIT_CODES, HELP_COLUMNS),
  ].join('\n');
}

/** `hangup-lab help`, `hangup-lab --help` and a bare `hangup-lab`. */
export function overview(all: readonly Command[], version: string): string {
  const at = Math.max(...all.map(c => c.name.length)) + 4;
  return [
    `hangup-lab ${version}: what happens to processes on a Linux server when an SSH connection ends,`,
    'found by experiment on real sshd, systemd and logind in containers.',
    '',
    'usage: hangup-lab COMMAND [flags]       hangup-lab COMMAND --help: its flags',
    '',
    'commands:',
    ...all.flatMap(c => columns(`  ${c.name}`, c.summary, at)),
    '',
    'start with: hangup-lab doctor, then hangup-lab run (the default scenario, about 3 minutes)',
    ...wrap(EXIT_CODES, HELP_COLUMNS),
  ].join('\n');
}
