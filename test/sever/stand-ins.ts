// What the cutter agent arms, stood in for by programs that record their stdin: the agent itself
// (containers/agent/cutter) runs for real, locally, as it would in a target.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const AGENT = path.join(import.meta.dirname, '../../containers/agent/cutter');

/**
 * A directory with a `record NAME [RC]` program that appends its stdin to NAME.log and exits RC,
 * and stand-ins named like the real programs (iptables-restore, …) that record under their name;
 * spawnExec runs the agent with that directory first on PATH.
 */
export function standIns(t: { teardown(fn: () => void | Promise<void>): void }, names: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-cutter-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'record'), '#!/bin/sh\ncat >> "$(dirname "$0")/$1.log"\necho "$1 ran"\nexit "${2:-0}"\n', { mode: 0o755 });
  for (const n of names) fs.writeFileSync(path.join(dir, n), `#!/bin/sh\necho "$@" >> "$(dirname "$0")/${n}.args"\ncat >> "$(dirname "$0")/${n}.log"\nexit "\${RC:-0}"\n`, { mode: 0o755 });
  const spawnExec = (cmd: string[]) => spawn('perl', [AGENT, ...cmd.slice(1)], { stdio: 'pipe', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : null);
  return { dir, spawnExec, read, log: (name: string) => read(`${name}.log`), args: (name: string) => read(`${name}.args`) };
}
