import { rootCleanup, stopUserUnit } from './systemd.js';
import { defineLaunchMode } from './types.js';

export default defineLaunchMode({
  name: 'systemd-run-user',
  summary: "'systemd-run --user': a transient unit of the user's service manager (user@UID.service)",
  protection: 'user-manager',
  holdsTerminal: false,
  inUserManager: true,
  // A unit the run cannot see to its end is not left on a server it does not own.
  onOwnHost: { ok: false, why: "its cleanup stops the user unit as root (runuser), and a unit started by the user's manager does not carry the run's marker, so run --host could not find it to end it" },
  needs: ['user-manager'],
  line: ({ probe, unitName: unit }) => `systemd-run --user --quiet --unit=${unit} ${probe}`,
  // The unit lives as long as the user's manager; root's never stops on its own.
  cleanup: ctx => rootCleanup(ctx, stopUserUnit(ctx.loginUser, `${ctx.unitName}.service`)),
});
