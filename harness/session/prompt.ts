import { patientMs } from '../core/patience.js';
import type { SshClient } from './ssh-client.js';
// The prompt the target's .bashrc sets (containers/agent/bashrc-append). It is printed by the
// shell, never echoed from typed text, so seeing it means bash is reading the next line; typing
// before that can lose the line (measured: type-ahead was sometimes dropped).
export const SHELL_PROMPT = /\[hl-ready\][$#] /;

/**
 * Is the shell still answering? A typed echo whose answer is computed by the remote shell, so an
 * echo of the typed text cannot match: true when the answer arrives within the bound.
 */
export async function shellRoundTrip(client: Pick<SshClient, 'text' | 'type' | 'waitFor'>, timeoutMs: number): Promise<boolean> {
  const n = 1000 + Math.floor(Math.random() * 9000);
  const from = client.text.length;
  client.type(`echo hl-rt-$((${n}+1))`);
  return client.waitFor(new RegExp(`hl-rt-${n + 1}`), 'a round trip', timeoutMs, from).then(
    () => true,
    () => false,
  );
}

/**
 * The login of a session with a shell, then its launch line: wait for the login's prompt
 * (`promptMs`, a quiet machine's bound, stretched for the load), type the line, and unless the
 * line keeps the terminal wait for the prompt after it. `prompted` runs as soon as the login
 * prompted (mosh reads its client's /proc then). Nobody else holds the client yet, so a login
 * that failed kills it before the error goes on (a retry of the setup logs in afresh).
 */
export async function loginAndLaunch(
  client: Pick<SshClient, 'waitFor' | 'type' | 'kill'>,
  o: { what: string; promptMs: number; line: string; holdsTerminal: boolean; prompted?: () => void },
): Promise<void> {
  try {
    const ready = await client.waitFor(SHELL_PROMPT, o.what, patientMs(o.promptMs));
    o.prompted?.();
    client.type(o.line);
    if (!o.holdsTerminal) await client.waitFor(SHELL_PROMPT, 'the prompt after the launch line', patientMs(15_000), ready);
  } catch (e) {
    client.kill('SIGKILL');
    throw e;
  }
}
