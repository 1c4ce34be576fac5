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
  // The kernel's xt_recent lists, as files in xt_recent/: a stand-in iptables-restore that inserts
  // (-I) a rule naming a list makes its file, as the kernel does; deleting it (-D) renames the file
  // to NAME.gone (the kernel removes it), so that a test can still read what was written to it.
  const switches = path.join(dir, 'xt_recent');
  fs.mkdirSync(switches);
  if (names.includes('iptables-restore')) {
    fs.writeFileSync(
      path.join(dir, 'iptables-restore'),
      `#!/bin/sh\nd="$(dirname "$0")"\necho "$@" >> "$d/iptables-restore.args"\n` +
        `tee -a "$d/iptables-restore.log" | sed -n 's/^-\\([ID]\\) .* --name \\([^ ]*\\) .*/\\1 \\2/p' | sort -u | while read -r op name; do\n` +
        `  if [ "$op" = I ]; then : > "$d/xt_recent/$name"; else mv "$d/xt_recent/$name" "$d/xt_recent/$name.gone"; fi\ndone\nexit "\${RC:-0}"\n`,
      { mode: 0o755 },
    );
  }
  // The agent runs locally, with the plan's /proc/net/xt_recent/ read as that directory.
  const spawnExec = (cmd: string[]) =>
    spawn('sh', ['-c', `sed -u "s#/proc/net/xt_recent/#${switches}/#g" | exec perl "$0" "$@"`, AGENT, ...cmd.slice(1)], { stdio: 'pipe', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : null);
  const switchFiles = () => fs.readdirSync(switches).sort();
  return { dir, spawnExec, read, log: (name: string) => read(`${name}.log`), args: (name: string) => read(`${name}.args`), switchFiles, switchText: (file: string) => read(`xt_recent/${file}`) };
}
