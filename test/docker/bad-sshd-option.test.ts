// A bad sshd option must be a clear error naming the scenario field, exit 2, not a hung run.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');

t.test('sshd -t rejects an unknown option: exit 2, one line naming sshd.extra[0]', async t => {
  const dir = t.testdir({
    'bad.yaml': [
      'name: bad-option',
      'target: debian-bookworm',
      'sshd:',
      '  ClientAliveInterval: 1',
      '  extra: ["ClientAlivInterval 5"]',
      'axes: { session: [pty], launch: [nohup], workload: [quiet], sever: [logout] }',
    ].join('\n'),
  });
  const file = path.join(dir, 'bad.yaml');
  const r = spawnSync(process.execPath, [bin, 'run', '--scenario', file, '--out', path.join(dir, 'out')], { encoding: 'utf8' });
  t.equal(r.status, 2, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  t.match(last, `${file}: sshd.extra[0]: sshd -t on debian-bookworm`);
  t.match(last, /ClientAlivInterval 5/);
  t.notOk(fs.existsSync(path.join(dir, 'out', 'results.json')), 'no results written');
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=hangup-lab.run'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
  // Containers of other tests running in parallel may exist; none may belong to the dead CLI run.
  const pids = left.map(id => execFileSync('docker', ['inspect', '-f', '{{index .Config.Labels "hangup-lab.pid"}}', id], { encoding: 'utf8' }).trim());
  t.notOk(pids.includes(String(r.pid)), 'the failed run removed its container');
});
