import { unknownName } from '../core/errors.js';
import { makeRegistry } from '../core/registry.js';
import autossh from './autossh.js';
import execTty from './exec-tty.js';
import exec from './exec.js';
import later from './later.js';
import mosh from './mosh.js';
import pty from './pty.js';
import { parseSessionValue, type SessionKind } from './types.js';

export const sessions = makeRegistry('session', [pty, exec, execTty, mosh, autossh, later]);

/**
 * A session value as a cell carries it, resolved: "mosh:5" → the mosh kind and 5, "mosh" → null
 * (the parameter is off unless given). The one place a session value is taken apart.
 */
export function resolveSession(value: string): { kind: SessionKind; param: number | null } {
  const { name, param } = parseSessionValue(value);
  const kind = sessions.get(name);
  return { kind, param: kind.param && param !== null ? Number(param) : null };
}

/** The kind a session value names, or null when this version does not know it (reports of old results). */
export function sessionKindOf(value: string): SessionKind | null {
  const { name } = parseSessionValue(value);
  return sessions.has(name) ? sessions.get(name) : null;
}

/** Why a session value is not one a scenario may give, or true. */
export function checkSessionValue(value: string): true | string {
  const { name, param } = parseSessionValue(value);
  if (!sessions.has(name)) return unknownName('session', name, sessions.names);
  const spec = sessions.get(name).param;
  if (param === null) return true;
  if (!spec) return `session "${name}" takes no parameter; write "${name}"`;
  const n = Number(param);
  if (!/^\d+$/.test(param) || n < spec.min || n > spec.max) return `"${value}": the parameter of ${name} is ${spec.meaning}, a whole number from ${spec.min} to ${spec.max}`;
  return true;
}

function kindWhere(what: string, pred: (k: SessionKind) => boolean): SessionKind {
  const k = sessions.all.find(pred);
  if (!k) throw new Error(`no session kind is ${what} (a bug: see harness/session/registry.ts)`);
  return k;
}

/** The kind a person logs in with to work: a shell on a terminal (a reattach check's login). */
export function interactiveLoginKind(): SessionKind {
  return kindWhere('an interactive login', k => k.shell && k.remotePty && !k.heldBy);
}

/** The kind that runs one command and returns, with nothing in between (doctor's login check). */
export function oneCommandKind(): SessionKind {
  return kindWhere('a plain command', k => !k.shell && !k.remotePty);
}
