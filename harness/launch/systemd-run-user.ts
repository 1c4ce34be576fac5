import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'systemd-run-user',
  summary: "'systemd-run --user': a transient unit of the user's service manager (user@UID.service)",
  holdsTerminal: false,
  line: (probe, unit) => `systemd-run --user --quiet --unit=${unit} ${probe}`,
});
