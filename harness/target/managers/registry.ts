import { makeRegistry } from '../../core/registry.js';
import elogind from './elogind.js';
import systemd from './systemd.js';
import systemdNoPam from './systemd-no-pam.js';

/** The session managers a target can run (TargetSpec.manager names one). */
export const managers = makeRegistry('session manager', [systemd, systemdNoPam, elogind]);

export const DEFAULT_MANAGER = systemd.name;
