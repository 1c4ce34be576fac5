import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'setsid',
  summary: "'setsid cmd': a new session without a controlling terminal (setsid forks when needed)",
  protection: 'own-session',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `setsid ${probe}`,
});
