// The terminal summary of an inspect report: one line per group of facts, "!" beside a setting
// known to surprise, then the surprises with what they do. A pure function of the report.
import type { InspectReport } from './report.js';

const UNKNOWN = 'unknown';

function line(label: string, text: string): string {
  return `${label.padEnd(13)}${text}`;
}

const or = (v: string | undefined, fallback = UNKNOWN) => (v === undefined || v === '' ? fallback : v);

/**
 * A logind value as an admin writes it in logind.conf: busctl's user lists (`2 "root" "bob"`, `0`)
 * as names, its microseconds as seconds. The report keeps busctl's form, as the targets' does.
 */
export function logindText(key: string, value: string): string {
  if (/^Kill(Exclude|Only)Users$/.test(key)) {
    const m = /^(\d+)((?: "[^"]*")*)$/.exec(value);
    if (m) return m[1] === '0' ? 'none' : [...m[2]!.matchAll(/"([^"]*)"/g)].map(x => x[1]).join(' ');
  }
  if (key === 'UserStopDelayUSec' && /^\d+$/.test(value)) return `${Number(value) / 1e6} s`;
  return value || '-';
}

export function renderSummary(r: InspectReport, file: string): string {
  const { fingerprint: fp, host } = r;
  const flagged = new Set(r.surprises.map(s => s.fact));
  const mark = (fact: string) => (flagged.has(fact) ? ' !' : '');
  const d = r.destination;
  const sshd = host.sshd.source === 'files' ? { ...host.sshd.fromFiles } : fp.sshdEffective;
  const sshdText = (k: string, name: string, dflt?: string) => `${name} ${or(sshd[k], dflt ? `${dflt} (default)` : 'not set')}${mark(`sshd ${name}`)}`;
  const v = fp.versions;
  const s = host.session;
  const tcp = fp.sysctls;
  const lines = [
    line('host', `${d.user ? `${d.user}@` : ''}${d.host}${d.port !== null ? `:${d.port}` : ''}: ${or(host.os.pretty_name)}, kernel ${or(v.kernel)}, logged in as ${host.user.name} (uid ${host.user.uid})`),
    line('versions', `${fp.serverVersion}; systemd ${or(v.systemd?.replace(/^systemd /, ''))}; ${or(v.bash?.replace(/^GNU bash, version (\S+?)(\(.*)?$/, 'bash $1'))}; tmux ${or(v.tmux?.replace(/^tmux /, ''))}; screen ${or(v.screen?.replace(/^Screen version /, ''))}; mosh ${or(v.mosh)}; dtach ${or(v.dtach)}`),
    line(
      'sshd',
      `${host.sshd.source === 'files' ? `files (${host.sshd.files.join(', ') || 'none readable'}), not effective values` : `effective (${host.sshd.source})`}: ` +
        [sshdText('clientaliveinterval', 'ClientAliveInterval', '0'), sshdText('clientalivecountmax', 'ClientAliveCountMax', '3'), sshdText('tcpkeepalive', 'TCPKeepAlive', 'yes'), sshdText('usepam', 'UsePAM', 'no')].join(', '),
    ),
    line(
      'logind',
      host.logind.source === 'none'
        ? 'unknown (neither busctl nor systemd-analyze answered)'
        : `${host.logind.source === 'busctl' ? 'in force' : 'logind.conf'}: ` +
            Object.entries(fp.logind).map(([k, val]) => `${k.replace(/USec$/, 'Sec')} ${logindText(k, val)}${k === 'KillUserProcesses' ? mark('logind KillUserProcesses') : ''}`).join(', '),
    ),
    line('this login', Object.keys(s).length ? `session ${or(s.Id)}, class ${or(s.Class)}, type ${or(s.Type)}, remote ${or(s.Remote)}, scope ${or(s.Scope)}` : 'no logind session'),
    line('user', `linger ${host.linger === 'yes' ? 'on' : host.linger === 'no' ? 'off' : UNKNOWN}${mark(`linger for ${host.user.name}`)}; logind: ${or(host.loginUser.State)}, sessions ${or(host.loginUser.Sessions, 'none')}`),
    line('pam', `pam_systemd ${host.pamSystemd.present === 'yes' ? `present (${host.pamSystemd.lines[0]?.replace(/\s+/g, ' ')})` : host.pamSystemd.present === 'no' ? 'absent' : UNKNOWN}${mark('pam_systemd in /etc/pam.d/sshd')}`),
    line(
      'ssh service',
      Object.keys(host.service).length
        ? `${or(host.service.Id)} ${or(host.service.ActiveState)}, KillMode ${or(host.service.KillMode)}; ` +
            (Object.keys(host.socket).length
              ? `${or(host.socket.Id)} ${or(host.socket.ActiveState)}${host.socket.ActiveState !== 'active' ? ' (sshd is not socket-activated)' : host.socket.Accept === 'yes' ? `, a unit per connection (KillMode ${or(host.socket.instanceKillMode)})` : ', starts ssh.service on the first connection'}`
              : 'no ssh socket unit')
        : UNKNOWN,
    ),
    line('shell', `${host.shell.path}: huponexit ${host.shell.huponexit}${mark('bash huponexit')}, TMOUT ${host.shell.tmout === null ? UNKNOWN : host.shell.tmout || 'unset'}${mark('TMOUT')}`),
    line(
      'kernel TCP',
      `keepalive after ${or(tcp['net.ipv4.tcp_keepalive_time'])} s idle, ${or(tcp['net.ipv4.tcp_keepalive_probes'])} probes ${or(tcp['net.ipv4.tcp_keepalive_intvl'])} s apart; tcp_retries2 ${or(tcp['net.ipv4.tcp_retries2'])}`,
    ),
  ];
  if (r.unknown.length) lines.push(line('unknown', r.unknown.map(u => `${u.fact}: ${u.why}`).join('; ')));
  if (r.surprises.length) {
    lines.push('', 'known to surprise:');
    for (const x of r.surprises) lines.push(`  ! ${x.fact} ${x.value}: ${x.why}`);
  }
  lines.push('', `report: ${file}`);
  return lines.join('\n') + '\n';
}
