import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import { managers } from '../../harness/target/managers/registry.js';
import { debianBackportsTarget, debianSysvinitElogindTarget, debianTarget, TARGETS, targetSpec } from '../../harness/target/targets.js';

const SYSVINIT = 'debian-bookworm-sysvinit-elogind';

t.test('eight Debian targets, in order of their OpenSSH and session manager; all but the sysvinit one built from the shared Dockerfile', async t => {
  t.same(Object.keys(TARGETS), [
    'debian-bullseye',
    'debian-bookworm',
    'debian-bookworm-backports',
    'debian-bookworm-backports-systemd',
    'debian-bookworm-no-pam-systemd',
    SYSVINIT,
    'debian-trixie',
    'debian-sid',
  ]);
  for (const [name, spec] of Object.entries(TARGETS).filter(([name]) => name !== SYSVINIT)) {
    t.equal(spec.name, name);
    t.equal(spec.dockerfile, 'debian/Dockerfile');
    t.equal(spec.base, `debian:${spec.suite}`, `${name}: built on its suite's base image`);
    t.same(spec.servers, debianTarget(spec.suite).servers, `${name}: the servers debianTarget gives`);
  }
  for (const name of ['debian-bullseye', 'debian-bookworm', 'debian-trixie', 'debian-sid']) {
    const spec = TARGETS[name]!;
    t.equal(name, `debian-${spec.suite}`);
    t.same(spec.buildArgs, { SUITE: spec.suite }, `${name}: the suite reaches FROM debian:\${SUITE}, and nothing else`);
  }
});

t.test('debian-bookworm-backports: the bookworm base, with the backports suite as a build argument', async t => {
  const spec = TARGETS['debian-bookworm-backports']!;
  t.equal(spec.suite, 'bookworm');
  t.same(spec.buildArgs, { SUITE: 'bookworm', BACKPORTS: 'bookworm-backports' });
  t.notOk(spec.cgroupV2Only);
});

t.test('a backports target keeps a base prefix, like the plain target of its suite', async t => {
  const spec = debianBackportsTarget('bookworm', 'hangup-lab-test-base/');
  t.equal(spec.base, 'hangup-lab-test-base/debian:bookworm');
  t.same(spec.buildArgs, { SUITE: 'bookworm', BASE: 'hangup-lab-test-base/debian', BACKPORTS: 'bookworm-backports' });
});

t.test('only sid declares a systemd that boots on cgroup v2 alone (262; 258 dropped v1)', async t => {
  t.same(
    Object.values(TARGETS).filter(s => s.cgroupV2Only).map(s => s.name),
    ['debian-sid'],
  );
});

t.test('targetSpec returns the registered spec', async t => {
  t.equal(targetSpec('debian-trixie'), TARGETS['debian-trixie']);
  t.equal(targetSpec('debian-bookworm-backports'), TARGETS['debian-bookworm-backports']);
});

t.test('the session-manager variants of bookworm: systemd from backports, no pam_systemd, or sysvinit with elogind', async t => {
  const systemd = TARGETS['debian-bookworm-backports-systemd']!;
  t.same(systemd.buildArgs, { SUITE: 'bookworm', SYSTEMD_FROM: 'bookworm-backports' }, "backports' systemd on bookworm's OpenSSH");
  t.equal(systemd.manager, 'systemd');
  const none = TARGETS['debian-bookworm-no-pam-systemd']!;
  t.same(none.buildArgs, { SUITE: 'bookworm', PAM_SYSTEMD: 'no' });
  t.equal(none.manager, 'systemd-no-pam', 'declared, so what needs a logind session is not-applicable there');
  const sysvinit = TARGETS[SYSVINIT]!;
  t.same(sysvinit, debianSysvinitElogindTarget('bookworm'));
  t.equal(sysvinit.dockerfile, 'debian-sysvinit/Dockerfile', 'an image of its own: another PID 1');
  t.same(sysvinit.buildArgs, { SUITE: 'bookworm' });
  t.same(sysvinit.servers, ['openssh'], 'no systemd socket for the per-connection server, no Dropbear');
  t.equal(sysvinit.manager, 'elogind');
  t.notOk(sysvinit.cgroupV2Only);
});

t.test("every target's manager is a registered session manager", async t => {
  for (const spec of Object.values(TARGETS)) t.ok(managers.has(spec.manager), `${spec.name}: ${spec.manager}`);
});

t.test('an unknown target is bad input naming the known ones and the closest', async t => {
  t.throws(() => targetSpec('debian-trixy'), BadInputError);
  t.throws(
    () => targetSpec('debian-trixy'),
    /unknown target "debian-trixy" \(did you mean "debian-trixie"\?\) \(known: debian-bullseye, debian-bookworm, debian-bookworm-backports, debian-bookworm-backports-systemd, debian-bookworm-no-pam-systemd, debian-bookworm-sysvinit-elogind, debian-trixie, debian-sid\)/,
  );
});
