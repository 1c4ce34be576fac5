import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'background',
  summary: "'cmd &': a background job of the login shell",
  protection: 'job-of-shell',
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `${probe} &`,
});
