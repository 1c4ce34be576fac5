// An SSH client implementation as the harness runs it on this machine: how a session is opened,
// which session types and keepalive knobs it has, and how its process is killed and frozen.
import type { Alive } from '../scenario/values.js';

export interface ClientEndpoint {
  /** the client implementation (the cell's `client` axis); absent: DEFAULT_CLIENT (client/registry.ts) */
  client?: string;
  host: string;
  user: string;
  keyFile: string;
  knownHostsFile: string;
  hostKeyAlias: string;
  /** the client's ServerAliveInterval/ServerAliveCountMax as "I/C", or "off" */
  serverAlive: string;
  /** keeps what crossed the client's terminal (`demo`, `run --record`); absent, nothing is kept */
  recorder?: TerminalRecorder;
  /**
   * A server of the user's own (`run --host`): the login is theirs (their ssh config, agent and
   * known_hosts; keyFile, knownHostsFile and hostKeyAlias are not used), and a shell session types
   * `promptSetup` as its first line (session/prompt.ts). Absent: a target the harness built.
   */
  ownHost?: OwnHostLogin;
}

export interface OwnHostLogin {
  port: number | null;
  /** a private key (ssh -i) */
  identity?: string;
  /** the user's `-o K=V` options */
  sshOptions: readonly string[];
  promptSetup: string;
}

/** Receives the client's terminal traffic as it happens: what the client printed and what was typed. */
export interface TerminalRecorder {
  begin(cols: number, rows: number): void;
  output(text: string): void;
  input(text: string): void;
}

/** What the harness does to a client process: end it, or freeze and resume it (a laptop suspend). */
export type ClientControl = 'kill' | 'freeze';

/** What a cell asks of the client. */
export interface ClientNeeds {
  /** the session type: a pseudo-terminal on the server or not, an interactive shell or a command */
  session: { name: string; remotePty: boolean; shell: boolean };
  /** client-side keepalive probes (the serverAlive axis), or null when the cell has them off */
  serverAlive: Alive | null;
  /** what is done to the client process (every cell's cleanup kills it) */
  controls: readonly ClientControl[];
}

/** What a session asks of the client: a terminal on the server or not; a command or a shell. */
export interface SessionRequest {
  remotePty: boolean;
  /** the remote command; absent: an interactive shell */
  command?: string;
}

/** The program and arguments that open one session, run in a local pseudo-terminal. */
export interface ClientCommand {
  file: string;
  args: string[];
  /** added to the harness's small environment (PATH, HOME, TERM, LANG), e.g. a HOME of its own */
  env?: Record<string, string>;
}

export interface ClientImplementation {
  name: string;
  summary: string;
  /** its keepalive knobs as it calls them; a missing one is a knob it does not have */
  keepalive: { probeInterval?: string; probeCountMax?: string };
  /**
   * The longest, in seconds, its keepalive (the serverAlive axis, one it supports) takes to give up
   * on a silent server. Absent when it has none that gives up (it accepts only "off").
   */
  keepaliveGivesUpS?(alive: Alive): number;
  /** the signals that kill, freeze and resume its local process; a missing one cannot be done */
  signals: { kill?: NodeJS.Signals; freeze?: NodeJS.Signals; thaw?: NodeJS.Signals };
  /** true, or the reason it cannot do what the cell asks (→ rejected at load, or not-applicable) */
  supports(needs: ClientNeeds): true | string;
  /**
   * The command that logs in to `ep` and opens the session `want` asks for. It may derive files
   * from the run's key and known_hosts (another key format, a HOME of its own) next to them, in the
   * run's temporary directory, which goes with the run.
   */
  command(ep: ClientEndpoint, want: SessionRequest): ClientCommand;
  /**
   * The program and the options it logs in to `ep` with, without a destination or a session's
   * own flags, for a program that runs this client itself (mosh's --ssh). Absent: it cannot be.
   */
  options?(ep: ClientEndpoint): { file: string; args: string[] };
  /**
   * The program it runs on this machine: asked for its version before a run (recorded in the
   * results), and when it is missing the run stops with exit 3 and `install`.
   */
  program: { file: string; versionArgs: string[]; install: string };
  /**
   * What it prints when a login fails, in its own words, and which of those a loaded machine
   * explains (run/setup.ts tells a systematic fault from a passing one by them). Absent: none known.
   */
  loginFailures?: readonly LoginFailure[];
  /**
   * Whether its exit was its own failure (login refused, connection lost) and not the remote
   * command's status; `said` is what it printed, without terminal escapes. Absent: exit 255, as
   * OpenSSH does. A client whose own failures share a status a remote command may return too
   * (dbclient, plink: 1) tells them apart by its words.
   */
  failedOnItsOwn?(exitCode: number, said: string): boolean;
}

/**
 * Did the client exit on its own failure (a refused login, an unreachable host), not with the
 * remote command's status? ssh exits 255 for its own errors; a client whose own failures share a
 * status with remote commands tells them apart by what it said (`said`, without ANSI codes).
 */
export function failedOnItsOwn(client: Pick<ClientImplementation, 'failedOnItsOwn'>, exitCode: number, said: string): boolean {
  return client.failedOnItsOwn ? client.failedOnItsOwn(exitCode, said) : exitCode === 255;
}

/** A failed login as the client words it. */
export interface LoginFailure {
  /** matched against the client's last line, with user, addresses and numbers taken out */
  re: RegExp;
  /** a cause a loaded machine can produce once and not the next time: never systematic */
  transient: boolean;
  /** what to do about it, for the one line a systematic fault prints ('' when transient) */
  fix: string;
  /** the server refused the login (key, account): its own log says why, and a failed try records it */
  refused?: boolean;
}

export function defineClient(c: ClientImplementation): ClientImplementation {
  return c;
}
