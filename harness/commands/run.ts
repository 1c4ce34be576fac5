import path from 'node:path';
import { BadInputError, unknownName } from '../core/errors.js';
import { REPORTS_DIR, reportsDir } from '../core/paths.js';
import { bundledScenarios, DEFAULT_SCENARIO_NAME, resolveScenario } from '../scenario/bundled.js';
import { intFlag, listFlag, parseFlags, stringFlag } from './args.js';
import type { Command } from './types.js';

export const run: Command = {
  name: 'run',
  summary: "run a scenario's matrix against real sshd targets and write every report",
  operands: {
    usage: '[SCENARIO]',
    help: `a bundled scenario by name (${bundledScenarios().join(', ')}) or a scenario file (default: ${DEFAULT_SCENARIO_NAME})`,
  },
  flags: [
    { name: 'scenario', value: 'FILE', help: 'the scenario, as a flag (the same as SCENARIO)' },
    { name: 'out', value: 'DIR', help: `where the reports go (default: ./${REPORTS_DIR}/latest)` },
    { name: 'target', value: 'NAME', multiple: true, help: "only this target of the scenario's (e.g. debian-trixie)" },
    { name: 'block', value: 'NAME', multiple: true, help: 'only this block of a scenario with matrices: (its name:, e.g. one question of faults)' },
    { name: 'concurrency', value: 'N', help: "cells at a time, 1-64 (default: the scenario's run.concurrency)" },
    { name: 'repeat', value: 'N', help: 'every case at least N times, 1-50; a case whose repetitions disagree is flaky and fails the run' },
    { name: 'cell-timeout', value: 'S', help: 'the most one cell may take, 5-7200 s; past it the cell is inconclusive (default: its watch window + 150 s)' },
    { name: 'shard', value: 'I/N', help: 'only shard I of N (cases are never split across shards); merge the shards with hangup-lab merge' },
    { name: 'strict', help: 'an expectation that could not be judged fails the run too' },
    { name: 'sshd-config', value: 'FILE', help: "your own sshd_config on every target (the scenario's sshd.config, as a flag)" },
    { name: 'progress', value: 'MODE', help: 'auto, tty (a status line redrawn in place) or log (one line per cell) (default: auto)' },
    { name: 'record', help: "keep each cell's client terminal (asciicast events) in results.json; larger files" },
    { name: 'host', value: '[USER@]HOST[:PORT]', help: "your own server instead of containers: only the safe subset runs (your user, no root, its own sessions); your ~/.ssh/config and agent apply" },
    { name: 'port', value: 'N', help: "with --host: the server's SSH port" },
    { name: 'identity', value: 'FILE', help: 'with --host: a private key for the logins (ssh -i)' },
    { name: 'ssh-option', value: 'K=V', multiple: true, help: 'with --host: an ssh option (ssh -o K=V)' },
    { name: 'dry-run', help: 'with --host: print every command it would run (here and on the server), run none' },
    { name: 'allow-local-firewall', help: "with --host: let network severs cut the session's one connection in this machine's firewall" },
  ],
  notes: [
    'Writes results.json (the single source of truth), report.md, report.html, junit.xml and the terminal table. ' +
      'Needs a Docker engine; on Debian as root it installs and starts one when none answers (hangup-lab doctor says what is missing).',
  ],
  async run(args, ctx) {
    const { values, positionals } = parseFlags(run, args);
    const given = stringFlag(values, 'scenario');
    if (positionals.length > 1 || (given && positionals.length)) {
      throw new BadInputError(`hangup-lab run: one scenario at a time (given: ${[given, ...positionals].filter(Boolean).join(', ')})`);
    }
    const concurrency = intFlag('run', 'concurrency', stringFlag(values, 'concurrency'), 1, 64);
    const repeat = intFlag('run', 'repeat', stringFlag(values, 'repeat'), 1, 50);
    const cellTimeoutS = intFlag('run', 'cell-timeout', stringFlag(values, 'cell-timeout'), 5, 7200);
    const { parseShard } = await import('../matrix/shard.js');
    const shardText = stringFlag(values, 'shard');
    const shard = shardText === undefined ? undefined : parseShard(shardText, 'hangup-lab run: --shard');
    const progressMode = stringFlag(values, 'progress') ?? 'auto';
    if (!['auto', 'tty', 'log'].includes(progressMode)) {
      throw new BadInputError(`hangup-lab run: --progress "${progressMode}": must be auto, tty or log`);
    }
    const file = resolveScenario(given ?? positionals[0] ?? DEFAULT_SCENARIO_NAME, 'run');
    const host = stringFlag(values, 'host');
    const hostOnly = ['port', 'identity', 'ssh-option', 'dry-run', 'allow-local-firewall'].filter(f => values[f] !== undefined);
    if (host === undefined && hostOnly.length) throw new BadInputError(`hangup-lab run: --${hostOnly[0]} goes with --host HOST (a server of your own)`);
    if (host !== undefined) return runHost(values, host, file, ctx);
    const [{ loadScenario, selectBlocks }, { TARGETS }] = await Promise.all([import('../scenario/load.js'), import('../target/targets.js')]);
    const sshdConfig = stringFlag(values, 'sshd-config');
    const loaded = loadScenario(file, sshdConfig ? { sshdConfig } : {});
    const blocks = listFlag(values, 'block');
    const targets = listFlag(values, 'target');
    const scenario = blocks ? selectBlocks(loaded, blocks) : loaded;
    for (const t of targets ?? []) {
      if (!scenario.axes.target.includes(t)) {
        const known = Object.keys(TARGETS).includes(t);
        throw new BadInputError(
          `hangup-lab run: --target ${known ? `"${t}" is not a target of ${scenario.file} (its targets: ${scenario.axes.target.join(', ')})` : unknownName('target', t, scenario.axes.target)}`,
        );
      }
    }
    const strict = values.strict === true || scenario.run.strict;
    const [{ Progress }, { runMatrix }, { durationHistory }, { writeReports }] = await Promise.all([
      import('../run/progress.js'),
      import('../run/matrix.js'),
      import('../run/schedule.js'),
      import('./output.js'),
    ]);
    const progress = new Progress({
      write: text => process.stderr.write(text),
      tty: progressMode === 'tty' || (progressMode === 'auto' && process.stderr.isTTY === true),
      width: process.stderr.columns ?? 100,
      strict,
    });
    const out = path.resolve(stringFlag(values, 'out') ?? reportsDir('latest'));
    let result;
    try {
      result = await runMatrix(scenario, {
        // The previous run in the same directory tells how long each cell took: longest first.
        history: durationHistory(path.join(out, 'results.json')),
        say: line => progress.say(line),
        progress,
        version: ctx.version,
        strict,
        ...(values.record === true ? { record: true } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(repeat ? { repeat } : {}),
        ...(cellTimeoutS ? { cellTimeoutMs: cellTimeoutS * 1000 } : {}),
        ...(targets ? { targets } : {}),
        ...(shard ? { shard } : {}),
      });
    } finally {
      progress.end();
    }
    return writeReports(result, out, ctx);
  },
};

type Values = ReturnType<typeof parseFlags>['values'];

/** `run --host`: the scenario's safe subset on a server of the user's own (commands/run-host.ts). */
async function runHost(values: Values, host: string, file: string, ctx: Parameters<Command['run']>[1]): Promise<number> {
  const containerOnly = ['target', 'block', 'concurrency', 'repeat', 'shard', 'sshd-config', 'cell-timeout', 'record'].filter(f => values[f] !== undefined);
  if (containerOnly.length) throw new BadInputError(`hangup-lab run: --${containerOnly[0]} does not go with --host (a server of your own runs one cell at a time, as it is configured)`);
  const [{ loadScenario }, { runOnOwnHost }] = await Promise.all([import('../scenario/load.js'), import('./run-host.js')]);
  const port = stringFlag(values, 'port');
  const identity = stringFlag(values, 'identity');
  return runOnOwnHost(
    {
      host,
      ...(port !== undefined ? { port } : {}),
      ...(identity !== undefined ? { identity } : {}),
      sshOptions: listFlag(values, 'ssh-option') ?? [],
      scenario: loadScenario(file),
      dryRun: values['dry-run'] === true,
      allowLocalFirewall: values['allow-local-firewall'] === true,
      out: path.resolve(stringFlag(values, 'out') ?? reportsDir('latest')),
    },
    ctx,
  );
}
