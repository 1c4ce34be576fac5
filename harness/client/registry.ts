import { makeRegistry } from '../core/registry.js';
import openssh from './openssh.js';

export const clients = makeRegistry('client implementation', [openssh]);

/** Every cell's client until the matrix gets a client axis: the real OpenSSH client. */
export const CELL_CLIENT = 'openssh';
