import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'nohup',
  summary: "'nohup cmd &': SIGHUP ignored; stdout goes to ~/nohup.out only if it was a terminal",
  protection: 'ignores-hup',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `nohup ${probe} &`,
});
