// Login users stay whole when tries of their creation overlap: under load a try's docker exec can
// outlive its deadline while the next try of the same batch starts (run/servers.ts). At load 20-27
// two such tries interleaved inside useradd and a run stopped with "Directory nonexistent". Here
// four tries of one batch run at once, on purpose, and every user must come out whole and able to
// log in with the key.
import path from 'node:path';
import t from 'tap';
import { makeRunKey } from '../../harness/run/run-key.js';
import { SshClient } from '../../harness/session/ssh-client.js';
import { addUsers } from '../../harness/target/users.js';
import { startPlainTarget } from '../fixtures/target.js';
import fs from 'node:fs';

t.test('overlapping tries of one batch leave every user whole', async t => {
  const target = await startPlainTarget(t, 'userstst', 'users.test.ts');
  const dir = t.testdir({});
  const { keyFile, publicKey } = await makeRunKey(dir, 'userstst');
  const batch = ['hlusers0001', 'hlusers0002', 'hlusers0003', 'hlusers0004', 'hlusers0005', 'hlusers0006'];
  const tries = await Promise.allSettled([0, 1, 2, 3].map(() => target.addUsers(batch, publicKey)));
  t.same(tries.map(r => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'], `every try succeeds: ${tries.map(r => (r.status === 'rejected' ? String(r.reason) : 'ok')).join(' | ')}`);
  const state = await target.sh(
    batch.map(u => `echo "${u} $(stat -c '%U %a' /home/${u}) $(stat -c '%U %a' /home/${u}/.ssh) $(grep -c hl-ready /home/${u}/.bashrc) $(grep -c . /home/${u}/.ssh/authorized_keys)"`).join('; '),
  );
  for (const u of batch) t.match(state.stdout, new RegExp(`^${u} ${u} \\d+ ${u} 700 1 1$`, 'm'), `${u}: home and .ssh its own, the prompt once, the key once`);
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, `${target.hostKeyAlias} ${target.hostKey}\n`);
  for (const user of [batch[0]!, batch.at(-1)!]) {
    const client = new SshClient({ host: target.ip, user, keyFile, knownHostsFile, hostKeyAlias: target.hostKeyAlias, serverAlive: 'off' }, { remotePty: false, command: 'echo hl-logged-in' });
    const exit = await client.exited;
    t.equal(exit.exitCode, 0, `${user} logs in with the key: ${client.text.trim()}`);
  }
});

t.test('a try never waits for good behind a wedged one: its lock wait is bounded and said', async t => {
  const target = await startPlainTarget(t, 'userslck', 'users.test.ts');
  const { publicKey } = await makeRunKey(t.testdir({}), 'userslck');
  // A holder that never lets go, as a try whose docker exec outlived its deadline might.
  target.spawnExec(['flock', '/run/hangup-lab-users.lock', 'sleep', '600']);
  await target.sh('for i in $(seq 50); do fuser /run/hangup-lab-users.lock >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1');
  const started = Date.now();
  const err = await addUsers(target, 'debian-bookworm', ['hlusers0100'], publicKey, { timeoutMs: 15_000 }).catch((e: Error) => e);
  t.match(String(err), /another creation of login users held \/run\/hangup-lab-users\.lock for 5 s/);
  t.ok(Date.now() - started < 15_000, 'answered before the exec deadline');
  t.not((await target.sh('id -u hlusers0100')).exitCode, 0, 'and created nothing');
});
