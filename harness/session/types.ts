import type { OnOwnHost } from '../core/own-host.js';
import type { ClientEndpoint, SshClient } from './ssh-client.js';

/**
 * A network flow of the session as a firewall in the target names it: the server's port, and the
 * client's endpoint when it is fixed (a TCP connection's); null where the client may move (mosh
 * hops its source port by design, so only the server's port names its flow).
 */
export interface SessionFlow {
  proto: 'tcp' | 'udp';
  serverPort: number;
  client: { ip: string; port: number } | null;
}

export interface OpenSession {
  readonly client: SshClient;
  /**
   * The client whose command started the probe, when it is not `client`: a later login's session
   * opened after that command had returned (session/later.ts). What it printed and how it exited
   * tell a probe that never started from a login that failed.
   */
  readonly launcher?: SshClient;
  /** End the session the way a person does; exec sessions end when their command returns. */
  logout(): Promise<void>;
  /**
   * Is the session still usable? A shell session types a computed echo and waits for its answer
   * (true/false); a session without a shell cannot be asked (null). Used by checks, never verdicts.
   */
  roundTrip(timeoutMs: number): Promise<boolean | null>;
  /** The flow a network sever cuts; absent: the client's TCP connection to port 22. */
  flow?(): SessionFlow;
  /**
   * Asked after the window, when the process holding the session was still there: can a new client
   * of this kind reach the session's terminal? A check, never a verdict. Absent: not asked.
   */
  reachAgain?(timeoutMs: number): Promise<{ ok: boolean | null; detail: string }>;
  /**
   * A keeper on the client side (autossh) reports, after the window, what it did about the sever
   * (it restarted ssh, a new login prompted, when): a check named `name`, never a verdict.
   */
  keeper?: { name: string; who: string; report(t0Mono: number): Promise<KeeperReport> };
}

/** A keeper's account of itself: `atMs` (after the sever) when the thing it reports happened. */
export interface KeeperReport {
  ok: boolean | null;
  detail: string;
  atMs?: number;
}

/** An optional number after a colon in the scenario ("mosh:5"), as severs take theirs. */
export interface SessionParam {
  /** what the number means, for help and errors */
  meaning: string;
  min: number;
  max: number;
}

/**
 * The process that holds the session once the login is done, when it is not the SSH server's
 * per-session process: mosh's bootstrap ssh login ends as soon as mosh-server has forked, and from
 * then on mosh-server holds the shell's terminal and talks UDP to the client. Its end is the
 * session's end for the watch, and no per-session sshd is left for a sever to act on.
 */
export interface SessionHolder {
  /** its name in the target's process table (comm) */
  comm: string;
  /** the flow it talks to the client over */
  proto: 'udp';
  /** in words, for not-applicable reasons: "mosh-server (the bootstrap ssh login ended at once)" */
  what: string;
}

export interface SessionKind {
  name: string;
  summary: string;
  /** whether sshd allocates a pseudo-terminal on the server side */
  remotePty: boolean;
  /** an interactive shell runs the launch line, typed into it (a person can type `exit`); else the line is the remote command */
  shell: boolean;
  /** absent: the per-session process of the SSH server holds the session (sshd: user@pts/N) */
  heldBy?: SessionHolder;
  /**
   * The launch line runs in a session that ends on its own first (its command returns), and the
   * session the sever acts on is a later interactive login of the same user: a typed `exit` is its
   * logout, never the command's return (an editor starting its remote server, then a login).
   */
  seversLaterLogin?: boolean;
  /** whether it runs on a server of the user's own (`run --host`: no root there), and what it needs */
  onOwnHost?: OnOwnHost;
  /**
   * Why a launch mode cannot run in this kind of session (→ not-applicable), or true. Absent: every
   * one can. (The launch's traits only: launch/types.ts imports this file.)
   */
  supports?(launch: { holdsTerminal: boolean }): true | string;
  /** an optional number in the session's value ("mosh:5"); absent, the value is the name alone */
  param?: SessionParam;
  /**
   * The session runs the cell's SSH client itself (mosh runs ssh as its --ssh command): the
   * client must declare the options it logs in with (ClientImplementation.options).
   */
  runsClient?: boolean;
  /**
   * A program of its own on this machine besides the SSH client (mosh's wrapper and mosh-client):
   * a run whose cells use the session checks it first (exit 3 with `install` when missing).
   */
  program?: { file: string; versionArgs: string[]; install: string };
  /** extra watch time the session needs (mosh:N: mosh-server's own network timeout) */
  extraWindowMs?(param: number | null): number;
  /**
   * Open the session and start `launchLine` in it. Resolves once the line has been accepted: for a
   * shell, when its prompt returns (or at once when the line keeps the terminal).
   */
  start(ep: ClientEndpoint, launchLine: string, holdsTerminal: boolean, param?: number | null): Promise<OpenSession>;
}

/**
 * The session's own start showed that the cell's question cannot be asked of it (the command that
 * was to return did not): an observed not-applicable, with why; never a setup failure to retry.
 */
export class SessionDeclined extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionDeclined';
  }
}

export function defineSessionKind(k: SessionKind): SessionKind {
  return k;
}

/** Split "mosh:5" into the kind's name and its parameter text (the form severs use). */
export function parseSessionValue(value: string): { name: string; param: string | null } {
  const i = value.indexOf(':');
  return i < 0 ? { name: value, param: null } : { name: value.slice(0, i), param: value.slice(i + 1) };
}
