// A loopback port on this machine that `demo --port` asked for: who holds it, and the one line
// the demo says when it is taken (whether found before starting or by the engine).
import { spawnSync } from 'node:child_process';

/** `demo --port N` when 127.0.0.1:N is taken: the same line whether found before or by the engine. */
export function portInUseMessage(port: number, holder: string | null): string {
  return `hangup-lab demo: --port ${port}: 127.0.0.1:${port} is already in use${holder ? ` (by ${holder})` : ''}; choose another port or free it`;
}

/** Who listens on a TCP port, as `ss -ltnp` says it ("nginx pid 123"), or null when it does not say. */
export function portHolder(port: number): string | null {
  const r = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8', timeout: 5000 });
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(r.stdout ?? '');
  return m ? `${m[1]} pid ${m[2]}` : null;
}
