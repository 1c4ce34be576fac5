// What run --host reads of the server before anything runs there: a server it cannot run on is one
// line with what was learned (exit 3), and the facts that decide the cells come from inspect.
import t from 'tap';
import { hostFacts } from '../../harness/commands/run-host.js';
import { InfrastructureError } from '../../harness/core/errors.js';
import { inspected } from '../predict/inputs.js';

t.test('stock bookworm: the facts the cells are matched against', async t => {
  const f = hostFacts(inspected(), 'own.example');
  t.equal(f.user, 'alice');
  t.equal(f.fingerprint.key, 'host:alice@own.example');
  t.match(f.fingerprint.config, { killUserProcesses: 'no', tcpKeepAlive: 'yes' });
  t.equal(f.linger, 'off');
  t.equal(f.huponexit, 'off');
  t.equal(f.shell, '/bin/bash');
});

t.test('a host without systemd, without OpenSSH, or without the deciding facts: exit 3, one line', async t => {
  const sysv = inspected();
  sysv.host.init = 'sysvinit';
  t.throws(() => hostFacts(sysv, 'old.example'), { constructor: InfrastructureError, message: /^hangup-lab run --host: old\.example runs sysvinit as its init, not systemd: .*learned: OpenSSH_9\.2p1.*nothing was started on it\)$/ });
  const other = inspected();
  other.fingerprint.server = 'unknown';
  t.throws(() => hostFacts(other, 'x'), { message: /does not run OpenSSH's sshd/ });
  const unread = inspected();
  (unread.fingerprint.config as { killUserProcesses: string }).killUserProcesses = 'unknown';
  t.throws(() => hostFacts(unread, 'x'), { message: /KillUserProcesses could not be read/ });
});
