import t from 'tap';
import { debootstrapCheck, diskCheck, LOW_DISK_BYTES, staleHangupImages, targetCheck } from '../../harness/doctor/images.js';

const SEED = 'containers/engine/seed-base.sh';
const bookworm = { name: 'debian-bookworm', suite: 'bookworm', tag: { ok: true as const, value: 'hangup-lab/debian-bookworm:20d4ff5c3b7c' } };

t.test('a built target image is ok', async t => {
  const c = targetCheck(bookworm, ['debian:bookworm', 'hangup-lab/debian-bookworm:20d4ff5c3b7c'], SEED);
  t.equal(c.status, 'ok');
  t.equal(c.detail, 'image hangup-lab/debian-bookworm:20d4ff5c3b7c built, base debian:bookworm present');
});

t.test('not built: a warning that the first run builds it', async t => {
  const c = targetCheck(bookworm, ['debian:bookworm', 'hangup-lab/debian-bookworm:a652332400d7'], SEED);
  t.equal(c.status, 'warn');
  t.match(c.fix, 'the first run on debian-bookworm builds it');
});

t.test('no base image: the seed command for its suite', async t => {
  const c = targetCheck({ name: 'debian-trixie', suite: 'trixie', tag: { ok: true, value: 'hangup-lab/debian-trixie:0123456789ab' } }, [], SEED);
  t.equal(c.status, 'warn');
  t.match(c.detail, 'base image debian:trixie not present');
  t.match(c.fix, /^containers\/engine\/seed-base\.sh trixie /);
});

t.test('a target whose image inputs are not there yet', async t => {
  const c = targetCheck({ name: 'debian-trixie', suite: 'trixie', tag: { ok: false, error: "ENOENT: no such file or directory, open 'containers/debian-trixie/Dockerfile'" } }, [], SEED);
  t.equal(c.status, 'warn');
  t.match(c.detail, 'ENOENT');
});

t.test('debootstrap: present, absent but not needed, absent and needed, unknown', async t => {
  t.equal(debootstrapCheck('debootstrap 1.0.128+nmu2+deb12u2', []).status, 'ok');
  t.match(debootstrapCheck(undefined, []).detail, 'all base images are present');
  t.match(debootstrapCheck(undefined, ['debian:trixie']).detail, 'debian:trixie must be seeded');
  t.equal(debootstrapCheck(undefined, undefined).fix, 'apt-get install -y debootstrap');
});

t.test('disk: warn under 3 GB, offering the old hangup-lab images first', async t => {
  t.equal(diskCheck('/var/lib/docker', { bytes: 77 * 1024 ** 3 }, []).detail, '77.0 GB free in /var/lib/docker');
  const low = diskCheck('/var/lib/docker', { bytes: LOW_DISK_BYTES - 1 }, ['hangup-lab/debian-bookworm:a652332400d7']);
  t.equal(low.status, 'warn');
  t.match(low.detail, 'only 3.0 GB free');
  t.equal(low.fix, 'docker rmi hangup-lab/debian-bookworm:a652332400d7 (older hangup-lab images); docker image prune');
  t.match(diskCheck('', { error: 'ENOENT' }, []).detail, 'unchecked: ENOENT');
});

t.test('stale images: hangup-lab target images no current target uses', async t => {
  t.same(
    staleHangupImages(['debian:bookworm', 'hangup-lab/debian-bookworm:new', 'hangup-lab/debian-bookworm:old', 'hangup-lab/try:1'], ['hangup-lab/debian-bookworm:new']),
    ['hangup-lab/debian-bookworm:old'],
  );
});
