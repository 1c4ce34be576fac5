import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'logout',
  summary: "a normal logout: 'exit' typed in the shell, or (exec) the command returning",
  layer: 'process',
  needsLiveSession: false,
  supports(session, launch) {
    if (!launch.holdsTerminal) return true;
    return session.remotePty
      ? 'a foreground job holds the terminal: a typed exit would go to the job, not to the shell'
      : 'the command runs in the foreground and never returns, so there is no logout';
  },
  async apply({ session }) {
    await session.logout();
  },
  async heal() {},
});
