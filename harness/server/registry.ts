import { makeRegistry } from '../core/registry.js';
import openssh from './openssh.js';

export const servers = makeRegistry('server implementation', [openssh]);
