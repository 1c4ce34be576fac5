import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'background',
  summary: "'cmd &': a background job of the login shell",
  protection: 'job-of-shell',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `${probe} &`,
});
