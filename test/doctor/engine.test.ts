import t from 'tap';
import { engineCheck, parseDockerInfo } from '../../harness/doctor/engine.js';

const INFO = JSON.stringify({
  ServerVersion: '20.10.24+dfsg1',
  Driver: 'overlay2',
  CgroupDriver: 'cgroupfs',
  CgroupVersion: '1',
  DockerRootDir: '/var/lib/docker',
  ServerErrors: null,
});

t.test('docker info JSON: version, storage driver, cgroup driver and version, data root', async t => {
  t.same(parseDockerInfo(INFO), {
    answers: true,
    info: { serverVersion: '20.10.24+dfsg1', storageDriver: 'overlay2', cgroupDriver: 'cgroupfs', cgroupVersion: '1', dockerRootDir: '/var/lib/docker' },
  });
});

t.test('no engine: the reason from ServerErrors, else from stderr', async t => {
  // Client 20.10 puts the error into the JSON; client 28 prints empty fields and says it on stderr.
  t.same(parseDockerInfo(JSON.stringify({ ServerVersion: '', ServerErrors: ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'] })), {
    answers: false,
    error: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  });
  t.same(parseDockerInfo('{"ServerVersion":""}', '\nCannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?\n'), {
    answers: false,
    error: 'Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?',
  });
  t.same(parseDockerInfo('', 'permission denied while trying to connect'), { answers: false, error: 'permission denied while trying to connect' });
});

t.test('an answering engine is one ok line with its facts', async t => {
  const c = engineCheck({ cli: true, result: parseDockerInfo(INFO), canProvision: true, provisionScript: 'containers/engine/provision.sh' });
  t.equal(c.status, 'ok');
  t.equal(c.detail, 'Docker 20.10.24+dfsg1, storage driver overlay2, cgroup driver cgroupfs, cgroup v1, data root /var/lib/docker');
});

t.test('no engine is missing; the line says whether a run would provision one', async t => {
  const down = { answers: false as const, error: 'Cannot connect' };
  const auto = engineCheck({ cli: true, result: down, canProvision: true, provisionScript: 'containers/engine/provision.sh' });
  t.equal(auto.status, 'missing');
  t.match(auto.detail, 'provisions one by itself here (root + apt-get)');
  t.equal(auto.fix, 'run now: containers/engine/provision.sh');
  const byHand = engineCheck({ cli: false, result: down, canProvision: false, provisionScript: 'containers/engine/provision.sh' });
  t.match(byHand.detail, /^the docker CLI is not installed; not provisioned automatically/);
  t.match(byHand.fix, /install Docker and start it/);
});

t.test('not provisioned because DOCKER_HOST names another engine or HANGUP_LAB_PROVISION=never: the line says which', async t => {
  const down = { answers: false as const, error: 'Cannot connect' };
  for (const why of ['DOCKER_HOST=tcp://10.0.0.5:2375 names another engine', 'HANGUP_LAB_PROVISION=never forbids installing one']) {
    const c = engineCheck({ cli: true, result: down, canProvision: false, noProvisionWhy: why, provisionScript: 'containers/engine/provision.sh' });
    t.equal(c.status, 'missing');
    t.equal(c.detail, `no engine answers (Cannot connect); not provisioned automatically (${why})`);
  }
});
