import t from 'tap';
import drop from '../../harness/sever/drop.js';
import { connectionRules, type Endpoint } from '../../harness/sever/iptables.js';

const dropRules = (c: Endpoint, s: Endpoint) => connectionRules(c, s, 'DROP');

const client = { ip: '172.17.0.1', port: 50000 };
const server = { ip: '172.17.0.2', port: 22 };

t.test('dropRules: one INPUT and one OUTPUT rule for the exact 4-tuple', async t => {
  t.same(dropRules(client, server), [
    'INPUT -p tcp -s 172.17.0.1 --sport 50000 -d 172.17.0.2 --dport 22 -j DROP',
    'OUTPUT -p tcp -s 172.17.0.2 --sport 22 -d 172.17.0.1 --dport 50000 -j DROP',
  ]);
});

t.test('dropRules: the OUTPUT rule is the INPUT rule with the ends swapped', async t => {
  const [input, output] = dropRules(client, server);
  t.equal(output, `OUTPUT${dropRules(server, client)[0]!.slice('INPUT'.length)}`);
  t.equal(input, `INPUT${dropRules(server, client)[1]!.slice('OUTPUT'.length)}`);
});

t.test('dropRules: the same connection always gives the same text (so -D removes what -I added)', async t => {
  t.same(dropRules({ ...client }, { ...server }), dropRules(client, server));
});

t.test('dropRules: different client ports give different rules', async t => {
  t.not(dropRules({ ...client, port: 50001 }, server)[0], dropRules(client, server)[0]);
});

t.test('the drop sever is a tcp-layer method that needs a live session and ends it', async t => {
  t.equal(drop.name, 'drop');
  t.equal(drop.layer, 'tcp');
  t.equal(drop.needsLiveSession, true);
  t.equal(drop.endsSession, true);
  t.same(drop.detectors, ['sshd-clientalive', 'client-serveralive', 'tcp-keepalive', 'write']);
});
