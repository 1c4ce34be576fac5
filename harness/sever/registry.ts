import { makeRegistry } from '../registry.js';
import clientKill from './client-kill.js';
import drop from './drop.js';
import logout from './logout.js';
import sshdKill from './sshd-kill.js';

export const severs = makeRegistry('sever method', [logout, clientKill, sshdKill, drop]);
