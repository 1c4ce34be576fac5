import { SshClient } from './ssh-client.js';
import { defineSessionKind } from './types.js';

export default defineSessionKind({
  name: 'exec-tty',
  summary: "ssh -tt host 'command': a pseudo-terminal on the server but no interactive shell; the command runs under bash -c",
  remotePty: true,
  shell: false,
  async start(ep, launchLine) {
    const client = new SshClient(ep, { remotePty: true, command: launchLine });
    return {
      client,
      // As with exec: the session ends when the command returns; there is no shell to type into.
      async logout() {},
      roundTrip: async () => null,
    };
  },
});
