import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadInputError } from '../core/errors.js';

/** parseArgs with the harness's error contract: a bad flag is one line and exit 2. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (e) {
    // Node's messages can span lines ("--repeat -3" is "ambiguous" plus two lines of advice); the
    // contract is one line.
    const message = (e as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.?$/, '');
    throw new BadInputError(`hangup-lab ${command}: ${message}; see hangup-lab help`);
  }
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
