// --host, --port and --ssh-option: checked before anything connects, one line and exit 2 when bad.
import t from 'tap';
import { ExitCode } from '../../harness/core/errors.js';
import { parseDestination, parseSshOption, reportFileName } from '../../harness/inspect/destination.js';

t.test('[user@]host[:port] in its forms', async t => {
  t.same(parseDestination('server'), { user: null, host: 'server', port: null });
  t.same(parseDestination('admin@server.example:2222'), { user: 'admin', host: 'server.example', port: 2222 });
  t.same(parseDestination('alice@127.0.0.1', '32788'), { user: 'alice', host: '127.0.0.1', port: 32788 });
  t.same(parseDestination('root@[::1]:22'), { user: 'root', host: '::1', port: 22 });
  t.same(parseDestination('fe80::1'), { user: null, host: 'fe80::1', port: null }, 'a bare IPv6 address has no port part');
  t.same(parseDestination('web-1', '22'), { user: null, host: 'web-1', port: 22 }, 'an alias of ~/.ssh/config');
  t.same(parseDestination('a@b:22', '22'), { user: 'a', host: 'b', port: 22 }, 'the same port twice is no conflict');
});

t.test('bad input: one line naming the flag, the value and the fix, exit 2', async t => {
  const bad = (host: string | undefined, port: string | undefined, message: RegExp) =>
    t.throws(() => parseDestination(host, port), { exitCode: ExitCode.badInput, message }, `${host} ${port ?? ''}`);
  bad(undefined, undefined, /^hangup-lab inspect: --host is required; e\.g\. --host admin@server\.example:2222/);
  bad('bad host', undefined, /^hangup-lab inspect: --host "bad host": "bad host" is not a host name or address; e\.g\./);
  bad('-oProxyCommand=x', undefined, /is not a host name or address/);
  bad('a b@host', undefined, /"a b" is not a user name/);
  bad('host:0', undefined, /^hangup-lab inspect: --host "0": a port is an integer from 1 to 65535$/);
  bad('host:ssh', undefined, /--host "ssh": a port is an integer/);
  bad('host', '99999', /^hangup-lab inspect: --port "99999": a port is an integer from 1 to 65535$/);
  bad('host', '-1', /--port "-1"/);
  bad('host:22', '2222', /^hangup-lab inspect: --host "host:22" says port 22 and --port says 2222; give the port once$/);
  for (const m of [undefined, 'bad host', 'host:0'].map(h => { try { parseDestination(h); } catch (e) { return (e as Error).message; } return ''; })) t.notMatch(m, /\n/);
});

t.test('--ssh-option K=V', async t => {
  t.equal(parseSshOption('StrictHostKeyChecking=no'), 'StrictHostKeyChecking=no');
  t.equal(parseSshOption('ProxyJump=bastion'), 'ProxyJump=bastion');
  t.throws(() => parseSshOption('foo'), { exitCode: 2, message: /^hangup-lab inspect: --ssh-option "foo": not KEYWORD=VALUE as ssh_config\(5\) spells it; e\.g\. --ssh-option ConnectTimeout=5$/ });
  t.throws(() => parseSshOption('=x'), { exitCode: 2, message: /--ssh-option "=x"/ });
  t.throws(() => parseSshOption('Port='), { exitCode: 2, message: /--ssh-option "Port="/ });
});

t.test('the default report file is named after the host', async t => {
  t.equal(reportFileName({ user: 'a', host: 'server.example', port: 22 }), 'server.example.json');
  t.equal(reportFileName({ user: null, host: 'fe80::1', port: null }), 'fe80__1.json');
});
