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
import { parseSeverValue, type SeverMethod } from './types.js';

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

/**
 * A sever value as a cell carries it, resolved: "sleep:20" → the sleep sever and 20, "sleep" → its
 * default; null for a sever without a parameter. The one place the default is applied.
 */
export function resolveSever(value: string): { method: SeverMethod; param: number | null } {
  const { name, param } = parseSeverValue(value);
  const method = severs.get(name);
  return { method, param: method.param ? (param === null ? method.param.default : Number(param)) : null };
}
