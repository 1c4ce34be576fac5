// The text forms of axis values, parsed in one place: the scenario loader validates with these and
// the runner configures servers and clients with the same functions.

/** Kernel settings a scenario may set per container: the TCP timers that decide how long a dead
 *  peer goes unnoticed. Only these: anything else would change the host's behaviour under test. */
export const SYSCTLS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_retries2',
] as const;

export interface Alive {
  intervalS: number;
  countMax: number;
}

/** "15/3" → interval 15 s, count 3; "off" → null. Throws a one-line reason on anything else. */
export function parseAlive(value: string): Alive | null {
  if (value === 'off') return null;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new Error(`"${value}" is not "INTERVAL/COUNTMAX" (e.g. "15/3") or "off"`);
  const intervalS = Number(m[1]);
  if (intervalS === 0) throw new Error(`"${value}": an interval of 0 disables keepalive; write "off"`);
  return { intervalS, countMax: Number(m[2]) };
}

/** The text form of a keepalive setting, as cells carry it. */
export function aliveText(intervalS: number, countMax: number): string {
  return intervalS > 0 ? `${intervalS}/${countMax}` : 'off';
}

/**
 * "tcp_retries2=3,tcp_keepalive_time=10" (short or full sysctl names) → full names; "default" → {}.
 * Throws a one-line reason naming the allowed keys.
 */
export function parseKernel(value: string): Record<string, string> {
  if (value === 'default') return {};
  const parts = value.split(',').map(p => p.trim());
  if (parts.some(p => !p)) throw new Error(`"${value}" has an empty part; write "default" or "sysctl=number,…"`);
  const out: Record<string, string> = {};
  for (const part of parts) {
    const m = /^([a-z0-9_.]+)=(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not "sysctl=number"`);
    const full = m[1]!.includes('.') ? m[1]! : `net.ipv4.${m[1]}`;
    if (!(SYSCTLS as readonly string[]).includes(full)) {
      throw new Error(`sysctl "${m[1]}" is not allowed (allowed: ${SYSCTLS.map(s => s.replace('net.ipv4.', '')).join(', ')})`);
    }
    out[full] = m[2]!;
  }
  return out;
}

/** The label of a sysctl map, as cells carry it: short names, in the order given. */
export function kernelText(sysctls: Record<string, string>): string {
  const parts = Object.entries(sysctls).map(([k, v]) => `${k.replace(/^net\.ipv4\./, '')}=${v}`);
  return parts.length ? parts.join(',') : 'default';
}
