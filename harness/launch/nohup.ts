import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'nohup',
  summary: "'nohup cmd &': SIGHUP ignored; stdout goes to ~/nohup.out only if it was a terminal",
  protection: 'ignores-hup',
  holdsTerminal: false,
  startsInBackground: true,
  line: ({ probe }) => `nohup ${probe} &`,
});
