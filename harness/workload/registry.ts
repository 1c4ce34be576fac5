import { makeRegistry } from '../core/registry.js';
import chatty from './chatty.js';
import quiet from './quiet.js';
import readsStdin from './reads-stdin.js';
import redirected from './redirected.js';
import tree from './tree.js';

export const workloads = makeRegistry('workload', [chatty, quiet, redirected, readsStdin, tree]);
