import systemd from './systemd.js';
import { defineManager } from './types.js';

/**
 * systemd and systemd-logind without pam_systemd (containers/debian, PAM_SYSTEMD=no), as on
 * servers where libpam-systemd was never installed: logind runs and reads its settings, but no
 * login registers a session with it, so there is no session scope and no user manager of a login
 * (systemd/systemd#2975, tmux/tmux#271). Linger still starts a user manager, without a login.
 */
export default defineManager({
  ...systemd,
  name: 'systemd-no-pam',
  summary: 'systemd as PID 1 and systemd-logind, but no pam_systemd: logins get no logind session',
  lacks: {
    'user-manager': c => `${c.target} has no pam_systemd, so its logins get no logind session and ${c.by} has no user manager to talk to`,
  },
});
