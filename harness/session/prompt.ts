import { patientMs } from '../core/patience.js';
import { setTimeout as sleep } from 'node:timers/promises';
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
  client: Pick<SshClient, 'waitFor' | 'type' | 'kill' | 'text'>,
  o: { what: string; promptMs: number; line: string; holdsTerminal: boolean; prompted?: () => void; promptSetup?: string },
): Promise<void> {
  try {
    const ready = o.promptSetup ? await setOwnPrompt(client, o.promptSetup, o.promptMs) : await client.waitFor(SHELL_PROMPT, o.what, patientMs(o.promptMs));
    o.prompted?.();
    client.type(o.line);
    if (!o.holdsTerminal) await client.waitFor(SHELL_PROMPT, 'the prompt after the launch line', patientMs(15_000), ready);
  } catch (e) {
    client.kill('SIGKILL');
    throw e;
  }
}

/** How long the login's output must be still before a line is typed into the user's own prompt. */
const QUIET_MS = 400;
/** Tries of the setup line: a line typed before the shell reads may be lost (setup, bounded). */
const SETUP_TRIES = 3;

/**
 * A server of the user's own has their prompt, not the harness's: wait for the login's output to
 * come to rest (their prompt, whatever it is), type `line` (which sets the harness's prompt), and
 * wait for that prompt; typed again when it does not come, as a line typed before the shell read
 * may be lost, and setting the prompt twice is harmless. Resolves at the offset after the last
 * prompt, once the output is still again (a second prompt must not pass for the launch line's).
 */
export async function setOwnPrompt(client: Pick<SshClient, 'waitFor' | 'type' | 'text'>, line: string, promptMs: number): Promise<number> {
  await client.waitFor(/\S/, "the login's first output", patientMs(promptMs));
  let lastError: unknown = null;
  for (let i = 0; i < SETUP_TRIES; i++) {
    await quiet(client, patientMs(10_000));
    const from = client.text.length;
    client.type(line);
    try {
      await client.waitFor(SHELL_PROMPT, "the harness's prompt after its first line", patientMs(5000), from);
      await quiet(client, patientMs(10_000));
      return client.text.length;
    } catch (e) {
      lastError = e;
      if ((e as { clientExited?: boolean }).clientExited) break;
    }
  }
  throw lastError;
}

/** Until the client's output has not grown for QUIET_MS, or `boundMs` passed. */
async function quiet(client: Pick<SshClient, 'text'>, boundMs: number): Promise<void> {
  const end = Date.now() + boundMs;
  let seen = client.text.length;
  let stillSince = Date.now();
  while (Date.now() < end && Date.now() - stillSince < QUIET_MS) {
    await sleep(50);
    if (client.text.length !== seen) [seen, stillSince] = [client.text.length, Date.now()];
  }
}
