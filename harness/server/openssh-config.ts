// OpenSSH's sshd configured from the scenario: its settings → one drop-in file, a user's own
// sshd_config installed behind it, and `sshd -t` failures → the scenario field that caused them.
import type { SshdConfigFile } from '../scenario/sshd-config-file.js';

/** The harness's drop-in; Debian's sshd_config includes sshd_config.d/*.conf first. */
export const DROP_IN = '/etc/ssh/sshd_config.d/50-hangup-lab.conf';

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

/** What the harness must know about a target's sshd before it writes the drop-in. */
export interface SshdServerFacts {
  /** sshd knows PerSourcePenalties (OpenSSH >= 9.8): `sshd -T` prints it */
  perSourcePenalties: boolean;
  /** IPv4 subnets the target reaches without a router: where every harness connection comes from */
  linkSubnets: string[];
}

/**
 * Run in the target before the drop-in exists; `parseServerFacts` reads its output. `sshd -T`
 * prints every keyword this sshd knows, so the grep detects support without parsing a version.
 */
export const SERVER_FACTS_SCRIPT = "sshd -T 2>/dev/null | grep -i '^persourcepenalties '; echo '#routes'; ip -4 -o route show scope link";

export function parseServerFacts(output: string): SshdServerFacts {
  const [sshdT = '', routes = ''] = output.split('#routes');
  return {
    perSourcePenalties: /^persourcepenalties /im.test(sshdT),
    // "172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.3"
    linkSubnets: routes
      .split('\n')
      .map(l => l.trim().split(/\s+/)[0] ?? '')
      .filter(net => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(net)),
  };
}

/**
 * OpenSSH >= 9.8 penalises a source address (PerSourcePenalties, on by default): a connection that
 * closes before authenticating (noauth, 1 s), a failed login (authfail, 5 s), a session process
 * that dies abnormally (crash, 90 s) add up, and past 15 s sshd refuses every new connection from
 * that address for a while. All of the harness's connections come from one or two addresses (the
 * docker bridge gateway, a NAT router container), and it closes connections on purpose: the
 * readiness probe reads the banner and hangs up, severs kill clients and session processes. The
 * cells after that would fail to connect: a harness artefact, not a finding about sshd (measured
 * on trixie: 25 banner-only connections, then a key login from the same address was dropped with
 * "penalty: connections without attempting authentication"). So the target's own link subnets are
 * exempt: the docker bridge, where the host's gateway address and the router containers are (and
 * any other container the engine put there); penalties stay on for every other address. Only
 * where the keyword exists: sshd -t of OpenSSH 8.4 and 9.2 rejects an unknown keyword. The
 * fingerprint's `sshd -T` lines show the list.
 */
export function penaltyExemptLine(facts: SshdServerFacts): string | null {
  if (!facts.perSourcePenalties || !facts.linkSubnets.length) return null;
  return `PerSourcePenaltyExemptList ${facts.linkSubnets.join(',')}`;
}

export function renderSshdDropIn(s: SshdSettings, facts: SshdServerFacts): DropIn {
  const exempt = penaltyExemptLine(facts);
  const lines: [string, string][] = [
    [`ClientAliveInterval ${s.ClientAliveInterval}`, 'sshd.ClientAliveInterval'],
    [`ClientAliveCountMax ${s.ClientAliveCountMax}`, 'sshd.ClientAliveCountMax'],
    [`TCPKeepAlive ${s.TCPKeepAlive ? 'yes' : 'no'}`, 'sshd.TCPKeepAlive'],
    ...s.extra.map((l, i): [string, string] => [l, `sshd.extra[${i}]`]),
    ...HARNESS_LINES.map((l): [string, string] => [l, 'harness default']),
    ...(exempt ? [[exempt, 'harness default (OpenSSH >= 9.8: PerSourcePenalties)'] as [string, string]] : []),
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

export const USER_CONFIG_HEADER_LINES = 3;

/** The user's sshd_config as installed: a short header that includes the harness's drop-in first. */
export function userConfigText(c: SshdConfigFile): string {
  const header = [
    `# hangup-lab: ${c.file.replace(/\n/g, ' ')} follows verbatim, after the harness's drop-in (in sshd the first value wins)`,
    `Include ${DROP_IN}`,
    '# ---',
  ];
  return header.join('\n') + '\n' + c.text + (c.text.endsWith('\n') ? '' : '\n');
}
