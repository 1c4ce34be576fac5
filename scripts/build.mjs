// Compile the harness to dist/ for the published package (npm pack runs this as prepack): tsc for
// the TypeScript, and every other file under harness/ (the library clients' runners) copied as is.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
let copied = 0;
const walk = rel => {
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const file = path.join(rel, e.name);
    if (e.isDirectory()) walk(file);
    else if (!e.name.endsWith('.ts')) {
      fs.mkdirSync(path.join(dist, rel), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(dist, file));
      copied++;
    }
  }
};
walk('harness');
console.log(`dist/: the harness compiled, ${copied} other files copied`);
