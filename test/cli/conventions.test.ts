// The conventions a newcomer expects of a CLI: --help on every command (every flag described, lines
// of at most 100 columns), --version, bundled scenarios by name, NO_COLOR/FORCE_COLOR, reports under
// the working directory. Each spawned command exits before anything starts (no Docker).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { commandHelp, HELP_COLUMNS, overview } from '../../harness/commands/help.js';
import { wrap } from '../../harness/core/text.js';
import { commands } from '../../harness/commands/registry.js';
import { colorFor } from '../../harness/core/color.js';
import { reportsDir, shown } from '../../harness/core/paths.js';
import { bundledScenarios, resolveScenario, SCENARIOS_DIR } from '../../harness/scenario/bundled.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/hangup-lab.js');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const cli = (args: string[], cwd = root) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, cwd });

t.test('every command answers --help: exit 0, every declared flag described, no line over 100 columns', async t => {
  for (const c of commands.all) {
    const r = cli([c.name, '--help']);
    t.equal(r.status, 0, `${c.name} --help: exit 0`);
    t.equal(r.stdout, (await commandHelp(c)) + '\n', `${c.name} --help prints its help`);
    for (const f of c.flags) t.match(r.stdout, new RegExp(`^  --${f.name}\\b`, 'm'), `${c.name} --help describes --${f.name}`);
    t.same(r.stdout.split('\n').filter(l => l.length > HELP_COLUMNS), [], `${c.name} --help: lines fit ${HELP_COLUMNS} columns`);
    t.same(cli(['help', c.name]).stdout, r.stdout, `hangup-lab help ${c.name} is the same`);
    t.ok(c.flags.every(f => f.help.trim().length > 0), `${c.name}: no flag without a description`);
  }
  // --help wins over everything else on the line: nothing runs.
  const mixed = cli(['run', '--repeat', '0', '--out', '/nonexistent/x', '--help']);
  t.equal(mixed.status, 0, 'run --repeat 0 --help is a request for help');
});

t.test('the overview: every command, its summary, how to get a command\'s flags', async t => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = cli(args);
    t.equal(r.status, 0, `${args[0]}: exit 0`);
    t.equal(r.stdout, overview(commands.all, version) + '\n');
  }
  const bare = cli([]);
  t.equal(bare.status, 2, 'a bare hangup-lab is a usage error (exit 2) that shows the overview');
  t.match(bare.stdout, /hangup-lab COMMAND --help/);
  const text = overview(commands.all, version);
  for (const c of commands.all) t.match(text, new RegExp(`^  ${c.name} +\\S`, 'm'), `lists ${c.name}`);
  t.same(text.split('\n').filter(l => l.length > HELP_COLUMNS), [], 'lines fit');
});

t.test('--version, -V and version print the package version', async t => {
  for (const a of ['--version', '-V', 'version']) {
    const r = cli([a]);
    t.equal(r.status, 0);
    t.equal(r.stdout, `hangup-lab ${version}\n`, a);
  }
});

t.test('an unknown command is one line with the closest name, exit 2', async t => {
  const r = cli(['rnu']);
  t.equal(r.status, 2);
  t.equal(r.stderr.trim().split('\n').length, 1);
  t.match(r.stderr, /unknown command "rnu" \(did you mean "run"\?\).*see hangup-lab --help/);
});

t.test('bundled scenarios by name; a path stays a path', async t => {
  const names = bundledScenarios();
  for (const n of ['default', 'faults', 'distros', 'smoke', 'questions/keepers']) t.ok(names.includes(n), `${n} is bundled`);
  t.notOk(names.some(n => n.startsWith('claims')), 'claims files are for hangup-lab claims');
  t.equal(resolveScenario('faults', 'run'), path.join(SCENARIOS_DIR, 'faults.yaml'));
  t.equal(resolveScenario('./my.yaml', 'run'), './my.yaml', 'a path that does not exist is reported by the loader as a missing file');
  t.throws(() => resolveScenario('fualts', 'run'), /^hangup-lab run: unknown scenario "fualts" \(did you mean "faults"\?\) \(known: default, /);
  const r = cli(['run', 'fualts']);
  t.equal(r.status, 2, 'run NAME with a typo: exit 2 before anything starts');
  t.equal(r.stderr.trim().split('\n').length, 1);
  const two = cli(['run', 'default', 'faults']);
  t.equal(two.status, 2, 'one scenario at a time');
  t.match(two.stderr, /one scenario at a time/);
  // A name that loads: a bad flag after it is still caught before any Docker.
  const bad = cli(['run', 'smoke', '--repeat', '99']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--repeat "99"/);
});

t.test('colour: NO_COLOR off, FORCE_COLOR on (0/false off), else a terminal that is not dumb', async t => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  t.equal(colorFor(tty, {}), true);
  t.equal(colorFor(pipe, {}), false);
  t.equal(colorFor(tty, { TERM: 'dumb' }), false);
  t.equal(colorFor(tty, { NO_COLOR: '1' }), false);
  t.equal(colorFor(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset (no-color.org)');
  t.equal(colorFor(pipe, { FORCE_COLOR: '1' }), true);
  t.equal(colorFor(pipe, { FORCE_COLOR: 'true' }), true);
  t.equal(colorFor(tty, { FORCE_COLOR: '0' }), false);
  t.equal(colorFor(tty, { FORCE_COLOR: 'false' }), false);
  t.equal(colorFor(pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }), false, 'NO_COLOR wins');
});

t.test('reports go under the working directory, never into the package', async t => {
  t.equal(reportsDir('latest'), path.resolve('hangup-lab-reports', 'latest'));
  t.equal(shown(path.resolve('hangup-lab-reports', 'demo', 'x.cast')), path.join('hangup-lab-reports', 'demo', 'x.cast'));
  t.equal(shown('/elsewhere/x'), '/elsewhere/x', 'outside the working directory: absolute');
});

t.test('wrap: words kept whole, no line over the width', async t => {
  t.same(wrap('a bb ccc dddd', 6), ['a bb', 'ccc', 'dddd']);
  t.same(wrap('  spaced   out  ', 20), ['spaced out']);
  t.same(wrap('averyveryverylongword x', 5), ['averyveryverylongword', 'x'], 'a longer word keeps its own line');
});
