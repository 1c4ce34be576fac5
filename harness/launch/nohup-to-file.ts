import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'nohup-to-file',
  summary: "'nohup cmd > file 2>&1 &': the recipe as articles and editors' remote servers write it, the job's output in a file of its own",
  protection: 'ignores-hup',
  // Typed by the user in their own shell: nothing of it needs root or outlives the cell's cleanup.
  onOwnHost: { ok: true },
  holdsTerminal: false,
  startsInBackground: true,
  // The job keeps none of the session's descriptors for output: sshd sees the exec channel's
  // stdout and stderr close when the command returns, which is the known fix for `ssh host 'cmd &'`
  // hanging at exit (a plain `nohup cmd &` holds them). stdin is left as it is, as the recipe
  // leaves it: sshd does not wait for it. The file sits next to the probe's log, in the cell
  // user's home (its own for root cells too, where the log is).
  line: ({ probe, probeLog }) => `nohup ${probe} > ${probeLog.replace(/\.log$/, '.out')} 2>&1 &`,
});
