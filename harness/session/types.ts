import type { ClientEndpoint, SshClient } from './ssh-client.js';

export interface OpenSession {
  readonly client: SshClient;
  /** End the session the way a person does; exec sessions end when their command returns. */
  logout(): Promise<void>;
  /**
   * Is the session still usable? A shell session types a computed echo and waits for its answer
   * (true/false); a session without a shell cannot be asked (null). Used by checks, never verdicts.
   */
  roundTrip(timeoutMs: number): Promise<boolean | null>;
}

export interface SessionKind {
  name: string;
  summary: string;
  /** whether sshd allocates a pseudo-terminal on the server side */
  remotePty: boolean;
  /** an interactive shell runs the launch line, typed into it (a person can type `exit`); else the line is the remote command */
  shell: boolean;
  /**
   * Open the session and start `launchLine` in it. Resolves once the line has been accepted: for a
   * shell, when its prompt returns (or at once when the line keeps the terminal).
   */
  start(ep: ClientEndpoint, launchLine: string, holdsTerminal: boolean): Promise<OpenSession>;
}

export function defineSessionKind(k: SessionKind): SessionKind {
  return k;
}
