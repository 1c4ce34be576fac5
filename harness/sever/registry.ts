import { makeRegistry } from '../core/registry.js';
import clientKill from './client-kill.js';
import drop from './drop.js';
import groupKill from './group-kill.js';
import hangup from './hangup.js';
import logout from './logout.js';
import natExpiry from './nat-expiry.js';
import reject from './reject.js';
import sleep from './sleep.js';
import sshdKill from './sshd-kill.js';
import sshdRestart from './sshd-restart.js';

export const severs = makeRegistry('sever method', [
  logout,
  clientKill,
  sshdKill,
  drop,
  reject,
  sleep,
  natExpiry,
  sshdRestart,
  hangup,
  groupKill,
]);
