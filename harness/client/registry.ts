import { makeRegistry } from '../core/registry.js';
import openssh from './openssh.js';

export const clients = makeRegistry('client implementation', [openssh]);

/** The client of a session nobody chose one for (doctor's login, a scenario without a client axis). */
export const DEFAULT_CLIENT = 'openssh';
