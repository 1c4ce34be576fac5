import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'screen',
  summary: "'screen -dmS': a detached screen session with its own pseudo-terminal",
  holdsTerminal: false,
  line: (probe, unit) => `screen -dmS ${unit} ${probe}`,
});
