import t from 'tap';
import { checksJson, doctorExitCode, missing, ok, renderCheck, renderChecks, warn } from '../../harness/doctor/check.js';

t.test('warnings alone exit 0; one missing necessity exits 3', async t => {
  t.equal(doctorExitCode([]), 0);
  t.equal(doctorExitCode([ok('a', 'x'), warn('b', 'y', 'do z')]), 0);
  t.equal(doctorExitCode([ok('a', 'x'), missing('b', 'y', 'do z'), warn('c', 'w')]), 3);
});

t.test('one line per check: status, subject, what was found, then the fix', async t => {
  t.equal(renderCheck(ok('node', 'v20.20.2')), 'ok      node: v20.20.2');
  t.equal(
    renderCheck(missing('ssh client', 'ssh is not installed', 'apt-get install -y openssh-client')),
    'MISSING ssh client: ssh is not installed; fix: apt-get install -y openssh-client',
  );
  t.equal(renderCheck(warn('disk', 'unchecked')), 'WARN    disk: unchecked', 'no fix, no "fix:"');
});

t.test('the summary line counts and says whether anything needed is missing', async t => {
  const out = renderChecks([ok('a', 'x'), warn('b', 'y')]);
  t.equal(out.split('\n').length, 4, 'two checks, a summary, a final newline');
  t.match(out, /^ready: 1 ok, 0 missing, 1 warnings\n$/m);
  t.match(renderChecks([missing('a', 'x', 'y')]), /^something needed is missing \(exit 3\): 0 ok, 1 missing, 0 warnings$/m);
});

t.test('--json carries the checks and the exit code', async t => {
  const checks = [ok('a', 'x'), missing('b', 'y', 'z')];
  t.same(JSON.parse(checksJson(checks)), { schemaVersion: 1, exitCode: 3, checks });
  t.notOk('fix' in (JSON.parse(checksJson([warn('c', 'w')])) as { checks: object[] }).checks[0]!, 'no empty fix field');
});
