// The pure parts of the bad-input catalogue: what the engine, systemd-logind and the image builder
// say, turned into the harness's one line. The Docker tests (test/docker/bad-input-*) run them for real.
import t from 'tap';
import { BadInputError, InfrastructureError } from '../../harness/core/errors.js';
import { portInUseMessage } from '../../harness/core/host-port.js';
import { logindDropIn, logindRejections } from '../../harness/target/logind.js';
import { containerStartError } from '../../harness/target/start-error.js';
import { explainBuildFailure } from '../../harness/target/image.js';
import { denial } from '../fixtures/authz-proxy.js';

const netAdmin = { capAdd: ['NET_ADMIN'], securityOpt: [] };
const v2 = { capAdd: ['NET_ADMIN', 'SYS_ADMIN'], securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'] };

t.test('an authorization plugin refusing a grant: the grant, the plugin, what to allow', async t => {
  const e = containerStartError('debian-bookworm', '(HTTP code 403) unexpected - authorization denied by plugin opa: capability NET_ADMIN not allowed \n', { grants: netAdmin });
  t.type(e, InfrastructureError);
  t.equal(
    e.message,
    "target debian-bookworm: the Docker engine refused NET_ADMIN (authorization denied by plugin opa: capability NET_ADMIN not allowed); run hangup-lab doctor, and allow --cap-add NET_ADMIN for hangup-lab's containers (label hangup-lab=1)",
  );
  const all = containerStartError('debian-trixie', '(HTTP code 403) unexpected - authorization denied by plugin corp-policy: request denied', { grants: v2 });
  t.match(all.message, /refused NET_ADMIN, SYS_ADMIN, seccomp=unconfined, apparmor=unconfined \(authorization denied by plugin corp-policy: request denied\); run hangup-lab doctor, and allow --cap-add NET_ADMIN,SYS_ADMIN --security-opt seccomp=unconfined,apparmor=unconfined for/, 'a denial that names nothing: everything asked for');
});

t.test("Docker's own \"port is already allocated\" is the demo's --port line", async t => {
  const e = containerStartError(
    'debian-bookworm',
    '(HTTP code 500) server error - driver failed programming external connectivity on endpoint x (0123): Bind for 127.0.0.1:2222 failed: port is already allocated',
    { grants: netAdmin, hostPort: 2222 },
  );
  t.type(e, InfrastructureError);
  t.match(e.message, /^hangup-lab demo: --port 2222: 127\.0\.0\.1:2222 is already in use( \(by [^)]+\))?; choose another port or free it$/);
  t.equal(portInUseMessage(2222, 'nginx pid 7'), 'hangup-lab demo: --port 2222: 127.0.0.1:2222 is already in use (by nginx pid 7); choose another port or free it');
});

t.test('any other start failure says what to check', async t => {
  t.equal(
    containerStartError('debian-bookworm', 'Error: (HTTP code 500) server error - no space left on device', { grants: netAdmin }).message,
    'target debian-bookworm: container did not start (Error: (HTTP code 500) server error - no space left on device); check `docker info` and free disk space, and that the engine may grant NET_ADMIN',
  );
});

t.test("logind's complaints map back to the logind.extra line", async t => {
  const extra = ['UserStopDelaySec=3', 'Foo=1', 'IdleAction=bogus'];
  t.equal(logindDropIn('no', extra), '# written by hangup-lab\n[Login]\nKillUserProcesses=no\nUserStopDelaySec=3\nFoo=1\nIdleAction=bogus\n');
  const file = '/etc/systemd/logind.conf.d/50-hangup-lab.conf';
  // systemd 252 (bookworm) and 247 (bullseye) word it differently; the file:line prefix is the same.
  t.same(logindRejections(`New seat seat0.\n${file}:5: Unknown key 'Foo' in section [Login], ignoring.\n`, extra, file), { index: 1, message: "Unknown key 'Foo' in section [Login]" });
  t.same(logindRejections(`${file}:5: Unknown key name 'Foo' in section 'Login', ignoring.`, extra, file), { index: 1, message: "Unknown key name 'Foo' in section 'Login'" });
  t.same(logindRejections(`${file}:6: Failed to parse handle action setting, ignoring: bogus`, extra, file), { index: 2, message: 'Failed to parse handle action setting: bogus' });
  t.equal(logindRejections('New seat seat0.\nWatching system buttons on /dev/input/event0\n', extra, file), null, 'nothing said: accepted');
  t.equal(logindRejections(`/etc/systemd/logind.conf:3: something`, extra, file), null, "another file's complaint is not the scenario's");
});

t.test('a failed build: the failing step and its last words', async t => {
  const apt = [
    'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
    'Sending build context to Docker daemon  37.89kB\r\r',
    'Step 1/13 : ARG SUITE',
    'Step 4/13 : RUN apt-get update -qq  && apt-get install -y -qq --no-install-recommends       systemd nope',
    ' ---> Running in 1999304768d9',
    'Reading package lists...',
    '\x1b[91mE\x1b[0m\x1b[91m: \x1b[0m\x1b[91mUnable to locate package nope\x1b[0m\x1b[91m',
    '\x1b[0mRemoving intermediate container 1999304768d9',
    "The command '/bin/sh -c apt-get update -qq  && apt-get install -y -qq --no-install-recommends       systemd nope' returned a non-zero code: 100",
  ].join('\n');
  t.same(explainBuildFailure(apt), {
    step: 'RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd nope',
    error: 'E: Unable to locate package nope (exit 100)',
  });
  t.same(explainBuildFailure("Step 4/13 : RUN false\n ---> Running in 12\nRemoving intermediate container 12\nThe command '/bin/sh -c false' returned a non-zero code: 1\n"), {
    step: 'RUN false',
    error: 'exit 1, no output',
  });
  t.same(explainBuildFailure('Step 9/13 : COPY agent/ /usr/local/lib/hangup-lab/\nCOPY failed: file not found in build context or excluded by .dockerignore: stat agent/: file does not exist\n'), {
    step: 'COPY agent/ /usr/local/lib/hangup-lab/',
    error: 'COPY failed: file not found in build context or excluded by .dockerignore: stat agent/: file does not exist',
  });
  t.same(explainBuildFailure('Error response from daemon: dockerfile parse error line 3: unknown instruction: FORM\n'), {
    step: null,
    error: 'dockerfile parse error line 3: unknown instruction: FORM',
  });
});

t.test('the test fixture denies what an authorization policy against privileges would', async t => {
  t.equal(denial(JSON.stringify({ HostConfig: { CapAdd: ['NET_ADMIN'] } })), 'capability NET_ADMIN not allowed');
  t.equal(denial(JSON.stringify({ HostConfig: { CapAdd: ['CAP_SYS_ADMIN'] } })), 'capability SYS_ADMIN not allowed');
  t.equal(denial(JSON.stringify({ HostConfig: { SecurityOpt: ['seccomp=unconfined'] } })), 'security option seccomp=unconfined not allowed');
  t.equal(denial(JSON.stringify({ HostConfig: { CapAdd: null } })), null);
  t.equal(denial('not json'), null);
});

t.test('messages are errors of the right kind', async t => {
  t.notOk(containerStartError('x', 'y', { grants: netAdmin }) instanceof BadInputError);
});
