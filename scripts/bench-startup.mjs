// npm run bench:startup: how long `hangup-lab --help` takes from the compiled package, against a
// bare `node -e 0` run the same number of times in turn (a ratio holds when a shared machine's
// speed drifts; absolute times do not). Builds dist/ first when it is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'harness', 'cli.js');
if (!fs.existsSync(cli)) spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const runs = Number(process.argv[2] ?? 15);

function wallMs(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const help = [];
const bare = [];
wallMs([cli, '--help']); // warm the file cache
for (let i = 0; i < runs; i++) {
  help.push(wallMs([cli, '--help']));
  bare.push(wallMs(['-e', '0']));
}
const ratios = help.map((h, i) => h / bare[i]);
const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(`hangup-lab --help (dist)  median ${median(help).toFixed(0)} ms`);
console.log(`node -e 0                 median ${median(bare).toFixed(0)} ms`);
console.log(`help / bare node          median ${median(ratios).toFixed(2)}×  (${runs} pairs, load average ${load})`);
