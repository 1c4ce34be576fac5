import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Everything a run creates registers its undo here. The undos run on normal end (each caller
// awaits its own), and all remaining ones run when the harness gets SIGINT/SIGTERM/SIGHUP, so an
// interrupted run leaves no container, key or rule behind. No reaper container exists here.
const pending = new Set<() => Promise<void> | void>();
let installed = false;

export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  installSignalHandlers();
  let ran = false;
  const once = async () => {
    if (ran) return;
    ran = true;
    pending.delete(once);
    await fn();
  };
  pending.add(once);
  return once;
}

export async function runAllCleanups(): Promise<void> {
  await Promise.allSettled([...pending].map(f => f()));
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`hangup-lab: ${sig}: cleaning up\n`);
      void runAllCleanups().finally(() => process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)));
    });
  }
}

/**
 * Remove what runs killed with SIGKILL left behind: containers labelled by hangup-lab whose
 * owning process is gone. Containers of a run that is still going (another terminal, a parallel
 * test) are left alone.
 */
export async function sweepLeftovers(say: (line: string) => void): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-a', '--filter', 'label=hangup-lab=1', '--format', '{{.ID}} {{.Label "hangup-lab.pid"}}']);
  const stale = stdout
    .split('\n')
    .map(l => l.trim().split(' '))
    .filter(([id, pid]) => id && !(pid && pidAlive(Number(pid))))
    .map(([id]) => id!);
  if (!stale.length) return;
  say(`removing ${stale.length} container(s) left by an interrupted run`);
  await run('docker', ['rm', '-f', ...stale]);
}

function pidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
