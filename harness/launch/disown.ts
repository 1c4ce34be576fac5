import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'disown',
  summary: "'cmd & disown': removed from the shell's job table, so bash does not resend SIGHUP to it",
  protection: 'out-of-job-table',
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `${probe} & disown`,
});
