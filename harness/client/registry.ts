import { makeRegistry } from '../core/registry.js';
import asyncssh from './asyncssh.js';
import dbclient from './dbclient.js';
import openssh from './openssh.js';
import paramiko from './paramiko.js';
import plink from './plink.js';
import ssh2 from './ssh2.js';

export const clients = makeRegistry('client implementation', [openssh, paramiko, asyncssh, ssh2, dbclient, plink]);

/** The client of a session nobody chose one for (doctor's login, a scenario without a client axis). */
export const DEFAULT_CLIENT = 'openssh';
