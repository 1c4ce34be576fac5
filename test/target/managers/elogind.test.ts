// elogind's shell lines, run for real against a stand-in auth log: what the harness reads back of
// its start (a rejected logind.extra line) and of a service. Only the paths are swapped.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import elogind from '../../../harness/target/managers/elogind.js';
import { logindRejections } from '../../../harness/target/logind.js';

/** Run one of elogind's scripts with /var/log/auth.log replaced by `log`, `logger` appending to it, and dpkg-query answering. */
function run(script: string, log: string): string {
  const dir = path.dirname(log);
  fs.writeFileSync(path.join(dir, 'logger'), `#!/bin/sh\nshift 4; echo "2026-12-07T15:03:35+00:00 host hangup-lab: $*" >> ${log}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'dpkg-query'), '#!/bin/sh\necho -n 246.10-1debian1\n', { mode: 0o755 });
  return execFileSync('sh', ['-c', script.replaceAll('/var/log/auth.log', log)], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
}

const drop = elogind.logind.dropIn;
const line = (pid: number, text: string) => `2026-12-07T15:03:35+00:00 host elogind-daemon[${pid}]: ${text}`;

t.test("the start log is what elogind said since the last restart mark; its complaints map to logind.extra", async t => {
  const dir = t.testdir({});
  const log = path.join(dir, 'auth.log');
  fs.writeFileSync(
    log,
    [
      line(10, `${drop}:3: Unknown key name 'Old' in section 'Login', ignoring.`),
      '2026-12-07T15:03:35+00:00 host hangup-lab: elogind restarting',
      line(11, 'Received signal 2 [INT]'),
      line(12, `${drop}:5: Unknown key name 'Foo' in section 'Login', ignoring.`),
      line(12, 'New seat seat0.'),
      '',
    ].join('\n'),
  );
  const out = run(elogind.logind.startLog, log);
  t.notMatch(out, /'Old'/, 'a complaint of an earlier start is not this one’s');
  t.match(out, /^#version elogind 246\.10-1debian1$/m);
  t.same(logindRejections(out, ['UserStopDelaySec=3', 'Foo=1'], drop), { index: 1, message: "Unknown key name 'Foo' in section 'Login'" });
});

t.test('the service log is the tail of the auth log', async t => {
  const dir = t.testdir({});
  const log = path.join(dir, 'auth.log');
  fs.writeFileSync(log, 'a\nsshd[3]: Invalid user hl1 from 172.17.0.1\n');
  t.match(run(elogind.serviceLog('ssh.service'), log), /Invalid user hl1/);
});
