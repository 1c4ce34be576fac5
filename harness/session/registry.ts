import { makeRegistry } from '../core/registry.js';
import execTty from './exec-tty.js';
import exec from './exec.js';
import pty from './pty.js';

export const sessions = makeRegistry('session', [pty, exec, execTty]);
