import { sweepLeftovers } from '../core/cleanup.js';
import { sweepTracefsLeftovers } from '../observe/tracefs.js';
import { engineAnswers } from '../target/engine.js';
import { InfrastructureError } from '../core/errors.js';
import { parseFlags } from './args.js';
import type { Command } from './types.js';

/**
 * The sweep every run does when it starts, on its own: for after a run was killed with SIGKILL (or
 * the machine lost power) when no new run is planned. It removes only what belongs to processes
 * that are gone; a run going on elsewhere keeps its containers.
 */
export const clean: Command = {
  name: 'clean',
  summary: 'remove what runs killed with SIGKILL left behind (containers, networks, temp dirs with keys, kernel trace instances); runs still going are left alone',
  usage: 'clean',
  async run(args, ctx) {
    parseFlags('clean', args, {});
    if (!(await engineAnswers())) throw new InfrastructureError('hangup-lab clean: no Docker engine answers (docker info failed); start it, then run hangup-lab clean again');
    let said = false;
    const say = (line: string) => {
      said = true;
      ctx.say(line);
    };
    await sweepLeftovers(say);
    await sweepTracefsLeftovers(say);
    if (!said) ctx.say('nothing left behind by earlier runs');
    return 0;
  },
};
