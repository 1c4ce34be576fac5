import { parseArgs } from 'node:util';
import { BadInputError } from '../core/errors.js';
import type { Command, Flag } from './types.js';

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

function optionsOf(flags: readonly Flag[]): Options {
  return Object.fromEntries(flags.map(f => [f.name, { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}) }]));
}

/**
 * The command's declared flags, parsed with the harness's error contract: a bad flag is one line
 * and exit 2. Values are strings (or string lists for `multiple`); booleans are true or absent.
 */
export function parseFlags(command: Command, args: string[]): { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: optionsOf(command.flags), strict: true, allowPositionals: command.operands !== undefined });
    return { values: values as Record<string, string | string[] | boolean | undefined>, positionals };
  } catch (e) {
    // Node's messages can span lines ("--repeat -3" is "ambiguous" plus two lines of advice); the
    // contract is one line.
    const message = (e as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.?$/, '');
    throw new BadInputError(`hangup-lab ${command.name}: ${message}; see hangup-lab ${command.name} --help`);
  }
}

/** A string flag's value (the last one when given twice). */
export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A `multiple` flag's values, or undefined when not given. */
export function listFlag(values: Record<string, unknown>, name: string): string[] | undefined {
  const v = values[name];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

/** An integer flag within bounds, or one line naming the flag, the value and the range. */
export function intFlag(command: string, flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    throw new BadInputError(`hangup-lab ${command}: --${flag} "${value}": must be an integer from ${min} to ${max}`);
  }
  return n;
}
