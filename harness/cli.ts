import fs from 'node:fs';
import path from 'node:path';
import { commands } from './commands/registry.js';
import { commandHelp, overview } from './commands/help.js';
import { BadInputError, ExitCode, HarnessError, unknownName } from './core/errors.js';
import { ROOT } from './core/paths.js';
import { installSignalHandlers, interrupting, runAllCleanups } from './core/cleanup.js';

const HELP = ['help', '--help', '-h'];
const VERSION = ['version', '--version', '-V'];

async function main(argv: string[]): Promise<number> {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const [name, ...rest] = argv;
  if (name !== undefined && VERSION.includes(name)) {
    process.stdout.write(`hangup-lab ${version}\n`);
    return ExitCode.ok;
  }
  // `hangup-lab help run` is `hangup-lab run --help`.
  if (name !== undefined && HELP.includes(name) && rest[0] && commands.has(rest[0])) return main([rest[0], '--help']);
  if (name === undefined || HELP.includes(name)) {
    process.stdout.write(overview(commands.all, version) + '\n');
    // A bare `hangup-lab` is a usage error a script should notice; asking for help is not.
    return name === undefined ? ExitCode.badInput : ExitCode.ok;
  }
  if (!commands.has(name)) throw new BadInputError(`hangup-lab: ${unknownName('command', name, [...commands.names, 'help', 'version'])}; see hangup-lab --help`);
  const command = commands.get(name);
  // Before the flags are parsed: `run --out x --help` is a request for help, not a run.
  if (rest.some(a => a === '--help' || a === '-h')) {
    process.stdout.write((await commandHelp(command)) + '\n');
    return ExitCode.ok;
  }
  const say = (line: string) => process.stderr.write(`hangup-lab: ${line}\n`);
  return command.run(rest, { version, say });
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
