import { defineSeverMethod } from './types.js';

export default defineSeverMethod({
  name: 'logout',
  summary: "a normal logout: 'exit' typed in the shell, or (exec) the command returning",
  layer: 'process',
  // The shell's exit closes the pty (or the pipes), sshd ends the channel and closes the
  // connection itself: both ends know at once, nobody has to detect anything.
  detectors: ['close'],
  // An exec session's logout is its command returning, which may already have happened.
  needsLiveSession: false,
  endsSession: true,
  ordinaryEnd: true,
  onOwnHost: { ok: true },
  supports(session, launch) {
    if (!launch.holdsTerminal) return true;
    return session.shell
      ? 'a foreground job holds the terminal: a typed exit would go to the job, not to the shell'
      : 'the command runs in the foreground and never returns, so there is no logout';
  },
  async apply({ session }) {
    await session.logout();
  },
  async heal() {},
});
