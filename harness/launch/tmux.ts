import { reattachCheck } from './reattach.js';
import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'tmux',
  summary: "'tmux new -d': a detached tmux session with its own pseudo-terminal",
  protection: 'terminal-multiplexer',
  // The user's own tmux server (its socket in /tmp/tmux-UID): the cleanup ends it with the probe.
  onOwnHost: { ok: true, needsProgram: 'tmux' },
  holdsTerminal: false,
  line: ({ probe, unitName: unit }) => `tmux new -d -s ${unit} '${probe}'`,
  afterWindow: ctx =>
    reattachCheck(ctx, {
      attachLine: `tmux attach -t ${ctx.unitName}`,
      // "can't find session: X"; with the whole server gone: "no server running on …" (tmux 3.3)
      // or "error connecting to …" (older); "no sessions" when the server has none left.
      nothingToAttach: /can't find session[^\r\n]*|no server running[^\r\n]*|error connecting to[^\r\n]*|no sessions/,
      // One line per client attached to the session; "can't find session" when there is none.
      attached: { command: `tmux list-clients -t ${ctx.unitName} -F 'client #{client_name}'`, says: /^client /m },
    }),
});
