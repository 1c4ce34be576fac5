import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'tmux',
  summary: "'tmux new -d': a detached tmux session with its own pseudo-terminal",
  holdsTerminal: false,
  line: (probe, unit) => `tmux new -d -s ${unit} '${probe}'`,
});
