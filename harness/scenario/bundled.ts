// The scenarios that ship with hangup-lab, by name: `hangup-lab run faults` instead of a path into
// the package (which, installed globally, is somewhere under node_modules).
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError, unknownName } from '../core/errors.js';
import { ROOT } from '../core/paths.js';

export const SCENARIOS_DIR = path.join(ROOT, 'scenarios');
export const DEFAULT_SCENARIO_NAME = 'default';

/** The bundled scenarios' names: `faults`, `questions/keepers` (claims files are `claims`'s). */
export function bundledScenarios(dir = SCENARIOS_DIR): string[] {
  const names: string[] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() && rel !== 'claims') walk(rel);
      else if (e.isFile() && e.name.endsWith('.yaml')) names.push(rel.slice(0, -'.yaml'.length));
    }
  };
  walk('');
  return names.sort((a, b) => Number(a.includes('/')) - Number(b.includes('/')) || a.localeCompare(b));
}

/**
 * The file of a scenario given as a bundled name or as a path. A path is anything that names an
 * existing file or looks like one (a slash or .yaml/.yml): a typo in a path is then reported as a
 * missing file, not as an unknown name.
 */
export function resolveScenario(given: string, command: string, dir = SCENARIOS_DIR): string {
  const names = bundledScenarios(dir);
  if (names.includes(given)) return path.join(dir, `${given}.yaml`);
  if (fs.existsSync(given) || /[\\/]|\.ya?ml$/.test(given)) return given;
  throw new BadInputError(`hangup-lab ${command}: ${unknownName('scenario', given, names)}; or give a scenario file (.yaml)`);
}
