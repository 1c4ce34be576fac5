import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'setsid',
  summary: "'setsid cmd': a new session without a controlling terminal (setsid forks when needed)",
  protection: 'own-session',
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `setsid ${probe}`,
});
