// `hangup-lab demo` with bad values: one line naming the flag, the value and the fix, exit 2, and
// nothing started (no Docker needed). The values are judged by the scenario file's validators.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');

t.test('a bad value names its flag and suggests the fix', async t => {
  const out = t.testdir({});
  const cases: [string[], RegExp][] = [
    [['--launch', 'nohop'], /^hangup-lab demo: --launch "nohop": unknown launch mode "nohop" \(did you mean "nohup"\?\)/],
    [['--sever', 'clientkill'], /^hangup-lab demo: --sever "clientkill": unknown sever method "clientkill" \(did you mean "client-kill"\?\)/],
    [['--client-alive', '0/2'], /^hangup-lab demo: --client-alive "0\/2": .*write "off"/],
    [['--target', 'debian-bokworm'], /^hangup-lab demo: --target "debian-bokworm": unknown target .*did you mean "debian-bookworm"/],
    [['--kernel', 'tcp_fin_timeout=3'], /^hangup-lab demo: --kernel "tcp_fin_timeout=3": sysctl "tcp_fin_timeout" is not allowed/],
    [['--linger', 'maybe'], /^hangup-lab demo: --linger "maybe": unknown linger value/],
    [['--bogus', '1'], /^hangup-lab demo: Unknown option '--bogus'/],
  ];
  for (const [args, want] of cases) {
    const r = spawnSync(process.execPath, [bin, 'demo', ...args, '--out', out], { encoding: 'utf8' });
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, want);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  t.same(fs.readdirSync(out), [], 'a rejected demo leaves no scenario file behind');
});

t.test('help lists demo; demo --help lists its flags with their values from the registries', async t => {
  const r = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8' });
  t.match(r.stdout, /demo +run one cell live/);
  const d = spawnSync(process.execPath, [bin, 'demo', '--help'], { encoding: 'utf8' });
  t.equal(d.status, 0);
  t.match(d.stdout, /--launch VALUE +how the probe is started \(default: nohup\); one of: .*nohup-to-file/s);
  t.match(d.stdout, /--sever VALUE .*sleep\[:N\]/s);
});
