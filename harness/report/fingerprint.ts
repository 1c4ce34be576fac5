// What the reports say about each server (one TargetFingerprint per distinct server config): its
// configuration in words, and where what was measured inside it disagrees with what was asked for.

import type { RunResult, TargetFingerprint } from '../results.js';
import { axisValues, networkPathInfos } from './axes.js';
import { plural } from './format.js';

/** Fingerprints by target order, then key: the same order whatever order the run wrote them in. */
export function fingerprintsInOrder(result: RunResult): TargetFingerprint[] {
  const targets = axisValues(result, 'target');
  const rank = (fp: TargetFingerprint) => {
    const i = targets.indexOf(fp.name);
    return i === -1 ? targets.length : i;
  };
  return [...result.targets].sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Server keys cells refer to without a fingerprint: the report must say it cannot describe them. */
export function serversWithoutFingerprint(result: RunResult): string[] {
  const known = new Set(result.targets.map((t) => t.key));
  return [...new Set(result.cells.map((c) => c.serverKey).filter((k) => !known.has(k)))].sort();
}

export function cellsOnServer(result: RunResult, key: string): number {
  return result.cells.filter((c) => c.serverKey === key).length;
}

/** `ssh -V` goes on about the OpenSSL build; the OpenSSH release is what a one-liner needs. */
export function opensshRelease(fp: TargetFingerprint): string {
  return fp.serverVersion.split(',')[0]?.trim() ?? '';
}

/** The server-side axis values, in the order of SERVER_AXES. */
export function configPairs(fp: TargetFingerprint): [string, string][] {
  const c = fp.config;
  return [
    ['clientAlive', c.clientAlive],
    ['tcpKeepAlive', c.tcpKeepAlive],
    ['kernel', c.kernel],
    ['killUserProcesses', c.killUserProcesses],
  ];
}

/** "debian-bookworm: OpenSSH_9.2p1 · clientAlive 1/2 · tcpKeepAlive yes · kernel default · …" */
export function fingerprintOneLiner(fp: TargetFingerprint): string {
  const parts = [opensshRelease(fp), ...configPairs(fp).map(([k, v]) => `${k} ${v}`)].filter((p) => p !== '');
  return `${fp.name}: ${parts.join(' · ')}`;
}

function lowerKeys(record: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v.trim()]));
}

const TRUE = new Set(['yes', 'true', 'on', '1']);
const FALSE = new Set(['no', 'false', 'off', '0']);

/**
 * A boolean as the axis spells it: sshd -T says yes/no, logind (busctl, loginctl) true/false, other
 * tools on/off or 1/0. null when it is none of them, so an odd value is still reported.
 */
export function yesNo(value: string): 'yes' | 'no' | null {
  const v = value.trim().toLowerCase();
  return TRUE.has(v) ? 'yes' : FALSE.has(v) ? 'no' : null;
}

function sameBoolean(measured: string, asked: string): boolean {
  const [m, a] = [yesNo(measured), yesNo(asked)];
  return m !== null && a !== null ? m === a : measured.trim().toLowerCase() === asked.trim().toLowerCase();
}

/**
 * A sysctl value as the kernel prints it against the one asked for: numbers compare as numbers
 * ("03" is 3), and multi-value sysctls ("4096\t131072\t6291456") by their words.
 */
export function sameSysctl(measured: string, asked: string): boolean {
  const words = (v: string) => v.trim().split(/[\s,]+/);
  const [m, a] = [words(measured), words(asked)];
  return (
    m.length === a.length &&
    m.every((w, i) => {
      const [x, y] = [Number(w), Number(a[i])];
      return w !== '' && a[i] !== '' && Number.isFinite(x) && Number.isFinite(y) ? x === y : w === a[i];
    })
  );
}

/**
 * Where the server measured something other than its configuration asked for (sshd -T, logind,
 * sysctls). Only what was recorded is compared, each in the spelling its source uses (logind's
 * true/false is the axis's yes/no); a mismatch means a cell ran on another server than its axes
 * say, which the reader has to know before trusting the matrix.
 */
export function configMismatches(fp: TargetFingerprint): string[] {
  const out: string[] = [];
  const sshd = lowerKeys(fp.sshdEffective);
  const interval = sshd.get('clientaliveinterval');
  const countMax = sshd.get('clientalivecountmax');
  if (interval !== undefined) {
    const [i, c] = fp.config.clientAlive.split('/');
    const off = fp.config.clientAlive === 'off';
    const intervalOk = off ? Number.parseFloat(interval) === 0 : Number.parseFloat(interval) === Number(i);
    const countOk = off || countMax === undefined || Number(countMax) === Number(c);
    if (!intervalOk || !countOk)
      out.push(
        `clientAlive is ${fp.config.clientAlive}, but sshd -T says clientaliveinterval ${interval}` +
          (countMax === undefined ? '' : `, clientalivecountmax ${countMax}`),
      );
  }
  const keepAlive = sshd.get('tcpkeepalive');
  if (keepAlive !== undefined && !sameBoolean(keepAlive, fp.config.tcpKeepAlive))
    out.push(`tcpKeepAlive is ${fp.config.tcpKeepAlive}, but sshd -T says tcpkeepalive ${keepAlive}`);
  const kup = lowerKeys(fp.logind).get('killuserprocesses');
  if (kup !== undefined && !sameBoolean(kup, fp.config.killUserProcesses))
    out.push(`killUserProcesses is ${fp.config.killUserProcesses}, but logind says KillUserProcesses=${kup}`);
  if (fp.config.kernel !== 'default') {
    for (const setting of fp.config.kernel.split(',')) {
      const [name, value] = setting.split('=').map((s) => s.trim());
      if (!name || value === undefined) continue;
      // The axis may name a sysctl without its "net.ipv4." prefix.
      const seen = Object.entries(fp.sysctls).find(([k]) => k === name || k.endsWith(`.${name}`));
      if (seen && !sameSysctl(seen[1], value)) out.push(`kernel asks ${name}=${value}, but the server has ${seen[0]}=${seen[1]}`);
    }
  }
  return out;
}

/** "k=v, k=v", or a dash for nothing. */
export function record(values: Record<string, string>): string {
  const entries = Object.entries(values);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '—';
}

/** The paths this server's cells took, when any differs from the one its fingerprint names. */
function cellPaths(result: RunResult, fp: TargetFingerprint): string | null {
  const counts = new Map<string, number>();
  for (const c of result.cells) if (c.serverKey === fp.key) counts.set(c.networkPath, (counts.get(c.networkPath) ?? 0) + 1);
  if ([...counts.keys()].every((p) => p === fp.networkPath)) return null;
  return networkPathInfos(result)
    .filter((p) => counts.has(p.path))
    .map((p) => `${p.label} (${plural(counts.get(p.path)!, 'cell')})`)
    .join(', ');
}

/** A fingerprint as label/value rows, shared by report.md and report.html. */
export function fingerprintRows(result: RunResult, fp: TargetFingerprint): [string, string][] {
  const paths = cellPaths(result, fp);
  return (
    [
      ['Key', fp.key],
      ['Cells', String(cellsOnServer(result, fp.key))],
      ['Server', `${fp.server}: ${fp.serverVersion}`],
      ['Image', fp.image],
      ['ssh unit KillMode', fp.sshKillMode],
      ['logind', record(fp.logind)],
      ['Versions', record(fp.versions)],
      ['Kernel sysctls', record(fp.sysctls)],
      ['Network path', fp.networkPath],
      ...(paths ? [['Network paths of its cells', paths]] : []),
      ['Client', fp.client],
    ] as [string, string][]
  ).map(([k, v]) => [k, v || '—']);
}
