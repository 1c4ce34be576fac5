import { reattachCheck } from './reattach.js';
import { defineLaunchMode, type LaunchContext } from './types.js';

/**
 * dtach keeps a session as a Unix socket in the filesystem; /tmp because the login user (root for
 * root cells) must be able to create it, and the unit name is the cell's own.
 */
const socketOf = (ctx: Pick<LaunchContext, 'unitName'>) => `/tmp/${ctx.unitName}.dtach`;

export default defineLaunchMode({
  name: 'dtach',
  summary: "'dtach -n': a detached dtach session, a pseudo-terminal and nothing else (no screen of its own, unlike tmux and screen)",
  protection: 'terminal-multiplexer',
  onOwnHost: { ok: false, why: 'its cleanup removes the socket as root, which run --host does not have' },
  holdsTerminal: false,
  // -n: create the session and do not attach. The first dtach returns once its master (a fork in
  // a session of its own) has exec'd the program on a new pty (master.c's status pipe closes on
  // exec): before the probe has logged its start. In an exec session the command's end then races
  // the probe's start, as with `cmd &`.
  startsInBackground: true,
  line: ctx => `dtach -n ${socketOf(ctx)} ${ctx.probe}`,
  afterWindow: ctx =>
    reattachCheck(ctx, {
      // -r none: dtach has no screen to redraw; -E: no detach character, so typed text is the
      // program's. The chatty probe's heartbeats then arrive live or not at all.
      attachLine: `dtach -a ${socketOf(ctx)} -r none -E`,
      // attach.c prints the socket path and strerror: ENOENT when the session was never made or
      // was removed, ECONNREFUSED when the master died and left its socket behind; "[EOF - dtach
      // terminating]" when the program ends while attached.
      nothingToAttach: /dtach: [^\r\n]*(?:No such file or directory|Connection refused)[^\r\n]*|\[EOF - dtach terminating\]/,
      // dtach lists no clients itself; the master's end of each attached client is a connected
      // stream on the session's socket path, which ss shows by that path (the listening socket is
      // not "connected").
      attached: { command: `ss -xH state connected src ${socketOf(ctx)}`, says: /\S/ },
    }),
  cleanup: ctx => ctx.target.sh(`rm -f ${socketOf(ctx)}`).then(() => undefined),
});
