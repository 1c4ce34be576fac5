// Is a client installed here, and which version: asked once per run for every client its cells use.
import { spawnSync } from 'node:child_process';
import { InfrastructureError } from '../core/errors.js';
import type { ClientImplementation } from './types.js';

/**
 * The client's version line. Only a missing program means "not installed": under heavy load a
 * spawn can fail for other reasons (EAGAIN, the OOM killer); those were once misreported as a
 * missing client and stopped whole test files at load 60. They are tried again (setup, bounded)
 * and, if they persist, reported as what they are.
 */
export function clientVersion(c: Pick<ClientImplementation, 'name' | 'program'>): string {
  const { file, versionArgs, install } = c.program;
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const r = spawnSync(file, versionArgs, { encoding: 'utf8' });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new InfrastructureError(`the ${c.name} client (${file}) is not installed; run: ${install}`);
    }
    // Some print their version to stderr, some to stdout; the first non-empty line is it.
    const line = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map(l => l.trim()).find(Boolean);
    if (!r.error && r.status === 0 && line) return line;
    last = r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim()}`;
    // A synchronous pause of 1 s (this check runs before anything async has started).
    if (attempt < 3) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  throw new InfrastructureError(`the ${c.name} client (${file} ${versionArgs.join(' ')}) did not answer: ${last}; check that it runs on this machine`);
}
