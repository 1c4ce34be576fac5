import { loginAndLaunch, shellRoundTrip } from './prompt.js';
import { SshClient } from './ssh-client.js';
import { defineSessionKind } from './types.js';

export default defineSessionKind({
  name: 'pty',
  summary: 'ssh -tt: the real OpenSSH client in a pseudo-terminal, an interactive login shell, lines typed',
  remotePty: true,
  shell: true,
  // The user's own login shell: the run types its prompt (and its marker) as the first line.
  onOwnHost: { ok: true },
  async start(ep, launchLine, holdsTerminal) {
    const client = new SshClient(ep, { remotePty: true });
    const own = ep.ownHost ? { promptSetup: ep.ownHost.promptSetup } : {};
    await loginAndLaunch(client, { what: 'the login shell prompt', promptMs: 20_000, line: launchLine, holdsTerminal, ...own });
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
