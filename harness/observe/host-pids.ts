// A target's processes as this machine sees them: the kernel traces speak of host pids, the cells
// of the container's. Read from /proc on the Docker host (no docker exec on a busy engine); a
// remote engine's processes are not there, and the callers say so.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { pidNamespaceOf, startTimeOf } from '../core/proc-identity.js';

const run = promisify(execFile);

/** The container's PID 1 as the host sees it. */
export async function containerInitPid(id: string): Promise<number> {
  const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Pid}}', id], { timeout: 30_000 });
  return Number(stdout.trim());
}

/** Host pids of every process in the PID namespace of `init` (the target container's processes). */
export function pidsInNamespaceOf(init: number): number[] {
  const want = pidNamespaceOf(init);
  if (!want) return [];
  return fs
    .readdirSync('/proc')
    .filter(d => /^\d+$/.test(d) && pidNamespaceOf(d) === want)
    .map(Number);
}

/** The container's PID 1 as the host sees it, asked of the engine once per container. */
const inits = new Map<string, Promise<number>>();
export function cachedInitPid(id: string): Promise<number> {
  if (!inits.has(id)) {
    const init = containerInitPid(id);
    // A failed lookup is asked again next time, not remembered.
    init.catch(() => inits.delete(id));
    inits.set(id, init);
  }
  return inits.get(id)!;
}

/**
 * The host pid of the process that is `nsPid` in the PID namespace of host pid `init`, checked
 * against its start time when one is given (field 22 of /proc/PID/stat, the same in every
 * namespace: a pid reused since is not it); null when none is.
 */
export function hostPidOf(init: number, nsPid: number, startTime?: string): number | null {
  return hostPidAmong(pidsInNamespaceOf(init), nsPid, startTime);
}

/** hostPidOf among `candidates` (host pids), read from `procDir`. */
export function hostPidAmong(candidates: readonly number[], nsPid: number, startTime?: string, procDir = '/proc'): number | null {
  for (const pid of candidates) {
    try {
      // NSpid lists the pid in each nested namespace, the innermost (the container's) last.
      const inner = /^NSpid:\s*(.*)$/m.exec(fs.readFileSync(`${procDir}/${pid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/).at(-1);
      if (Number(inner) !== nsPid) continue;
      if (startTime === undefined || String(startTimeOf(pid, procDir)) === startTime) return pid;
    } catch {
      /* gone while we looked */
    }
  }
  return null;
}
