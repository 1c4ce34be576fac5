import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'foreground',
  summary: 'run in the foreground: the job holds the terminal',
  protection: 'job-of-shell',
  holdsTerminal: true,
  line: ({ probe }) => probe,
});
