import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import { debianBackportsTarget, debianTarget, TARGETS, targetSpec } from '../../harness/target/targets.js';

t.test('seven Debian targets, in order of their OpenSSH and systemd, each built from the shared Dockerfile', async t => {
  t.same(Object.keys(TARGETS), ['debian-bullseye', 'debian-bookworm', 'debian-bookworm-backports', 'debian-bookworm-backports-systemd', 'debian-bookworm-no-pam-systemd', 'debian-trixie', 'debian-sid']);
  for (const [name, spec] of Object.entries(TARGETS)) {
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

t.test('the session-manager variants of bookworm: systemd from backports, or no pam_systemd', async t => {
  const systemd = TARGETS['debian-bookworm-backports-systemd']!;
  t.same(systemd.buildArgs, { SUITE: 'bookworm', SYSTEMD_FROM: 'bookworm-backports' }, "backports' systemd on bookworm's OpenSSH");
  t.not(systemd.pamSystemd, false);
  const none = TARGETS['debian-bookworm-no-pam-systemd']!;
  t.same(none.buildArgs, { SUITE: 'bookworm', PAM_SYSTEMD: 'no' });
  t.equal(none.pamSystemd, false, 'declared, so what needs a logind session is not-applicable there');
});

t.test('an unknown target is bad input naming the known ones and the closest', async t => {
  t.throws(() => targetSpec('debian-trixy'), BadInputError);
  t.throws(
    () => targetSpec('debian-trixy'),
    /unknown target "debian-trixy" \(did you mean "debian-trixie"\?\) \(known: debian-bullseye, debian-bookworm, debian-bookworm-backports, debian-bookworm-backports-systemd, debian-bookworm-no-pam-systemd, debian-trixie, debian-sid\)/,
  );
});
