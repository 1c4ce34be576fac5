import type { Reporter } from './types.js';

/** results.json itself: the contract other reports (and users' scripts) are derived from. */
export const json: Reporter = {
  name: 'json',
  fileName: 'results.json',
  summary: 'the full results, machine-readable (the source every other report is rendered from)',
  render: (result) => JSON.stringify(result, null, 2) + '\n',
};
