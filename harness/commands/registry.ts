// An explicit registry of subcommands: `hangup-lab help` lists exactly these.
import { makeRegistry } from '../core/registry.js';
import { bench } from './bench.js';
import { demo } from './demo.js';
import { claims } from './claims.js';
import { clean } from './clean.js';
import { doctor } from './doctor.js';
import { inspect } from './inspect.js';
import { merge } from './merge.js';
import { predict } from './predict.js';
import { run } from './run.js';
import type { Command } from './types.js';

export const commands = makeRegistry<Command>('command', [run, demo, merge, claims, bench, doctor, inspect, predict, clean]);
