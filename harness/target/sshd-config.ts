// sshd settings from the scenario → one drop-in file, and `sshd -t` failures → the scenario field.

export interface SshdSettings {
  ClientAliveInterval: number;
  ClientAliveCountMax: number;
  TCPKeepAlive: boolean;
  /** free-form "Keyword value" lines, passed through verbatim */
  extra: string[];
}

export interface DropIn {
  text: string;
  /** for each line of text, where it came from (scenario path or "harness") */
  origins: string[];
}

// What the harness itself needs from sshd: many parallel logins from one address, and the
// session log lines it reads. Scenario values come first in the file, and in sshd the first
// value of a keyword wins, so a scenario can still override any of these.
const HARNESS_LINES = ['MaxStartups 200:30:400', 'LogLevel VERBOSE', 'PasswordAuthentication no'];

export function renderSshdDropIn(s: SshdSettings): DropIn {
  const lines: [string, string][] = [
    [`ClientAliveInterval ${s.ClientAliveInterval}`, 'sshd.ClientAliveInterval'],
    [`ClientAliveCountMax ${s.ClientAliveCountMax}`, 'sshd.ClientAliveCountMax'],
    [`TCPKeepAlive ${s.TCPKeepAlive ? 'yes' : 'no'}`, 'sshd.TCPKeepAlive'],
    ...s.extra.map((l, i): [string, string] => [l, `sshd.extra[${i}]`]),
    ...HARNESS_LINES.map((l): [string, string] => [l, 'harness default']),
  ];
  return {
    text: '# written by hangup-lab from the scenario\n' + lines.map(([l]) => l).join('\n') + '\n',
    origins: ['header', ...lines.map(([, o]) => o)],
  };
}

/**
 * Map `sshd -t` output back to the scenario field that caused it. sshd names the file and line:
 * "/etc/ssh/sshd_config.d/50-hangup-lab.conf: line 5: Bad configuration option: Foo" (OpenSSH 9.2; older ones omit the colon).
 */
export function explainSshdTestFailure(output: string, dropIn: DropIn, fileName: string): { origin: string; problem: string } {
  const m = output.match(new RegExp(`${escapeRegExp(fileName)}:? line (\\d+): (.*)`));
  const firstLine = output.trim().split('\n')[0] ?? 'sshd -t failed';
  if (!m) return { origin: 'sshd', problem: firstLine };
  const line = Number(m[1]);
  return { origin: dropIn.origins[line - 1] ?? 'sshd', problem: `${dropIn.text.split('\n')[line - 1]}: ${m[2]}` };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
