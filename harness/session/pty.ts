import { patientMs } from '../core/patience.js';
import { SHELL_PROMPT as PROMPT, shellRoundTrip } from './prompt.js';
import { SshClient } from './ssh-client.js';
import { defineSessionKind } from './types.js';

export default defineSessionKind({
  name: 'pty',
  summary: 'ssh -tt: the real OpenSSH client in a pseudo-terminal, an interactive login shell, lines typed',
  remotePty: true,
  shell: true,
  async start(ep, launchLine, holdsTerminal) {
    const client = new SshClient(ep, { remotePty: true });
    try {
      const ready = await client.waitFor(PROMPT, 'the login shell prompt', patientMs(20_000));
      client.type(launchLine);
      if (!holdsTerminal) await client.waitFor(PROMPT, 'the prompt after the launch line', patientMs(15_000), ready);
    } catch (e) {
      // Nobody else holds this client yet: a login that failed must not leave it running (a retry
      // of the setup logs in afresh).
      client.kill('SIGKILL');
      throw e;
    }
    return {
      client,
      async logout() {
        client.type('exit');
      },
      // The answer is computed by the remote shell, so an echo of the typed text cannot match.
      roundTrip: timeoutMs => shellRoundTrip(client, timeoutMs),
    };
  },
});
