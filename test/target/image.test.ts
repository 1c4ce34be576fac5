import t from 'tap';
import { imageInputs, imageTag } from '../../harness/target/image.js';
import { TARGETS, type TargetSpec } from '../../harness/target/targets.js';

const bookworm = TARGETS['debian-bookworm']!;

t.test('the tag names the target and carries a 12-hex hash of its inputs', async t => {
  t.match(imageTag(bookworm), /^hangup-lab\/debian-bookworm:[0-9a-f]{12}$/);
});

t.test('the same inputs give the same tag (an unchanged image is reused)', async t => {
  t.equal(imageTag(bookworm), imageTag({ ...bookworm }));
});

t.test('targets that share the Dockerfile never share a hash: the suite is an input', async t => {
  const hashes = Object.values(TARGETS).map(s => imageTag(s).split(':')[1]);
  t.equal(new Set(hashes).size, hashes.length);
});

t.test('a build argument changes the hash, even under the same target name', async t => {
  const other: TargetSpec = { ...bookworm, buildArgs: { SUITE: 'trixie' } };
  t.not(imageTag(other), imageTag(bookworm));
  const extra: TargetSpec = { ...bookworm, buildArgs: { ...bookworm.buildArgs, X: '1' } };
  t.not(imageTag(extra), imageTag(bookworm));
});

t.test('the order build arguments are written in does not matter', async t => {
  const a: TargetSpec = { ...bookworm, buildArgs: { SUITE: 'bookworm', X: '1' } };
  const b: TargetSpec = { ...bookworm, buildArgs: { X: '1', SUITE: 'bookworm' } };
  t.equal(imageTag(a), imageTag(b));
});

t.test("a Dockerfile's own directory goes into the hash: the sysvinit image's init scripts", async t => {
  const rel = (spec: TargetSpec) => imageInputs(spec).map(f => f.slice(f.indexOf('containers/') + 'containers/'.length));
  const sysvinit = rel(TARGETS['debian-bookworm-sysvinit-elogind']!);
  t.ok(sysvinit.includes('debian-sysvinit/Dockerfile'));
  t.ok(sysvinit.includes('debian-sysvinit/etc/init.d/hangup-lab-cgroup'));
  t.ok(sysvinit.includes('agent/probe'), 'the shared agent too');
  t.notOk(sysvinit.includes('debian/Dockerfile'));
  const debian = rel(TARGETS['debian-bookworm']!);
  t.same(debian.filter(f => !/^(agent|common)\//.test(f)), ['debian/Dockerfile'], 'the systemd images: their Dockerfile alone, as before');
  t.not(imageTag(TARGETS['debian-bookworm-sysvinit-elogind']!), imageTag(TARGETS['debian-bookworm']!));
});
