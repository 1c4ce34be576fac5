import t from 'tap';
import { parseProcNetTcp, stripAnsi } from '../../harness/session/ssh-client.js';

// What /proc/<pid>/net/tcp looks like in the harness's network namespace: a listener, the ssh
// client's connection from the docker bridge (172.17.0.1:50000) to a target (172.17.0.2:22), and
// a second connection to another target.
const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 22018 1 0000000000000000 100 0 0 10 0',
  '   1: 010011AC:C350 020011AC:0016 01 00000000:00000000 02:000AFC80 00000000  1000        0 123456 2 0000000000000000 20 4 30 10 -1',
  '   2: 010011AC:D431 030011AC:0016 01 00000000:00000000 02:000AFC80 00000000  1000        0 123457 2 0000000000000000 20 4 30 10 -1',
  '',
].join('\n');

t.test('parseProcNetTcp: one entry per socket row, the header skipped', async t => {
  t.equal(parseProcNetTcp(TABLE).length, 3);
});

t.test('parseProcNetTcp: little-endian hex addresses and hex ports are decoded', async t => {
  t.same(parseProcNetTcp(TABLE)[1], { local: { ip: '172.17.0.1', port: 50000 }, remotePort: 22, inode: '123456' });
});

t.test('parseProcNetTcp: a listening socket has remote port 0', async t => {
  t.same(parseProcNetTcp(TABLE)[0], { local: { ip: '127.0.0.1', port: 3306 }, remotePort: 0, inode: '22018' });
});

t.test('parseProcNetTcp: rows are told apart by inode', async t => {
  const e = parseProcNetTcp(TABLE).find(r => r.inode === '123457');
  t.same(e?.local, { ip: '172.17.0.1', port: 54321 });
});

t.test('parseProcNetTcp: high address bytes are decoded without sign problems', async t => {
  const table = `header\n   0: FE01A8C0:FFFF 0101A8C0:0016 01 00000000:00000000 00:00000000 00000000 0 0 7 1\n`;
  t.same(parseProcNetTcp(table), [{ local: { ip: '192.168.1.254', port: 65535 }, remotePort: 22, inode: '7' }]);
});

t.test('parseProcNetTcp: a table with only the header, or empty, has no entries', async t => {
  t.same(parseProcNetTcp(TABLE.split('\n')[0]!), []);
  t.same(parseProcNetTcp(''), []);
});

t.test('stripAnsi: SGR colour codes are removed', async t => {
  t.equal(stripAnsi('\x1b[1;32mok\x1b[0m done\x1b[m'), 'ok done');
});

t.test('stripAnsi: cursor and mode sequences are removed, including private ones', async t => {
  t.equal(stripAnsi('\x1b[?2004hhl1@host:~$ \x1b[K\x1b[?2004l'), 'hl1@host:~$ ');
  t.equal(stripAnsi('\x1b[?1049h\x1b[H\x1b[2J\x1b[24;1Hbye'), 'bye');
});

t.test('stripAnsi: an OSC window title ended by BEL is removed', async t => {
  t.equal(stripAnsi('\x1b]0;hl1@host: ~\x07hl1@host:~$ '), 'hl1@host:~$ ');
});

t.test('stripAnsi: keypad mode switches are removed', async t => {
  t.equal(stripAnsi('\x1b=\x1b>text'), 'text');
});

t.test('stripAnsi: plain text, line breaks and carriage returns are kept', async t => {
  const s = 'Connection to 172.17.0.2 closed.\r\nhangup-lab probe heartbeat 3\n';
  t.equal(stripAnsi(s), s);
});
