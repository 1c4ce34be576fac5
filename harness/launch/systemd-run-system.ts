import { asRoot, rootCleanup, stopSystemUnit } from './systemd.js';
import { defineLaunchMode } from './types.js';

// A transient service of the system manager (system.slice/<unit>.service): outside every login
// session and every user manager, so neither the hangup, logind's KillUserProcesses nor the stop
// of user@UID.service reaches it. It takes root; the cell's user goes through sudo, and --uid
// runs the probe as that user, as a person would run their own program (and so it can write its
// log in their home).
export default defineLaunchMode({
  name: 'systemd-run-system',
  summary: "'sudo systemd-run --uid=user cmd': a transient system service, outside the user's session and manager",
  protection: 'system-service',
  holdsTerminal: false,
  needs: ['system-units'],
  onOwnHost: { ok: false, why: 'a system service needs root (sudo systemd-run) on the server, and run --host never uses root there' },
  line: ({ probe, unitName, cellUser, user }) =>
    user === 'root'
      ? `systemd-run --quiet --unit=${unitName} ${probe}`
      : asRoot(user, `systemd-run --quiet --unit=${unitName} --uid=${cellUser} ${probe}`),
  // A system service outlives the cell and every user cleanup: stop it here.
  cleanup: ctx => rootCleanup(ctx, stopSystemUnit(ctx.unitName)),
});
