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
  summary: 'remove what runs killed with SIGKILL left behind; runs still going are left alone',
  flags: [],
  notes: ["What it removes: the runs' containers and networks, their temp dirs (with the run keys) and their kernel trace instances."],
  async run(args, ctx) {
    parseFlags(clean, args);
    const [{ sweepLeftovers }, { sweepTracefsLeftovers }, { engineAnswers }] = await Promise.all([
      import('../core/cleanup.js'),
      import('../observe/tracefs.js'),
      import('../target/engine.js'),
    ]);
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
