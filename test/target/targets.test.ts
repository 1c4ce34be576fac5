import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import { TARGETS, targetSpec } from '../../harness/target/targets.js';

t.test('the three Debian targets, each built from the shared Dockerfile with its own suite', async t => {
  t.same(Object.keys(TARGETS), ['debian-bullseye', 'debian-bookworm', 'debian-trixie']);
  for (const [name, spec] of Object.entries(TARGETS)) {
    t.equal(spec.name, name);
    t.equal(name, `debian-${spec.suite}`);
    t.equal(spec.dockerfile, 'debian/Dockerfile');
    t.same(spec.buildArgs, { SUITE: spec.suite }, `${name}: the suite reaches FROM debian:\${SUITE}`);
  }
});

t.test('targetSpec returns the registered spec', async t => {
  t.equal(targetSpec('debian-trixie'), TARGETS['debian-trixie']);
});

t.test('an unknown target is bad input naming the known ones and the closest', async t => {
  t.throws(() => targetSpec('debian-trixy'), BadInputError);
  t.throws(() => targetSpec('debian-trixy'), /unknown target "debian-trixy" \(did you mean "debian-trixie"\?\) \(known: debian-bullseye, debian-bookworm, debian-trixie\)/);
});
