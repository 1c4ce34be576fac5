import { makeRegistry } from '../core/registry.js';
import dropbear from './dropbear.js';
import openssh from './openssh.js';
import opensshPerConnection from './openssh-per-connection.js';

export const servers = makeRegistry('server implementation', [openssh, opensshPerConnection, dropbear]);

/** The server of a scenario without a server axis: every run before the axis existed was OpenSSH. */
export const DEFAULT_SERVER = 'openssh';
