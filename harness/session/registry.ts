import { makeRegistry } from '../core/registry.js';
import execTty from './exec-tty.js';
import exec from './exec.js';
import pty from './pty.js';
import type { SessionKind } from './types.js';

export const sessions = makeRegistry('session', [pty, exec, execTty]);

function kindWhere(what: string, pred: (k: SessionKind) => boolean): SessionKind {
  const k = sessions.all.find(pred);
  if (!k) throw new Error(`no session kind is ${what} (a bug: see harness/session/registry.ts)`);
  return k;
}

/** The kind a person logs in with to work: a shell on a terminal (a reattach check's login). */
export function interactiveLoginKind(): SessionKind {
  return kindWhere('an interactive login', k => k.shell && k.remotePty);
}

/** The kind that runs one command and returns, with nothing in between (doctor's login check). */
export function oneCommandKind(): SessionKind {
  return kindWhere('a plain command', k => !k.shell && !k.remotePty);
}
