import { rootCleanup, stopUserUnit } from './systemd.js';
import { defineLaunchMode } from './types.js';

// `systemd-run --scope` does not start a service: it registers a scope for its own pid with the
// user's manager and then execs the command, so the probe is still the shell's child, in the
// shell's process group and on its terminal; only its cgroup changes (to app.slice/<unit>.scope
// under user@UID.service). Without `&` it would hold the terminal like `foreground`; people who use
// it to "get a process out of the session" start it in the background, and then it differs from
// `background` in exactly one thing, the cgroup. That isolates the question the spike raised: a
// scope escapes logind's KillUserProcesses=yes (which kills the session scope), yet as a bash job
// it still gets bash's SIGHUP when the terminal hangs up.
export default defineLaunchMode({
  name: 'systemd-run-scope',
  summary: "'systemd-run --user --scope cmd &': own scope under the user manager, still a job of the shell",
  protection: 'user-manager',
  holdsTerminal: false,
  startsInBackground: true,
  inUserManager: true,
  onOwnHost: { ok: false, why: "its cleanup stops the user scope as root (runuser), and a unit started by the user's manager does not carry the run's marker, so run --host could not find it to end it" },
  needs: ['user-manager'],
  line: ({ probe, unitName }) => `systemd-run --user --scope --quiet --unit=${unitName} ${probe} &`,
  // A surviving scope belongs to the user manager, not the session; root's manager never stops.
  cleanup: ctx => rootCleanup(ctx, stopUserUnit(ctx.loginUser, `${ctx.unitName}.scope`)),
});
