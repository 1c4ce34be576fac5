import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'foreground',
  summary: 'run in the foreground: the job holds the terminal',
  protection: 'job-of-shell',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: true,
  line: ({ probe }) => probe,
});
