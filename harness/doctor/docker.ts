import { execFile } from 'node:child_process';
import type { DockerOutcome } from './capabilities.js';

/**
 * One docker CLI call with a deadline; never throws. A call that overruns is SIGKILLed (a hung
 * engine must not hang the doctor); whatever it started is found by label and removed by the caller.
 */
export function docker(args: string[], timeoutMs: number): Promise<DockerOutcome & { cliMissing: boolean }> {
  return new Promise(resolve => {
    execFile('docker', args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        stdout,
        stderr: stderr || (e && typeof e.code !== 'number' ? e.message : ''),
        timedOut: Boolean(e?.killed),
        cliMissing: e?.code === 'ENOENT',
      });
    });
  });
}
