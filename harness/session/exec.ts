import { SshClient } from './ssh-client.js';
import { defineSessionKind } from './types.js';

export default defineSessionKind({
  name: 'exec',
  summary: "ssh -T host 'command': no pseudo-terminal on the server, the launch line is the command",
  remotePty: false,
  shell: false,
  async start(ep, launchLine) {
    const client = new SshClient(ep, { remotePty: false, command: launchLine });
    return {
      client,
      // Nothing to type: for an exec session, logging out *is* the command returning.
      async logout() {},
      roundTrip: async () => null,
    };
  },
});
