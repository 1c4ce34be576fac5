import { checksJson, doctorExitCode, renderChecks } from '../doctor/check.js';
import { examine } from '../doctor/examine.js';
import { parseFlags } from './args.js';
import type { Command } from './types.js';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check that this machine can run hangup-lab (client, engine, capabilities, kernel tracing, images, one login as a run logs in, disk, leftovers); say what to run when not',
  usage: 'doctor [--json]',
  async run(args) {
    const { values } = parseFlags('doctor', args, { json: { type: 'boolean' } });
    const checks = await examine();
    process.stdout.write(values.json ? checksJson(checks) : renderChecks(checks));
    return doctorExitCode(checks);
  },
};
