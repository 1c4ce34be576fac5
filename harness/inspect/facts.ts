// The facts script's output (script.ts) read into the inspect report (report.ts). Pure: tested on
// outputs captured from real servers (test/inspect/fixtures/).
import { kernelText, aliveText } from '../scenario/values.js';
import openssh from '../server/openssh.js';
import { parseKeyValues } from '../target/fingerprint.js';
import { END_MARK, START_MARK } from './script.js';
import type { HostFacts, InspectFingerprint, InspectReport } from './report.js';
import { INSPECT_SCHEMA_VERSION } from './report.js';
import { surprisesOf } from './surprises.js';

export interface InspectContext {
  destination: { user: string | null; host: string; port: number | null };
  /** the local client's version line (`ssh -V` here): the fingerprint's `client` */
  client: string;
  inspectedAt: string;
}

/** Linux's own TCP timers: a server that has these has the targets' kernel axis "default". */
const LINUX_DEFAULTS: Record<string, string> = {
  'net.ipv4.tcp_keepalive_time': '7200',
  'net.ipv4.tcp_keepalive_intvl': '75',
  'net.ipv4.tcp_keepalive_probes': '9',
  'net.ipv4.tcp_retries2': '15',
};

/** Every key=value line in order (a key may repeat: sshd.line, pam.line); other lines are dropped. */
export function orderedKeyValues(text: string): [string, string][] {
  return text
    .split('\n')
    .filter(l => /^[A-Za-z][\w.@/-]*=/.test(l))
    .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]);
}

/**
 * sshd's settings from its files as the script printed them (sshd.file, sshd.line, sshd.end, in
 * the order sshd reads them): the first value of a keyword wins, as in sshd. A line after `Match`
 * applies only to some logins, so it is not taken; a Match block ends with its file.
 */
export function sshdFromFiles(entries: readonly [string, string][]): { files: string[]; settings: Record<string, string> } {
  const files: string[] = [];
  const settings: Record<string, string> = {};
  let inMatch = false;
  for (const [k, v] of entries) {
    if (k === 'sshd.file') files.push(v);
    if (k === 'sshd.file' || k === 'sshd.end') inMatch = false;
    if (k !== 'sshd.line') continue;
    const m = /^(\S+)\s*(?:=\s*|\s+)(.*)$/.exec(v);
    if (!m) continue;
    const keyword = m[1]!.toLowerCase();
    if (keyword === 'match') inMatch = true;
    else if (!inMatch && !(keyword in settings)) settings[keyword] = m[2]!.trim();
  }
  return { files, settings };
}

/** OpenSSH's own defaults of the keepalive settings (sshd_config(5)), for a file that sets none. */
const SSHD_DEFAULTS: Record<string, string> = { clientaliveinterval: '0', clientalivecountmax: '3', tcpkeepalive: 'yes', usepam: 'no' };

/** The prefix-stripped entries of one group: `pick(kv, 'session.')`. */
function pick(kv: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(kv).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

const yesNo = (v: string | undefined): 'yes' | 'no' | 'unknown' => {
  const s = v?.toLowerCase();
  if (s === 'yes' || s === 'true' || s === '1' || s === 'on') return 'yes';
  if (s === 'no' || s === 'false' || s === '0' || s === 'off') return 'no';
  return 'unknown';
};

/**
 * The ssh -V line when it is the same release as sshd (the targets record ssh -V, with the
 * distribution's suffix), else sshd's own: a server whose client is another release is told apart.
 */
export function serverVersionOf(ssh: string | undefined, sshd: string | undefined): string {
  const release = sshd?.match(/^OpenSSH_[\d.]+/)?.[0];
  if (ssh && release && ssh.startsWith(release)) return ssh;
  return sshd ?? ssh ?? '?';
}

/**
 * The inspect report of one script output. Long because it is one mapping, group by group, from
 * the script's keys to the report's fields: split, each piece would be a few lines of plumbing.
 */
export function readFacts(output: string, ctx: InspectContext): InspectReport {
  // Only what the script printed: a login shell's rc files may print before it (Debian's bash
  // reads ~/.bashrc under sshd even for `sh -s`), and a line of theirs may look like key=value.
  const start = output.indexOf(START_MARK);
  const end = output.indexOf(END_MARK, Math.max(start, 0));
  const entries = orderedKeyValues(output.slice(Math.max(start, 0), end >= 0 ? end : undefined));
  const kv = parseKeyValues(entries.map(([k, v]) => `${k}=${v}`).join('\n'));
  const complete = output.includes(START_MARK) && output.includes(END_MARK);
  const unknown = Object.entries(pick(kv, 'unknown.')).map(([fact, why]) => ({ fact, why }));
  if (!complete) unknown.push({ fact: 'script', why: 'its output ended before its last line: every fact it did not print is unknown' });

  const source = (kv['sshd.source'] ?? 'files') as HostFacts['sshd']['source'];
  const files = sshdFromFiles(entries);
  // The server plug-in's own reader, as for a target; the KillMode of the unit sshd runs in.
  const socket = pick(kv, 'socket.');
  const service = pick(kv, 'service.');
  const perConnection = socket.ActiveState === 'active' && socket.Accept === 'yes';
  const killMode = perConnection ? socket.instanceKillMode : service.KillMode;
  const server = openssh.fingerprint.read({ ...kv, 'server.version': serverVersionOf(kv['ssh.version'], kv['sshd.version']), ...(killMode ? { 'server.killmode': killMode } : {}) });
  // Effective values, else the files' first values over OpenSSH's defaults (the note says so).
  const sshd = source === 'files' ? { ...SSHD_DEFAULTS, ...files.settings } : server.effective;

  const busctl = pick(kv, 'logind.');
  const conf = pick(kv, 'logindconf.');
  const logindSource = Object.keys(busctl).length ? 'busctl' : Object.keys(conf).length ? 'logind.conf' : 'none';
  // busctl says true/false, logind.conf and the targets yes/no: one spelling, as the targets'.
  const logind =
    logindSource === 'busctl'
      ? Object.fromEntries(Object.entries(busctl).map(([k, v]) => [k, v === 'true' ? 'yes' : v === 'false' ? 'no' : v]))
      : conf;
  if (logindSource === 'none' && complete && !unknown.some(u => u.fact.startsWith('logind'))) unknown.push({ fact: 'logind', why: 'neither busctl nor systemd-analyze cat-config answered' });

  const pamLines = entries.filter(([k]) => k === 'pam.line').map(([, v]) => v);
  const pamFiles = entries.filter(([k]) => k === 'pam.file').map(([, v]) => v);
  const pamUnknown = unknown.some(u => u.fact === 'pam.file.sshd');
  const pamPresent = pamLines.some(l => !/^\S+:\s*#/.test(l)) ? 'yes' : pamUnknown || !pamFiles.length ? 'unknown' : 'no';

  const init = kv['manager.init'] ?? 'other';
  const manager = init === 'systemd' ? (pamPresent === 'no' ? 'systemd-no-pam' : 'systemd') : init;
  const sysctls = pick(kv, 'sysctl.');
  const nonDefault = Object.fromEntries(Object.entries(sysctls).filter(([k, v]) => LINUX_DEFAULTS[k] !== v));
  const interval = Number(sshd.clientaliveinterval);
  const countMax = Number(sshd.clientalivecountmax);

  const fingerprint: InspectFingerprint = {
    key: `inspect:${ctx.destination.host}`,
    name: ctx.destination.host,
    config: {
      clientAlive: Number.isInteger(interval) && Number.isInteger(countMax) ? aliveText(interval, countMax) : 'unknown',
      tcpKeepAlive: yesNo(sshd.tcpkeepalive),
      kernel: Object.keys(sysctls).length ? kernelText(nonDefault) : 'unknown',
      killUserProcesses: yesNo(logind.KillUserProcesses),
    },
    image: 'none (a server of your own)',
    server: server.version.startsWith('OpenSSH') ? 'openssh' : 'unknown',
    manager,
    serverVersion: server.version,
    sshdEffective: server.effective,
    sshKillMode: server.killMode,
    logind,
    versions: pick(kv, 'v.'),
    sysctls,
    networkPath: 'your network (not measured)',
    client: ctx.client,
  };

  const host: HostFacts = {
    os: Object.fromEntries(Object.entries(pick(kv, 'os.')).map(([k, v]) => [k.toLowerCase(), v])),
    user: { name: kv['user.name'] ?? '?', uid: kv['user.uid'] ?? '?' },
    sshVersion: kv['ssh.version'] ?? null,
    sshdVersion: kv['sshd.version'] ?? null,
    sshd: {
      source,
      note:
        source === 'files'
          ? "the files as written (first value outside Match blocks, over OpenSSH's defaults), not sshd's effective values: sshd -T needs root"
          : 'effective values (sshd -T, global: Match blocks for a particular user or address not applied)',
      files: files.files,
      fromFiles: files.settings,
    },
    init,
    logind: { source: logindSource, conf },
    session: pick(kv, 'session.'),
    loginUser: pick(kv, 'loginuser.'),
    linger: yesNo(kv['linger.file']),
    pamSystemd: { present: pamPresent, lines: pamLines, files: pamFiles },
    service,
    socket,
    shell: {
      path: kv['shell.path'] ?? '?',
      huponexit: kv['shell.huponexit'] ?? 'unknown',
      tmout: 'shell.TMOUT' in kv ? kv['shell.TMOUT']! : null,
    },
  };
  return {
    schemaVersion: INSPECT_SCHEMA_VERSION,
    kind: 'hangup-lab-inspect',
    inspectedAt: ctx.inspectedAt,
    destination: ctx.destination,
    complete,
    fingerprint,
    host,
    unknown,
    surprises: surprisesOf(fingerprint, host, sshd),
  };
}
