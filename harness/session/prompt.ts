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
