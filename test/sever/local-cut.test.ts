// The cut on this machine for a server of the user's own: the client's one established connection,
// read from its own /proc, and the two rules for exactly that 4-tuple.
import t from 'tap';
import { connectionOf, localRules } from '../../harness/sever/local-cut.js';

// /proc/PID/net/tcp: a listener, the client's established socket (inode 900), another process's.
const TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0',
  '   1: 0100007F:D6B4 0100007F:7E8E 01 00000000:00000000 00:00000000 00000000     0        0 900 1 0',
  '   2: 0100007F:D6B6 0100007F:7E8E 01 00000000:00000000 00:00000000 00000000     0        0 901 1 0',
].join('\n');
const fds: Record<string, string> = { '0': '/dev/pts/1', '3': 'socket:[900]', '4': 'pipe:[5]' };
const proc = {
  readFile: () => TCP,
  listFds: () => Object.keys(fds),
  readLink: (p: string) => fds[p.slice(p.lastIndexOf('/') + 1)]!,
};

t.test("the client's own established connection, both ends", async t => {
  t.same(connectionOf(42, proc.readFile, proc.listFds, proc.readLink), { local: { ip: '127.0.0.1', port: 0xd6b4 }, remote: { ip: '127.0.0.1', port: 0x7e8e } });
});

t.test('none, or more than one: no guess', async t => {
  t.equal(connectionOf(42, proc.readFile, () => ['0'], proc.readLink), null);
  const two: Record<string, string> = { ...fds, '5': 'socket:[901]' };
  t.equal(connectionOf(42, proc.readFile, () => Object.keys(two), p => two[p.slice(p.lastIndexOf('/') + 1)]!), null);
});

t.test("this machine's rules: its packets out to the server, the server's in, that 4-tuple only", async t => {
  const c = { local: { ip: '10.0.0.5', port: 50000 }, remote: { ip: '192.0.2.7', port: 22 } };
  t.same(localRules(c, 'DROP'), [
    'INPUT -p tcp -s 192.0.2.7 --sport 22 -d 10.0.0.5 --dport 50000 -j DROP',
    'OUTPUT -p tcp -s 10.0.0.5 --sport 50000 -d 192.0.2.7 --dport 22 -j DROP',
  ]);
  t.match(localRules(c, 'REJECT')[1], /! --tcp-flags RST RST -j REJECT --reject-with tcp-reset$/);
});
