// When a missing engine may be provisioned: never for another engine's DOCKER_HOST, never when
// HANGUP_LAB_PROVISION=never; a typo in it is bad input.
import t from 'tap';
import { BadInputError } from '../../harness/core/errors.js';
import { provisioning } from '../../harness/target/engine.js';

/** provisioning() under these environment variables (unset when undefined). */
function under(env: Record<string, string | undefined>) {
  const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  try {
    return provisioning('/x/provision.sh');
  } finally {
    set(saved);
  }
}

t.test('DOCKER_HOST naming another engine: provisioning the local one would not help', async t => {
  t.match(under({ DOCKER_HOST: 'tcp://10.0.0.5:2375', HANGUP_LAB_PROVISION: undefined }), {
    allowed: false,
    remote: true,
    why: 'DOCKER_HOST=tcp://10.0.0.5:2375 names another engine',
    fix: 'start it, or unset DOCKER_HOST to use (or provision) the local one',
  });
  t.notMatch(under({ DOCKER_HOST: 'unix:///var/run/docker.sock', HANGUP_LAB_PROVISION: 'never' }), { remote: true }, 'the local socket is the local engine');
});

t.test('HANGUP_LAB_PROVISION=never: the command to run instead', async t => {
  t.same(under({ DOCKER_HOST: undefined, HANGUP_LAB_PROVISION: 'never' }), {
    allowed: false,
    remote: false,
    why: 'HANGUP_LAB_PROVISION=never forbids installing one',
    fix: 'start Docker, or run: sudo /x/provision.sh',
  });
});

t.test('HANGUP_LAB_PROVISION with another value is bad input', async t => {
  t.throws(() => under({ DOCKER_HOST: undefined, HANGUP_LAB_PROVISION: 'no' }), BadInputError);
});
