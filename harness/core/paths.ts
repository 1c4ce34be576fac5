import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package root (package.json, containers/, scenarios/), found from this file so the CLI works
 * from any working directory: two levels up from the sources (harness/core), three from the
 * compiled package (dist/harness/core).
 */
export const ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hangup-lab') return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}
/**
 * The container definitions (Dockerfiles, agent, engine scripts): the repository's containers/,
 * or an admin's patched copy named by HANGUP_LAB_CONTAINERS_DIR. Image tags hash these files, so a
 * patched copy gets images of its own.
 */
export const CONTAINERS_DIR = process.env.HANGUP_LAB_CONTAINERS_DIR
  ? path.resolve(process.env.HANGUP_LAB_CONTAINERS_DIR)
  : path.join(ROOT, 'containers');

/** Reports go under the working directory, never into the package (for a global install, in node_modules). */
export const REPORTS_DIR = 'hangup-lab-reports';

/** `./hangup-lab-reports/<kind>`: latest (run, merge), demo, claims, bench, inspect. */
export function reportsDir(kind: 'latest' | 'demo' | 'claims' | 'bench' | 'inspect'): string {
  return path.resolve(REPORTS_DIR, kind);
}

/** A path as the user would type it from here: relative when under the working directory. */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** A file this process can read (an --identity, a --facts): not a directory, not unreadable. */
export function readableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
