import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from './commands/run.js';
import { BadInputError, ExitCode, HarnessError, unknownName } from './errors.js';
import { ROOT } from './paths.js';

const USAGE = `usage: hangup-lab run --scenario FILE [--out DIR] [--concurrency N]

  run   run a scenario's matrix against real sshd targets; writes results.json and report.md
        to DIR (default reports/latest) and prints the matrix

exit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 infrastructure missing, 70 internal bug`;

const COMMANDS = ['run', 'help'];

async function main(argv: string[]): Promise<number> {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? ExitCode.ok : ExitCode.badInput;
  }
  if (command !== 'run') throw new BadInputError(`hangup-lab: ${unknownName('command', command, COMMANDS)}`);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { scenario: { type: 'string' }, out: { type: 'string' }, concurrency: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw new BadInputError(`hangup-lab run: ${(e as Error).message}; see hangup-lab help`);
  }
  if (!values.scenario) throw new BadInputError('hangup-lab run: --scenario FILE is required (e.g. scenarios/default.yaml)');
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    throw new BadInputError(`hangup-lab run: --concurrency "${values.concurrency}": must be an integer from 1 to 64`);
  }
  return runCommand(
    { scenario: values.scenario, out: values.out ?? path.join(ROOT, 'reports', 'latest'), ...(concurrency ? { concurrency } : {}) },
    version,
  );
}

// The one place that decides the exit code: known errors print one line, unknown ones the stack.
main(process.argv.slice(2)).then(
  code => process.exit(code),
  (e: unknown) => {
    if (e instanceof HarnessError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`hangup-lab: internal error (a bug; please report it):\n${(e as Error).stack ?? String(e)}\n`);
    process.exit(ExitCode.internal);
  },
);
