import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'client-kill',
  summary: 'the local ssh client is SIGKILLed; its kernel closes the socket (FIN), as when a terminal window is killed',
  layer: 'process',
  // The client's kernel sends FIN for the dead process: sshd reads EOF at once.
  detectors: ['close'],
  needsLiveSession: true,
  endsSession: true,
  // The client is this machine's process: nothing is done on the server.
  onOwnHost: { ok: true },
  supports: () => true,
  // Audit (issue 12): a local kill at apply(), exact; nothing acts before.
  async apply({ session }) {
    session.client.kill('SIGKILL');
  },
  async heal() {},
});
