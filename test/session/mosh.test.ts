import t from 'tap';
import { moshCommand, moshKeyOf, moshTargetOf, parseMoshConnect } from '../../harness/session/mosh.js';
import { checkSessionValue, resolveSession, sessionKindOf } from '../../harness/session/registry.js';

// What /proc/PID/cmdline of mosh-client holds after /usr/bin/mosh (1.4.0) exec'd it: its argv[0],
// the wrapper's "-# <command line> |" and then the server's address and port.
const CMDLINE = ['mosh-client', '-# --ssh=ssh --predict=never hl1@172.17.0.2 |', '172.17.0.2', '60003', ''].join('\0');

t.test('moshTargetOf: the last two arguments are the address and the MOSH CONNECT port', async t => {
  t.same(moshTargetOf(CMDLINE), { ip: '172.17.0.2', port: 60003 });
  t.same(moshTargetOf(['mosh-client', '10.0.0.5', '60001'].join('\0')), { ip: '10.0.0.5', port: 60001 }, 'started directly, without the wrapper');
});

t.test('moshTargetOf: anything else is no target (the wrapper, perl, still running)', async t => {
  t.equal(moshTargetOf(['/usr/bin/perl', '/usr/bin/mosh', '--ssh=ssh', 'hl1@172.17.0.2', ''].join('\0')), null);
  t.equal(moshTargetOf(['mosh-client', '172.17.0.2', '70000'].join('\0')), null, 'not a port');
  t.equal(moshTargetOf(''), null);
});

t.test('parseMoshConnect: the line mosh-server prints, as the wrapper reads it', async t => {
  t.same(parseMoshConnect('MOSH CONNECT 60001 8wzb3HPC9OnyyTdqupMR9g'), { port: 60001, key: '8wzb3HPC9OnyyTdqupMR9g' });
  t.same(parseMoshConnect('MOSH CONNECT 60001 8wzb3HPC9OnyyTdqupMR9g\r'), { port: 60001, key: '8wzb3HPC9OnyyTdqupMR9g' }, 'a pty line end');
  t.equal(parseMoshConnect('MOSH CONNECT 60001 short'), null, 'a key is 22 base64 characters');
  t.equal(parseMoshConnect('mosh-server (mosh 1.4.0) [build mosh 1.4.0]'), null);
});

t.test('moshKeyOf: the key from the initial environment, only a well-formed one', async t => {
  t.equal(moshKeyOf(['TERM=xterm-256color', 'MOSH_KEY=8wzb3HPC9OnyyTdqupMR9g', 'LANG=C.UTF-8', ''].join('\0')), '8wzb3HPC9OnyyTdqupMR9g');
  t.equal(moshKeyOf(['TERM=xterm', ''].join('\0')), null);
  t.equal(moshKeyOf('MOSH_KEY=x\0'), null);
});

t.test("moshCommand: the client's own ssh options as --ssh, the timeout through --server", async t => {
  const ssh = { file: 'ssh', args: ['-F', '/dev/null', '-i', "/tmp/run's key"] };
  const c = moshCommand(ssh, { user: 'hl1', host: '172.17.0.2' }, null);
  t.equal(c.file, 'mosh');
  t.same(c.args, [`--ssh='ssh' '-F' '/dev/null' '-i' '/tmp/run'\\''s key'`, '--server=mosh-server', '--predict=never', 'hl1@172.17.0.2']);
  t.equal(moshCommand(ssh, { user: 'hl1', host: 'h' }, 5).args[1], '--server=MOSH_SERVER_NETWORK_TMOUT=5 mosh-server');
});

t.test('session values: "mosh:N" is the kind and its timeout; "mosh" leaves it off', async t => {
  t.same(resolveSession('mosh:5').param, 5);
  t.equal(resolveSession('mosh').param, null);
  t.equal(resolveSession('mosh:5').kind.name, 'mosh');
  t.equal(resolveSession('pty').param, null);
  t.equal(sessionKindOf('mosh:7')?.name, 'mosh');
  t.equal(sessionKindOf('telnet'), null);
});

t.test('session values: a parameter is checked like a sever\'s', async t => {
  t.equal(checkSessionValue('mosh:5'), true);
  t.equal(checkSessionValue('mosh'), true);
  t.match(checkSessionValue('mosh:0'), /MOSH_SERVER_NETWORK_TMOUT.*from 1 to 3600/);
  t.match(checkSessionValue('mosh:x'), /whole number/);
  t.match(checkSessionValue('pty:3'), /session "pty" takes no parameter; write "pty"/);
  t.match(checkSessionValue('mosj'), /unknown session "mosj".*did you mean "mosh"/);
});
