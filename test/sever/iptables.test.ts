import t from 'tap';
import { armCut, connectionRules, fireCut, gatedRule, healCut, restoreConnection } from '../../harness/sever/iptables.js';
import type { SeverContext } from '../../harness/sever/types.js';
import { standIns } from './stand-ins.js';

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

/** A context whose target records the scripts it is given and runs the cutter agent locally, with a stand-in iptables-restore. */
function fakeContext(t: Tap, opts: { endpoint: { ip: string; port: number } | null; rc?: number }) {
  const scripts: string[] = [];
  const s = standIns(t, ['iptables-restore']);
  const ctx = {
    target: {
      // the agent runs locally: its datagrams go to 127.0.0.1
      ip: '127.0.0.1',
      sh: async (script: string) => {
        scripts.push(script);
        return { exitCode: 0, stdout: '', stderr: '' };
      },
      spawnExec: (cmd: string[]) => {
        if (opts.rc) process.env.RC = String(opts.rc);
        try {
          return s.spawnExec(cmd);
        } finally {
          delete process.env.RC;
        }
      },
    },
    session: { client: { localEndpoint: () => opts.endpoint } },
    state: {},
    pathBroke: () => {},
    mark: () => {},
  } as unknown as SeverContext;
  // A failed assertion must not leave an agent (and the test process) running.
  t.teardown(() => healCut(ctx));
  return { ctx, scripts, restores: () => s.log('iptables-restore'), args: () => s.args('iptables-restore'), switchFiles: s.switchFiles, switchText: s.switchText };
}
type Tap = { teardown(fn: () => void | Promise<void>): void };

t.test('gatedRule: the rule acts only while its xt_recent list holds 0.0.0.0 (mask 0: an on/off switch)', async t => {
  t.equal(
    gatedRule(connectionRules(client, server, 'DROP')[0]!, 'hl-1'),
    'INPUT -p tcp -s 172.17.0.1 --sport 50000 -d 172.17.0.2 --dport 22 -m recent --rcheck --name hl-1 --mask 0.0.0.0 --rsource -j DROP',
  );
  t.match(gatedRule(connectionRules(client, server, 'REJECT')[1]!, 'hl-1'), / -m tcp ! --tcp-flags RST RST -m recent --rcheck --name hl-1 --mask 0.0.0.0 --rsource -j REJECT --reject-with tcp-reset$/);
  t.throws(() => gatedRule('INPUT -p tcp', 'hl-1'), /without a target/);
});

t.test('armCut installs both rules behind an open switch in one transaction; fireCut closes the switch; healCut opens it and deletes the rules in one', async t => {
  const { ctx, scripts, restores, args, switchFiles, switchText } = fakeContext(t, { endpoint: client });
  await armCut(ctx, 'REJECT', 60);
  t.match(restores()!, /^\*filter\n-I INPUT [^\n]* -m recent --rcheck --name (hl-[0-9a-f]{12}) [^\n]*\n-I OUTPUT [^\n]* --name \1 [^\n]*\nCOMMIT\n$/, 'installed when armed, both rules on one list');
  t.match(args()!, /^-w -n\n/, 'added to the table, never flushing it');
  const [name] = switchFiles();
  t.match(name, /^hl-[0-9a-f]{12}$/);
  t.equal(switchText(name!), '', 'nothing reaches the connection before the sever: the list is empty');
  const cut = await fireCut(ctx);
  t.ok(cut.atMono >= cut.fromMono, "the agent's clock right after the switch");
  t.equal(switchText(name!), '+0.0.0.0\n', 'on: one write');
  await healCut(ctx);
  t.equal(switchText(`${name}.gone`), '+0.0.0.0\n-0.0.0.0\n', 'off, then the rules deleted');
  t.match(restores()!, /COMMIT\n\*filter\n-D INPUT [^\n]*\n-D OUTPUT [^\n]*\nCOMMIT\n$/);
  await healCut(ctx);
  t.same(scripts, [], 'the agent confirmed: no docker exec needed');
});

t.test('heal before the sever switches nothing on and deletes the rules', async t => {
  const { ctx, scripts, switchFiles, switchText } = fakeContext(t, { endpoint: client });
  await armCut(ctx, 'DROP', 60);
  await healCut(ctx);
  const [gone] = switchFiles();
  t.match(gone, /\.gone$/);
  t.equal(switchText(gone!), '', 'never switched on');
  t.same(scripts, []);
});

t.test('rules that could not be installed: the agent says why, and heal removes whatever is there with a docker exec', async t => {
  const { ctx, scripts } = fakeContext(t, { endpoint: client, rc: 4 });
  await t.rejects(armCut(ctx, 'DROP', 60), /the cutter agent: the setup failed \(exit 4\)/);
  await healCut(ctx);
  t.equal(scripts.filter(s => s.startsWith('while iptables -w -D')).length, 2);
});

t.test('no client endpoint: nothing is armed', async t => {
  const { ctx, restores } = fakeContext(t, { endpoint: null });
  await t.rejects(armCut(ctx, 'DROP', 60), /TCP endpoint/);
  t.notOk(restores());
});

t.test('restoreConnection deletes every copy of each rule, once per call', async t => {
  const { ctx, scripts } = fakeContext(t, { endpoint: client });
  ctx.state.rules = connectionRules(client, server, 'DROP');
  await restoreConnection(ctx);
  t.equal(scripts.length, 2);
  t.match(scripts[0]!, /^while iptables -w -D INPUT .*; do :; done$/);
  await restoreConnection(ctx);
  t.equal(scripts.length, 2, 'a second call has nothing left to delete');
});

t.test('flowRules: a UDP flow is named by the server port alone (the mosh client hops its source port)', async t => {
  const { flowRules } = await import('../../harness/sever/iptables.js');
  t.same(flowRules({ proto: 'udp', serverPort: 60001, client: null }, { ip: '172.17.0.2' }, 'DROP'), [
    'INPUT -p udp -d 172.17.0.2 --dport 60001 -j DROP',
    'OUTPUT -p udp -s 172.17.0.2 --sport 60001 -j DROP',
  ]);
  t.throws(() => flowRules({ proto: 'udp', serverPort: 60001, client: null }, { ip: '172.17.0.2' }, 'REJECT'), /REJECT of a UDP flow/);
  const client = { ip: '172.17.0.1', port: 50000 };
  t.same(flowRules({ proto: 'tcp', serverPort: 22, client }, { ip: '172.17.0.2' }, 'DROP'), connectionRules(client, { ip: '172.17.0.2', port: 22 }, 'DROP'));
});
