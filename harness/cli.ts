import fs from 'node:fs';
import path from 'node:path';
import { commands } from './commands/registry.js';
import { BadInputError, ExitCode, HarnessError, unknownName } from './core/errors.js';
import { ROOT } from './core/paths.js';
import { installSignalHandlers, interrupting, runAllCleanups } from './core/cleanup.js';

function usage(): string {
  const width = Math.max(...commands.all.map(c => c.name.length));
  return [
    'usage: hangup-lab COMMAND [flags]',
    '',
    ...commands.all.flatMap(c => [`  ${c.name.padEnd(width)}  ${c.summary}`, `  ${' '.repeat(width)}  hangup-lab ${c.usage}`]),
    '',
    'exit codes: 0 ok, 1 an expectation failed or a case is flaky, 2 bad input, 3 infrastructure missing, 70 internal bug',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? ExitCode.ok : ExitCode.badInput;
  }
  if (!commands.has(name)) throw new BadInputError(`hangup-lab: ${unknownName('command', name, [...commands.names, 'help'])}`);
  const say = (line: string) => process.stderr.write(`hangup-lab: ${line}\n`);
  return commands.get(name).run(rest, { version, say });
}

/** The exit code for an error, after saying it: known errors print one line, unknown ones the stack. */
function report(e: unknown): number {
  if (e instanceof HarnessError) {
    process.stderr.write(`${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`hangup-lab: internal error (a bug; please report it):\n${(e as Error).stack ?? String(e)}\n`);
  return ExitCode.internal;
}

// The one place that decides the exit code. Whatever happened, the undos still registered (the
// containers of a run that stopped on an error half-way) run before the process goes.
installSignalHandlers();
process.on('uncaughtException', e => {
  if (!interrupting()) void runAllCleanups().finally(() => process.exit(report(e)));
});
main(process.argv.slice(2))
  .then(
    code => code,
    // After a signal, the run's errors are what the removal did to it: the handler exits instead.
    (e: unknown) => (interrupting() ? null : report(e)),
  )
  .then(async code => {
    if (interrupting() || code === null) return;
    await runAllCleanups();
    process.exit(code);
  });
