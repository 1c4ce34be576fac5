import path from 'node:path';
import { BadInputError } from '../core/errors.js';
import { readableFile } from '../core/paths.js';
import { listFlag, parseFlags, stringFlag } from './args.js';
import type { Command } from './types.js';

/**
 * What decides SSH-hangup outcomes on a server of the user's own, read in one login (issue 18):
 * the same fingerprint a run records of its targets, plus what only a real server has.
 */
export const inspect: Command = {
  name: 'inspect',
  summary: 'read what decides hangup outcomes on your own server (one read-only ssh login)',
  flags: [
    { name: 'host', value: '[USER@]HOST[:PORT]', help: 'the server, as you would give it to ssh (your ~/.ssh/config and agent apply)' },
    { name: 'port', value: 'N', help: "the server's SSH port (default: ssh's, from ~/.ssh/config or 22)" },
    { name: 'identity', value: 'FILE', help: 'a private key for the login (ssh -i)' },
    { name: 'ssh-option', value: 'K=V', multiple: true, help: 'an ssh option (ssh -o K=V), e.g. ProxyJump=bastion' },
    { name: 'no-sudo', help: 'never run sudo; sshd settings are then read from its files, not its effective values' },
    { name: 'out', value: 'FILE', help: 'where the JSON goes (default ./hangup-lab-reports/inspect/HOST.json)' },
  ],
  notes: [
    'It logs in once with your own ssh client (BatchMode: it never asks for a password) and runs one read-only script on sh -s: ' +
      'OS and versions, sshd settings (sudo -n sshd -T when allowed), logind, the login\'s own session, linger, pam_systemd, ' +
      "the ssh unit's KillMode, the login shell's huponexit and TMOUT, kernel TCP timers. Nothing is written, installed or left running on the server. " +
      'A fact that cannot be read is reported as unknown, with why. Exit 3 when the login fails.',
  ],
  async run(args, ctx) {
    const { values } = parseFlags(inspect, args);
    const { parseDestination, parseSshOption, reportFileName } = await import('../inspect/destination.js');
    const destination = parseDestination(stringFlag(values, 'host'), stringFlag(values, 'port'));
    const sshOptions = (listFlag(values, 'ssh-option') ?? []).map(parseSshOption);
    const identity = stringFlag(values, 'identity');
    // ssh only warns about a key file it cannot read, then logs in without it: say so before.
    if (identity !== undefined && !readableFile(identity)) {
      throw new BadInputError(`hangup-lab inspect: --identity "${identity}": no readable file there; give the private key's path (e.g. ~/.ssh/id_ed25519)`);
    }
    const [{ inspectHost }, { reportsDir, shown }] = await Promise.all([import('../inspect/inspect.js'), import('../core/paths.js')]);
    const out = path.resolve(stringFlag(values, 'out') ?? path.join(reportsDir('inspect'), reportFileName(destination)));
    ctx.say(`logging in to ${destination.user ? `${destination.user}@` : ''}${destination.host} with ssh`);
    const summary = await inspectHost({ destination, sshOptions, ...(identity ? { identity } : {}), sudo: values['no-sudo'] !== true, out, shownOut: shown(out) });
    process.stdout.write(summary);
    return 0;
  },
};
