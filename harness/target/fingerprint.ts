// What a target was, as far as a verdict can depend on it: the server's version and effective
// settings (asked of its implementation), the session manager and its logind properties (asked over
// D-Bus: systemd-logind and elogind both answer as org.freedesktop.login1), package versions,
// kernel timers.
import type { TargetFingerprint } from '../results.js';
import { logindProperty } from './logind.js';
import type { ServerConfig, Target } from './types.js';

export interface FingerprintInput {
  /** the fingerprint's key: target name plus the server-side axis values */
  key: string;
  name: string;
  image: string;
  config: ServerConfig;
  /** the scenario's logind.extra lines: their keys are read back as properties too */
  logindExtra: readonly string[];
  networkPath: string;
  /** the local client's version line */
  client: string;
}

/** One docker exec printing key=value lines, read back into the results' fingerprint. */
export async function takeFingerprint(target: Pick<Target, 'sh' | 'server' | 'manager'>, o: FingerprintInput): Promise<TargetFingerprint> {
  const r = await target.sh(
    target.server.fingerprint.script +
      `echo "server.killmode=$(${target.manager.stopMode(target.server.fingerprint.stopModeOf)})";` +
      `for p in KillUserProcesses KillExcludeUsers KillOnlyUsers UserStopDelayUSec ${o.logindExtra.map(logindProperty).join(' ')}; do echo "logind.$p=$(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager $p 2>/dev/null | cut -d' ' -f2-)"; done;` +
      `echo "v.bash=$(bash --version | head -1)"; ${target.manager.versionsScript} echo "v.tmux=$(tmux -V)"; echo "v.screen=$(screen -v | head -1)"; echo "v.dtach=$(dpkg-query -W -f '\${Version}' dtach 2>/dev/null)"; echo "v.mosh=$(dpkg-query -W -f '\${Version}' mosh 2>/dev/null)"; echo "v.kernel=$(uname -r)";` +
      `for s in tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes tcp_retries2; do echo "sysctl.net.ipv4.$s=$(cat /proc/sys/net/ipv4/$s)"; done`,
  );
  const kv = parseKeyValues(r.stdout);
  const pick = (prefix: string) =>
    Object.fromEntries(Object.entries(kv).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const server = target.server.fingerprint.read(kv);
  return {
    key: o.key,
    name: o.name,
    config: o.config,
    image: o.image,
    server: target.server.name,
    manager: target.manager.name,
    serverVersion: server.version,
    sshdEffective: server.effective,
    sshKillMode: server.killMode,
    // busctl says true/false; logind.conf and the scenario say yes/no: one spelling in the results.
    // A logind.extra key that is no D-Bus property shows as written.
    logind: Object.fromEntries(
      Object.entries(pick('logind.')).map(([k, v]) => [k, v === 'true' ? 'yes' : v === 'false' ? 'no' : v || (o.logindExtra.find(l => logindProperty(l) === k)?.split('=').slice(1).join('=') ?? '')]),
    ),
    versions: pick('v.'),
    sysctls: pick('sysctl.'),
    networkPath: o.networkPath,
    client: o.client,
  };
}

/** "key=value" lines (the value may contain "="); other lines are ignored. */
export function parseKeyValues(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter(l => l.includes('='))
      .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
}
