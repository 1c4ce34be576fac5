import { BadInputError, InfrastructureError } from '../core/errors.js';
import type { ProcessInfo } from '../results.js';
import {
  DROP_IN,
  explainSshdTestFailure,
  parseServerFacts,
  renderSshdDropIn,
  SERVER_FACTS_SCRIPT,
  USER_CONFIG_HEADER_LINES,
  userConfigText,
} from './openssh-config.js';
import { defineServer, type ServerConfigureContext, type ServerFingerprint } from './types.js';

/**
 * sshd's per-connection processes by OpenSSH version, as measured in the targets (ps with a live
 * session; listener "sshd: /usr/sbin/sshd -D [listener] …" in all of them):
 *
 *   8.4 (bullseye), 9.2 (bookworm)   sshd: USER [priv]          root monitor, for the whole login
 *                                    sshd: USER [net]           pre-auth, privsep user "sshd"
 *                                    sshd: USER@pts/0 | @notty  the session, as USER
 *   10.0 (trixie; 9.8+)              sshd-session: [accepted]   before the user name is known
 *                                    sshd-session: USER [priv]  root monitor
 *                                    sshd-auth: USER [net]      pre-auth (10.0+), privsep user
 *                                    sshd-session: USER@pts/0 | @notty
 *   10.6 (sid, 2026-10)              sshd-session: USER [postauth]  root monitor after login
 *                                    sshd-session: USER@pts/0 | @notty
 *
 * The comm is the binary's name (sshd-session is 12 characters: comm's 15 keep it whole); the
 * title says which role. Both must match, so a process that merely mentions `user@` in its
 * arguments (`ssh user@host`) is never taken for sshd, and the pre-auth sshd-auth never is either.
 */
const SSHD_TITLE = /^(sshd|sshd-session): (\S+?)(@\S+| \[priv\]| \[postauth\])\s*$/;

function sshdRole(p: ProcessInfo, user: string): 'session' | 'monitor' | null {
  const m = SSHD_TITLE.exec(p.args);
  if (!m || m[1] !== p.comm || m[2] !== user) return null;
  return m[3]?.startsWith(' [') ? 'monitor' : 'session';
}

/** `sshd -T` keywords the fingerprint records (lowercase, as sshd -T prints them); `inspect` reads the same. */
export const OPENSSH_EFFECTIVE = [
  'clientaliveinterval',
  'clientalivecountmax',
  'tcpkeepalive',
  'maxstartups',
  'channeltimeout',
  'unusedconnectiontimeout',
  'usepam',
  'permitrootlogin',
  'persourcepenalties',
  'persourcepenaltyexemptlist',
  'logingracetime',
  'x11forwarding',
];

/** Debian's service of OpenSSH's sshd in every suite: ssh.service under systemd, /etc/init.d/ssh under sysvinit. */
const SERVICE = 'ssh';

export default defineServer({
  name: 'openssh',
  summary: "OpenSSH's sshd as Debian's ssh service (ssh.service, or its init script without systemd), configured by a drop-in in /etc/ssh/sshd_config.d",
  keepalive: { probeInterval: 'ClientAliveInterval', probeCountMax: 'ClientAliveCountMax', tcpKeepAlive: 'TCPKeepAlive' },
  // About 2 × (CountMax + 1) × Interval on 9.2 (its loop probes only after a whole idle interval,
  // counted in whole seconds with ">"), about (CountMax + 1) × Interval on 8.4, 10.0 and 10.6
  // (1/2: medians 2.93 s, 5.43 s, 3.04 s, 2.72 s): the longest, 9.2's, for every version.
  // ClientAliveCountMax 0 probes without ever giving up (sshd_config(5)).
  keepaliveGivesUpS: a => (a.countMax > 0 ? 2 * (a.countMax + 1) * a.intervalS : null),
  // Debian's unit is ssh.service in every suite (sshd.service is an alias); see sever/sshd-restart.ts.
  service: SERVICE,
  // Made per container before sshd starts: hangup-lab-hostkeys.service (containers/common), or its
  // init script without systemd (containers/debian-sysvinit).
  hostKeyScript: 'cat /etc/ssh/ssh_host_ed25519_key.pub',
  banner: /^SSH-2\.0-OpenSSH_/,
  // Every keepalive setting the axes can ask for exists in every OpenSSH the targets run (8.4+).
  supports: () => true,
  // Debian's sshd_config has UsePAM yes.
  logindSession: true,
  configure: ctx => configureOpenSsh(ctx, `${ctx.restartService(SERVICE)} 2>&1`),
  loginLog: (user, serviceLog) => loginLog(user, serviceLog('ssh.service')),
  // By title, not uid: for a root login the session process runs as root too.
  sessionProcess: (procs, user) => procs.find(p => sshdRole(p, user) === 'session') ?? null,
  monitorProcess: (procs, user) => procs.find(p => p.uid === 0 && sshdRole(p, user) === 'monitor') ?? null,
  fingerprint: openSshFingerprint(SERVICE),

});

/**
 * What the fingerprint records of an OpenSSH server: its version, the effective values of OPENSSH_EFFECTIVE
 * (`sshd -T`), and how stopping the service its sessions' sshd processes run in treats them
 * (`service`; systemd: its KillMode).
 */
export function openSshFingerprint(service: string): ServerFingerprint {
  return {
    script: `echo "server.version=$(ssh -V 2>&1)"; sshd -T 2>/dev/null | grep -Ei '^(${OPENSSH_EFFECTIVE.join('|')}) ' | sed 's/^/server.effective./; s/ /=/';`,
    stopModeOf: service,
    read: kv => ({
      version: kv['server.version'] ?? '?',
      // 10.6 (sid) prints keywords as sshd_config spells them ("ClientAliveInterval") and yes/no as
      // true/false; up to 10.0 all lowercase. One spelling of the keys for the results.
      effective: Object.fromEntries(Object.entries(kv).filter(([k]) => k.startsWith('server.effective.')).map(([k, v]) => [k.slice('server.effective.'.length).toLowerCase(), v])),
      killMode: kv['server.killmode'] ?? '?',
    }),
  };
}

/**
 * sshd logs at LogLevel VERBOSE in every target (openssh-config.ts): "Invalid user", "Authentication
 * refused: bad ownership or modes", "Failed publickey for" carry the user's name. `log` prints the
 * service's recent lines (the session manager's serviceLog of ssh.service, or of
 * openssh-per-connection's hangup-lab-sshd@*.service instances).
 */
export function loginLog(user: string, log: string): string {
  return `${log} | grep -F -- '${user}' | tail -n 6`;
}

/**
 * Write the drop-in (and a user's own file), have `sshd -t` check them (a rejected line is bad
 * input naming its origin), then run `start`, the shell line that makes the new configuration the
 * one logins get: how is the implementation's own (a restart of the ssh service, or ssh.socket).
 */
export async function configureOpenSsh(ctx: ServerConfigureContext, start: string): Promise<void> {
  const { settings: s } = ctx;
  // Which keywords this sshd knows (PerSourcePenalties since 9.8) and where the harness connects from.
  const facts = await ctx.sh(SERVER_FACTS_SCRIPT);
  const dropIn = renderSshdDropIn(
    {
      ClientAliveInterval: s.clientAlive?.intervalS ?? 0,
      ClientAliveCountMax: s.clientAlive?.countMax ?? 3,
      TCPKeepAlive: s.tcpKeepAlive,
      extra: s.extra,
    },
    parseServerFacts(facts.stdout),
  );
  const files = [{ content: dropIn.text, target: DROP_IN, mode: 0o644 }];
  // The user's file replaces Debian's; the harness's drop-in is included first because in sshd
  // the first value wins: the cell's keepalive values (which default to the file's own) and
  // the few settings the harness needs apply, everything else is the user's.
  if (s.userConfig) files.push({ content: userConfigText(s.userConfig), target: '/etc/ssh/sshd_config', mode: 0o644 });
  await ctx.copy(files);
  const test = await ctx.sh('sshd -t 2>&1');
  if (test.exitCode !== 0) {
    const output = test.stdout + test.stderr;
    const version = (await ctx.sh('ssh -V 2>&1')).stdout.trim();
    const inUserFile = s.userConfig && output.match(/\/etc\/ssh\/sshd_config:? line (\d+): (.*)/);
    if (inUserFile && s.userConfig) {
      const line = Number(inUserFile[1]) - USER_CONFIG_HEADER_LINES;
      throw new BadInputError(
        `${s.userConfig.file}: line ${line}: sshd -t on ${ctx.targetName} (${version}) rejects it: ${inUserFile[2]}; this OpenSSH may not know the option`,
      );
    }
    const { origin, problem } = explainSshdTestFailure(output, dropIn, DROP_IN);
    throw new BadInputError(`${ctx.scenarioFile}: ${origin}: sshd -t on ${ctx.targetName} (${version}) rejects "${problem}"; fix or remove that option`);
  }
  const started = await ctx.sh(start);
  if (started.exitCode !== 0) throw new InfrastructureError(`target ${ctx.targetName}: "${start}" failed: ${started.stdout.trim()}`);
}
