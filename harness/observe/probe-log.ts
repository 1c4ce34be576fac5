// The probe's log (containers/agent/probe): "<monotonic ms> <kind> <fields...>" per line.

export type ProbeLogEntry =
  | { t: number; kind: 'start'; fields: Record<string, string> }
  | { t: number; kind: 'hb'; n: number }
  | {
      t: number;
      kind: 'sig';
      signal: string;
      code: number | null;
      senderPid: number | null;
      senderComm: string | null;
      /** the probe's systemd cgroup when the signal arrived; null in logs of older probes */
      cgroup: string | null;
    }
  | { t: number; kind: 'out-err'; error: string }
  | { t: number; kind: 'exit' | 'sig-survived' | 'other'; text: string };

export function parseProbeLine(line: string): ProbeLogEntry | null {
  const m = line.match(/^(\d+(?:\.\d+)?) (\S+) ?(.*)$/);
  if (!m) return null;
  const t = Number(m[1]);
  const rest = m[3] ?? '';
  const kv = Object.fromEntries(
    rest
      .split(' ')
      .filter(w => w.includes('='))
      .map(w => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
  switch (m[2]) {
    case 'start':
      return { t, kind: 'start', fields: kv };
    case 'hb':
      return { t, kind: 'hb', n: Number(rest) };
    case 'sig': {
      const num = (v: string | undefined) => (v === undefined || v === '?' || v === '' ? null : Number(v));
      const known = (v: string | undefined) => (v === undefined || v === '-' || v === '?' || v === '' ? null : v);
      return {
        t,
        kind: 'sig',
        signal: `SIG${rest.split(' ')[0]}`,
        code: num(kv.code),
        senderPid: num(kv.sender) || null,
        senderComm: known(kv.sender_comm),
        cgroup: known(kv.cgroup),
      };
    }
    case 'out-err':
      return { t, kind: 'out-err', error: rest.split(' ')[1] ?? rest };
    case 'exit':
    case 'sig-survived':
      return { t, kind: m[2], text: rest };
    default:
      return { t, kind: 'other', text: `${m[2]} ${rest}`.trim() };
  }
}
