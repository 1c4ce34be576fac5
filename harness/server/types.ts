// An SSH server implementation as a target runs it: how it is configured, how its per-session
// process is found, which keepalive knobs it has. What its image installs is in containers/.
import type { Alive } from '../scenario/values.js';
import type { SshdConfigFile } from '../scenario/sshd-config-file.js';
import type { ProcessInfo, YesNo } from '../results.js';

/** What a cell asks of the server: its server-side keepalive axes. */
export interface ServerNeeds {
  /** server-side keepalive probes (the clientAlive axis), or null when the cell has them off */
  clientAlive: Alive | null;
  /** kernel TCP keepalive on the server's socket (the tcpKeepAlive axis) */
  tcpKeepAlive: YesNo;
  /** the target whose package it is (each suite ships its own version), when known */
  target?: string;
  /** whether the session asks the server for a terminal, when known */
  remotePty?: boolean;
}

/** The server's settings for one container: the cell's server-side axes and the scenario's lines. */
export interface ServerSettings {
  clientAlive: Alive | null;
  tcpKeepAlive: boolean;
  /** free-form configuration lines from the scenario, passed through verbatim */
  extra: string[];
  /** a user's own configuration file, installed as the server's main one */
  userConfig: SshdConfigFile | null;
}

/** What configure() may do to a freshly started target (before any login). */
export interface ServerConfigureContext {
  /** the target's name, for messages */
  targetName: string;
  /** where the scenario came from, for messages that name its field */
  scenarioFile: string;
  settings: ServerSettings;
  /** the command that restarts a service under the target's session manager (systemctl, an init script) */
  restartService(service: string): string;
  /** a shell script run as root inside the target (bounded) */
  sh(script: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  copy(files: { content: string; target: string; mode: number }[]): Promise<void>;
}

/** What the fingerprint records of the server, read from the output of `script` as key=value lines. */
export interface ServerFingerprint {
  /** shell lines printing `key=value` lines, run in the target with the rest of the fingerprint */
  script: string;
  /**
   * The service its sessions' server processes run in: how stopping it treats them is asked of the
   * session manager (systemd: the unit's KillMode) and read back as `server.killmode`.
   */
  stopModeOf: string;
  read(kv: Record<string, string>): { version: string; effective: Record<string, string>; killMode: string };
}

export interface ServerImplementation {
  name: string;
  summary: string;
  /** its keepalive knobs as it calls them; a missing one is a knob it does not have */
  keepalive: { probeInterval?: string; probeCountMax?: string; tcpKeepAlive?: string; idleTimeout?: string };
  /**
   * The longest, in seconds, its keepalive (the clientAlive axis, one it supports) takes to end a
   * session whose client went silent: the watch waits that long (plus a margin) before it calls
   * the session open; null when it never does. Measured, not read from the manual.
   */
  keepaliveGivesUpS(alive: Alive): number | null;
  /** the service it runs as in the targets (restarted by the sshd-restart sever and by configure()) */
  service: string;
  /** shell lines printing its ed25519 host key as "ssh-ed25519 AAAA…" (the harness pins that key) */
  hostKeyScript: string;
  /** what its banner starts with: after configure() the harness checks the right server answers */
  banner: RegExp;
  /**
   * The comm of its per-connection process when that runs as root and its title does not name the
   * user (Dropbear): the snapshot of a user's processes then takes such a process that is the parent
   * of one of them. Unset when the title names the user (OpenSSH's "sshd: USER [priv]").
   */
  rootSessionComm?: string;
  /**
   * Its logins go through PAM and so through pam_systemd when the target has it: each gets a
   * logind session (scope, user manager, XDG_RUNTIME_DIR). False for a server built without PAM.
   */
  logindSession: boolean;
  /** true, or the reason it cannot do what the cell asks (→ rejected at load, or not-applicable) */
  supports(needs: ServerNeeds): true | string;
  /**
   * Write its configuration, have the server check it (a rejected line is bad input naming the
   * scenario field) and restart it. Returns once the service manager says it runs.
   */
  configure(ctx: ServerConfigureContext): Promise<void>;
  /** the per-session server process of `user`'s login in a process snapshot (holds the connection) */
  sessionProcess(procs: ProcessInfo[], user: string): ProcessInfo | null;
  /** the privileged monitor of the same login, when the implementation has one */
  monitorProcess(procs: ProcessInfo[], user: string): ProcessInfo | null;
  fingerprint: ServerFingerprint;
  /**
   * Shell lines printing the server's own recent log lines about `user`'s logins: why it refused
   * one is in there (no such user, bad modes, key not accepted), and the client never says.
   * `serviceLog` is the session manager's: the recent log of the given units (journalctl's -u pattern).
   */
  loginLog(user: string, serviceLog: (units: string) => string): string;
}

export function defineServer(s: ServerImplementation): ServerImplementation {
  return s;
}
