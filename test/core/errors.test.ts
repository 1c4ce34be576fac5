import t from 'tap';
import { BadInputError, closest, ExitCode, HarnessError, InfrastructureError, unknownName } from '../../harness/core/errors.js';

const launches = ['foreground', 'background', 'disown', 'nohup', 'setsid', 'tmux', 'screen', 'systemd-run-user'];

t.test('closest: a one-letter typo suggests the known name', async t => {
  t.equal(closest('nohub', launches), 'nohup');
  t.equal(closest('scren', launches), 'screen');
});

t.test('closest: an exact name suggests itself', async t => {
  t.equal(closest('tmux', launches), 'tmux');
});

t.test('closest: case is ignored, and the known spelling is returned', async t => {
  t.equal(closest('NOHUP', launches), 'nohup');
  t.equal(closest('SetSid', launches), 'setsid');
});

t.test('closest: nothing is suggested when every name is far away', async t => {
  t.equal(closest('kubectl', launches), undefined);
  t.equal(closest('zzzz', ['pty', 'exec']), undefined);
});

t.test('closest: nothing is suggested from an empty list', async t => {
  t.equal(closest('pty', []), undefined);
});

t.test('closest: longer names tolerate more edits (a third of the length)', async t => {
  // 3 edits from systemd-run-user; 13 characters allow up to 4
  t.equal(closest('sysd-run-user', launches), 'systemd-run-user');
  // 3 edits from "pty" in a 3-character name: over the minimum allowance of 2
  t.equal(closest('abc', ['pty']), undefined);
});

t.test('closest: on a tie the first known name wins', async t => {
  t.equal(closest('ab', ['ac', 'ad']), 'ac');
});

t.test('unknownName: names the kind and value, suggests the closest and lists the known', async t => {
  t.equal(
    unknownName('session', 'ptty', ['pty', 'exec']),
    'unknown session "ptty" (did you mean "pty"?) (known: pty, exec)',
  );
});

t.test('unknownName: without a close name there is no suggestion', async t => {
  t.equal(unknownName('session', 'telnet', ['pty', 'exec']), 'unknown session "telnet" (known: pty, exec)');
});

t.test('each error class carries its exit code and its own name', async t => {
  const bad = new BadInputError('bad');
  const infra = new InfrastructureError('infra');
  t.ok(bad instanceof HarnessError);
  t.ok(bad instanceof Error);
  t.equal(bad.exitCode, ExitCode.badInput);
  t.equal(bad.exitCode, 2);
  t.equal(bad.name, 'BadInputError');
  t.equal(bad.message, 'bad');
  t.equal(infra.exitCode, ExitCode.infrastructure);
  t.equal(infra.exitCode, 3);
  t.equal(infra.name, 'InfrastructureError');
});
