// A user's own sshd_config as the target's config, for regression-testing a real server's settings.
// sshd itself is the judge of the file (`sshd -t` in the target); this module only reads the few
// global settings the harness must know before a container exists: the keepalive values become the
// cells' clientAlive/tcpKeepAlive, so verdicts and the detection-time predictions say the truth.
import fs from 'node:fs';
import { BadInputError } from '../core/errors.js';

export interface SshdConfigFile {
  /** the path as the user gave it (for messages) */
  file: string;
  text: string;
  /** the effective global values (before any Match block; sshd's defaults where unset) */
  global: { ClientAliveInterval: number; ClientAliveCountMax: number; TCPKeepAlive: boolean };
  /** Include lines: only files the target has (its sshd_config.d) can be read there */
  includes: string[];
  /** how many Match blocks the file has (they can override the global values per connection) */
  matchBlocks: number;
  /** the global PermitRootLogin and its line, when the file sets one (cells of user root need key login) */
  permitRootLogin: { value: string; line: number } | null;
}

/** sshd_config(5) TIME FORMATS: "90", "1m30s", "2h". Returns seconds, or null when malformed. */
export function parseSshdTime(v: string): number | null {
  if (/^\d+$/.test(v)) return Number(v);
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)([smhdw])/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(v.toLowerCase())) !== null) {
    total += Number(m[1]) * unit[m[2]!]!;
    at = re.lastIndex;
  }
  return at === v.length && at > 0 ? total : null;
}

/** Keyword and value of one config line (`Keyword value`, `Keyword=value`), or null for blanks and comments. */
export function configLine(line: string): { keyword: string; value: string } | null {
  const t = line.trim();
  if (!t || t.startsWith('#')) return null;
  const m = t.match(/^(\S+?)(?:\s*=\s*|\s+)(.*)$/);
  if (!m) return { keyword: t.toLowerCase(), value: '' };
  return { keyword: m[1]!.toLowerCase(), value: m[2]!.replace(/^"(.*)"$/, '$1').trim() };
}

/** Pure: the global keepalive values of a config text; `where` prefixes error messages. */
export function readGlobals(text: string, where: string): Pick<SshdConfigFile, 'global' | 'includes' | 'matchBlocks' | 'permitRootLogin'> {
  const first = new Map<string, { value: string; line: number }>();
  const includes: string[] = [];
  let matchBlocks = 0;
  text.split('\n').forEach((raw, i) => {
    const l = configLine(raw);
    if (!l) return;
    if (l.keyword === 'match') matchBlocks++;
    if (l.keyword === 'include') includes.push(l.value);
    // In sshd the first value of a keyword wins, and lines after a Match belong to that Match.
    if (matchBlocks === 0 && !first.has(l.keyword)) first.set(l.keyword, { value: l.value, line: i + 1 });
  });
  const bad = (k: string, v: { value: string; line: number }, want: string): never => {
    throw new BadInputError(`${where}: line ${v.line}: ${k} "${v.value}": ${want}; fix the file (sshd would reject it too)`);
  };
  const seconds = (k: string, dflt: number) => {
    const v = first.get(k.toLowerCase());
    if (!v) return dflt;
    return parseSshdTime(v.value) ?? bad(k, v, 'expected seconds or a time like 1m30s');
  };
  const count = (k: string, dflt: number) => {
    const v = first.get(k.toLowerCase());
    if (!v) return dflt;
    return /^\d+$/.test(v.value) ? Number(v.value) : bad(k, v, 'expected a whole number');
  };
  const tcp = first.get('tcpkeepalive');
  const yes = tcp ? (/^(yes|no)$/i.test(tcp.value) ? /^yes$/i.test(tcp.value) : bad('TCPKeepAlive', tcp, 'expected yes or no')) : true;
  return {
    // sshd's defaults (sshd_config(5)): no ClientAlive probes, CountMax 3, TCPKeepAlive yes.
    global: { ClientAliveInterval: seconds('ClientAliveInterval', 0), ClientAliveCountMax: count('ClientAliveCountMax', 3), TCPKeepAlive: yes },
    includes,
    matchBlocks,
    permitRootLogin: first.get('permitrootlogin') ?? null,
  };
}

/** Read the user's file; `where` names where it was given ("scenario.yaml: sshd.config" or "--sshd-config"). */
export function parseSshdConfigFile(file: string, where: string): SshdConfigFile {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    if (st.size > 1 << 20) throw Object.assign(new Error('too big'), { code: 'larger than 1 MiB; is it really an sshd_config?' });
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(`${where}: cannot read the sshd config ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  return { file, text, ...readGlobals(text, `${where} ${file}`) };
}
