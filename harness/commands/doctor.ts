import { parseFlags } from './args.js';
import type { Command } from './types.js';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check that this machine can run hangup-lab, and say what to run when it cannot',
  flags: [{ name: 'json', help: 'the checks as JSON (name, status, detail, fix)' }],
  notes: [
    'It checks the ssh client, the Docker engine and its capabilities, kernel tracing, node-pty, the images, ' +
      "one login as a run logs in (the run's own key and options), free disk and leftovers of killed runs. " +
      'Exit 3 when something a run needs is missing.',
  ],
  async run(args) {
    const { values } = parseFlags(doctor, args);
    const [{ checksJson, doctorExitCode, renderChecks }, { examine }] = await Promise.all([import('../doctor/check.js'), import('../doctor/examine.js')]);
    const checks = await examine();
    process.stdout.write(values.json === true ? checksJson(checks) : renderChecks(checks));
    return doctorExitCode(checks);
  },
};
