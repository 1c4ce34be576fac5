import { reattachCheck } from './reattach.js';
import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'screen',
  summary: "'screen -dmS': a detached screen session with its own pseudo-terminal",
  protection: 'terminal-multiplexer',
  onOwnHost: { ok: true, needsProgram: 'screen' },
  holdsTerminal: false,
  line: ({ probe, unitName: unit }) => `screen -dmS ${unit} ${probe}`,
  afterWindow: ctx =>
    reattachCheck(ctx, {
      attachLine: `screen -r ${ctx.unitName}`,
      // Also printed (after listing it) for a session still attached elsewhere, which -r alone
      // does not take over.
      nothingToAttach: /There is no screen to be resumed[^\r\n]*/,
      // Lists the session as "(Attached)" once a client holds it, "(Detached)" before.
      attached: { command: `screen -ls ${ctx.unitName}`, says: /\(Attached\)/ },
    }),
});
