// A user's own sshd_config as the target's config (--sshd-config): its keepalive values become the
// cells' and sshd really runs with them (the fingerprint's sshd -T says so); an option this
// OpenSSH does not know is one line naming the user's file and line, exit 2.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunResult } from '../../harness/results.js';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
const scenarioText = 'name: user-config\ntarget: debian-bookworm\naxes: { session: [pty], launch: [nohup], workload: [quiet], sever: [drop] }\nrun: { latencyRepeats: 1 }\n';

t.test('the user file is the config: ClientAlive 2/1 from it ends a dropped session', async t => {
  const dir = t.testdir({
    'scenario.yaml': scenarioText,
    // A production-like file: Debian's defaults plus keepalive, one Match block.
    sshd_config: [
      'Include /etc/ssh/sshd_config.d/*.conf',
      'KbdInteractiveAuthentication no',
      'UsePAM yes',
      'ClientAliveInterval 2',
      'ClientAliveCountMax 1',
      'LoginGraceTime 77',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      'Match User backup',
      '  ClientAliveInterval 30',
      '',
    ].join('\n'),
  });
  const r = cli('run', '--scenario', path.join(dir, 'scenario.yaml'), '--sshd-config', path.join(dir, 'sshd_config'), '--out', path.join(dir, 'out'), '--progress', 'log');
  t.equal(r.status, 0, r.stderr.split('\n').slice(-3).join('\n'));
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as RunResult;
  const cell = result.cells[0]!;
  t.equal(cell.clientAlive, '2/1', 'the cell carries the file’s values');
  const fp = result.targets[0]!;
  t.equal(fp.sshdEffective.clientaliveinterval, '2', 'sshd -T: the interval from the file');
  t.equal(fp.sshdEffective.clientalivecountmax, '1');
  t.equal(fp.sshdEffective.logingracetime, '77', 'sshd -T: a setting only the file has');
  t.match(result.sshdConfig, { file: path.join(dir, 'sshd_config'), lines: 9 }, 'results.json names the file');
  t.match(fs.readFileSync(path.join(dir, 'out', 'report.md'), 'utf8'), /sshd config: .*sshd_config/, 'report.md says whose config ran');
  t.not(cell.sessionEndedMs, null, `sshd ended the dropped session (${cell.sessionEndedMs} ms)`);
  t.equal(cell.verdict, 'survived', 'nohup survives');
});

t.test('an option this OpenSSH rejects names the user file and its line, exit 2', async t => {
  const dir = t.testdir({ 'scenario.yaml': scenarioText, sshd_config: 'UsePAM yes\nClientAliveInterval 2\nFrobnicate yes\n' });
  const file = path.join(dir, 'sshd_config');
  const r = cli('run', '--scenario', path.join(dir, 'scenario.yaml'), '--sshd-config', file, '--out', path.join(dir, 'out'));
  t.equal(r.status, 2);
  const last = r.stderr.trim().split('\n').at(-1)!;
  t.match(last, `${file}: line 3: sshd -t on debian-bookworm (OpenSSH_9.2`);
  t.match(last, /Frobnicate/);
});
