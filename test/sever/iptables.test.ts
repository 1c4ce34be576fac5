import t from 'tap';
import { connectionRules, cutConnection, restoreConnection } from '../../harness/sever/iptables.js';
import type { SeverContext } from '../../harness/sever/types.js';

const client = { ip: '172.17.0.1', port: 50000 };
const server = { ip: '172.17.0.2', port: 22 };

t.test('REJECT: a tcp reset for the exact 4-tuple, both directions', async t => {
  t.same(connectionRules(client, server, 'REJECT'), [
    'INPUT -p tcp -s 172.17.0.1 --sport 50000 -d 172.17.0.2 --dport 22 -m tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset',
    'OUTPUT -p tcp -s 172.17.0.2 --sport 22 -d 172.17.0.1 --dport 50000 -m tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset',
  ]);
});

t.test('REJECT: every rule lets RST through (or each rule swallows the reset of the other)', async t => {
  for (const rule of connectionRules(client, server, 'REJECT')) t.match(rule, /! --tcp-flags RST RST -j REJECT/);
});

t.test('DROP and REJECT match the same packets: only the action differs', async t => {
  const drop = connectionRules(client, server, 'DROP');
  const reject = connectionRules(client, server, 'REJECT');
  drop.forEach((rule, i) => t.equal(rule.replace(/ -j DROP$/, ''), reject[i]!.replace(/ -m tcp .*$/, '')));
});

/** A context whose target records the scripts it is given. */
function fakeContext(opts: { endpoint: { ip: string; port: number } | null; failing?: boolean }) {
  const scripts: string[] = [];
  const ctx = {
    target: {
      ip: server.ip,
      sh: async (s: string) => {
        scripts.push(s);
        return { exitCode: 0, stdout: '', stderr: '' };
      },
      // cutConnection runs one transaction and reads the clock: `sh -c 'printf … | iptables-restore … && perl …'`.
      exec: async (argv: string[]) => {
        const s = argv.at(-1)!;
        scripts.push(s);
        return opts.failing ? { exitCode: 1, stdout: '', stderr: 'boom' } : { exitCode: 0, stdout: '12345.6', stderr: '' };
      },
    },
    session: { client: { localEndpoint: () => opts.endpoint } },
    state: {},
  } as unknown as SeverContext;
  return { ctx, scripts };
}

t.test('cutConnection inserts both rules and heal deletes every copy of each, once per call', async t => {
  const { ctx, scripts } = fakeContext({ endpoint: client });
  t.equal(await cutConnection(ctx, 'REJECT'), 12345.6, 'returns the target clock read right after the cut');
  t.equal(scripts.length, 1);
  t.match(scripts[0]!, /^printf '\*filter\n-I INPUT [^\n]*\n-I OUTPUT [^\n]*\nCOMMIT\n' \| iptables-restore -w -n && perl /);
  await restoreConnection(ctx);
  t.equal(scripts.length, 3);
  t.match(scripts[1]!, /^while iptables -w -D INPUT .*; do :; done$/);
  t.match(scripts[2]!, /^while iptables -w -D OUTPUT .*; do :; done$/);
  await restoreConnection(ctx);
  t.equal(scripts.length, 3, 'a second heal has nothing left to delete');
});

t.test('a failed insert still leaves heal the rules to remove', async t => {
  const { ctx, scripts } = fakeContext({ endpoint: client, failing: true });
  await t.rejects(cutConnection(ctx, 'DROP'), /iptables-restore failed: boom/);
  await restoreConnection(ctx);
  t.equal(scripts.filter(s => s.startsWith('while')).length, 2);
});

t.test('no client endpoint: nothing is added', async t => {
  const { ctx, scripts } = fakeContext({ endpoint: null });
  await t.rejects(cutConnection(ctx, 'DROP'), /TCP endpoint/);
  t.same(scripts, []);
});
