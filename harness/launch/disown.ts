import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'disown',
  summary: "'cmd & disown': removed from the shell's job table, so bash does not resend SIGHUP to it",
  protection: 'out-of-job-table',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `${probe} & disown`,
});
