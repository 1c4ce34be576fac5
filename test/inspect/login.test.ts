// The one login: ssh's arguments and what to try when it fails.
import t from 'tap';
import { connectFix, sshArgs } from '../../harness/inspect/login.js';

t.test("ssh's arguments: BatchMode first (the first value wins), the user's options before ConnectTimeout", async t => {
  t.same(sshArgs({ user: 'alice', host: '127.0.0.1', port: 2222 }, { identity: '/k', sshOptions: ['StrictHostKeyChecking=no', 'ConnectTimeout=3'] }), [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'ConnectTimeout=3',
    '-o', 'ConnectTimeout=15',
    '-T', '-p', '2222', '-i', '/k', '--', 'alice@127.0.0.1', 'sh -s',
  ]);
  t.same(sshArgs({ user: null, host: 'web-1', port: null }, { sshOptions: [] }), ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', '-T', '--', 'web-1', 'sh -s'], "no port, no key: ~/.ssh/config's");
});

t.test("what to try, from ssh's last line (real lines of OpenSSH 9.2)", async t => {
  t.match(connectFix('ssh: connect to host 127.0.0.1 port 1: Connection refused'), /nothing listens there/);
  t.match(connectFix('alice@127.0.0.1: Permission denied (publickey).'), /authorized_keys .*never asks for a password/);
  t.match(connectFix('Host key verification failed.'), /host key/);
  t.match(connectFix('ssh: Could not resolve hostname nohost: Name or service not known'), /host name/);
  t.match(connectFix('ssh: connect to host 192.0.2.1 port 22: Connection timed out'), /did not answer/);
  t.match(connectFix('something new'), /ssh -v/);
});
