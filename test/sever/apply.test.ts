// apply() and heal() of the severs, against a fake context that records what they do: the order
// of freezing, cutting and resuming, the polling of the router, and what is refused.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { monoMs, type ClientExit } from '../../harness/session/ssh-client.js';
import groupKill from '../../harness/sever/group-kill.js';
import hangup from '../../harness/sever/hangup.js';
import natExpiry from '../../harness/sever/nat-expiry.js';
import sleep, { napLength } from '../../harness/sever/sleep.js';
import type { SeverContext } from '../../harness/sever/types.js';
import { standIns } from './stand-ins.js';

interface FakeOptions {
  cell?: Record<string, unknown>;
  param?: number | null;
  router?: unknown;
  /** the client has exited already, with this */
  exit?: ClientExit;
  roundTrip?: boolean | null;
  lastLines?: string[];
  loginUser?: string;
  probe?: { pid: number; pgid: number };
}

/**
 * A SeverContext whose target, client and session only record what a sever does to them, in one
 * ordered list: the order of freezing, cutting and resuming is part of what is tested.
 */
function fakeContext(o: FakeOptions = {}, t?: { teardown(fn: () => void): void }) {
  const events: string[] = [];
  const agent = t ? standIns(t, ['iptables-restore']) : null;
  const checks: { name: string; ok: boolean | null; detail: string }[] = [];
  const t0 = performance.now();
  const ctx = {
    cell: { session: 'pty', launch: 'background', serverAlive: 'off', ...o.cell },
    target: {
      // the agent runs locally: its datagrams go to 127.0.0.1
      ip: '127.0.0.1',
      sh: async (s: string) => (events.push(`sh ${s}`), { exitCode: 0, stdout: '', stderr: '' }),
      exec: async (argv: string[]) => (events.push(`exec ${argv.join(' ')}`), { exitCode: 0, stdout: '1000.0', stderr: '' }),
      spawnExec: (cmd: string[]) => agent!.spawnExec(cmd),
    },
    session: {
      client: {
        pid: 4242,
        kill: (sig: string) => events.push(`client ${sig}`),
        localEndpoint: () => ({ ip: '172.17.0.1', port: 50000 }),
        exited: o.exit ? Promise.resolve(o.exit) : new Promise<ClientExit>(() => {}),
        lastLines: () => o.lastLines ?? [],
      },
      logout: async () => {},
      roundTrip: async () => (events.push('roundTrip'), o.roundTrip ?? null),
    },
    sshdSession: null,
    probe: { pid: 777, pgid: 770, ...o.probe },
    loginUser: o.loginUser ?? 'hlabc',
    param: o.param ?? null,
    router: o.router ?? null,
    state: {},
    sinceSever: () => performance.now() - t0,
    mark: (e: string) => events.push(`mark ${e}`),
    check: (c: { name: string; ok: boolean | null; detail: string }) => (events.push(`check ${c.name}`), checks.push(c)),
    pathBroke: (at?: number) => events.push(at === undefined ? 'pathBroke' : 'pathBroke at'),
    sentBy: (pid: number, comm: string) => events.push(`sentBy ${pid} ${comm}`),
  } as unknown as SeverContext;
  // A failed assertion must not leave an agent (and the test process) running.
  if (t) t.teardown(async () => void (await (ctx.state.cutter as { close(): Promise<void> } | undefined)?.close()));
  return { ctx, events, checks, agent };
}

/**
 * A router whose conntrack table is a local file (the flow's line is there until `forget()`), and
 * whose timeout is set by a stand-in program the agent runs: the agent itself runs for real.
 */
function fakeRouter(t: { teardown(fn: () => void): void }, o: { hasFlow?: boolean; idleTimeoutS?: number; updated?: number } = {}) {
  const agent = standIns(t, []);
  const table = path.join(agent.dir, 'nf_conntrack');
  fs.writeFileSync(table, 'ipv4     2 tcp      6 431999 ESTABLISHED src=172.17.0.1 dst=172.17.0.3 sport=50000 dport=22 src=172.17.0.2\n');
  const ports: number[] = [];
  return {
    ports,
    agent,
    forget: () => fs.writeFileSync(table, ''),
    router: {
      ip: '127.0.0.1',
      idleTimeoutS: o.idleTimeoutS ?? 10,
      async hasFlow(port: number) {
        ports.push(port);
        return o.hasFlow ?? true;
      },
      spawnExec: (cmd: string[]) => agent.spawnExec(cmd),
      expiryPlan: (client: { port: number }) => ({ do: { argv: ['sh', '-c', `read go && echo "timeout $go for ${client.port}" >> ${agent.dir}/set.log && echo "${o.updated ?? 1} flow entries have been updated."`], input: 'go\n' } }),
      flowLine: (port: number) => ({ file: table, pattern: `^ipv4 +2 +tcp .* sport=${port} dport=22 ` }),
    },
  };
}

t.test('sleep: freeze, cut, nap, the agent lifts the cut, thaw, then ask the session', async t => {
  const { ctx, events, checks, agent } = fakeContext({ param: 1, roundTrip: true }, t);
  await sleep.prepare!(ctx);
  t.same(events, [], 'prepare only arms the agent');
  t.match(agent!.log('iptables-restore')!, /^\*filter\n-I INPUT [^\n]*\n-I OUTPUT [^\n]*\nCOMMIT\n$/, 'the rules are in, behind their switch');
  t.equal(agent!.switchText(agent!.switchFiles()[0]!), '', 'and the switch is off');
  const started = monoMs();
  await sleep.apply(ctx);
  const tookMs = monoMs() - started;
  t.ok(tookMs >= 1000 + 3000, `a 1 s nap plus the 3 s watch on resume (${Math.round(tookMs)} ms)`);
  const delays = (e: string) =>
    e
      .replace(/^mark the cutter agent had the line -?\d+ ms after it was sent, the cut was on \d+ ms later$/, "mark the sever's delay")
      .replace(/^mark the cutter agent lifted the cut -?\d+ ms after its deadline, in \d+ ms$/, "mark the uncut's delay");
  // (The agent runs locally here: there is no target CPU share to move it out of.)
  t.same(events.filter(e => !/^mark the cutter agent ran in the target's CPU share: the target names no container$/.test(e)).map(delays), [
    'client SIGSTOP',
    'mark client frozen (SIGSTOP)',
    "mark the sever's delay",
    'pathBroke at',
    "mark the uncut's delay",
    'client SIGCONT',
    'mark client resumed',
    'check nap-length',
    'roundTrip',
    'check nap',
  ]);
  t.equal(agent!.switchText(agent!.switchFiles()[0]!), '+0.0.0.0\n-0.0.0.0\n', 'cut and lifted by the agent, no docker exec');
  t.match(checks[0]!, { name: 'nap-length', detail: /^asked 1000 ms: the client frozen \d+ ms, the path cut \d+ ms, back \d+ ms before the client thawed/ });
  t.same(checks[1], { name: 'nap', ok: true, detail: 'the session answered a round trip after the nap' });
  await sleep.heal(ctx);
});

t.test('napLength: within 100 ms of the asked nap, the network back before the thaw', async t => {
  const n = { askedMs: 2000, frozenAt: 1000, thawedAt: 3010, cutAt: 1004, uncutAt: 2990 };
  t.same(napLength(n), { ok: true, detail: 'asked 2000 ms: the client frozen 2010 ms, the path cut 1986 ms, back 20 ms before the client thawed (cut +4 ms after the freeze)' });
  t.equal(napLength({ ...n, thawedAt: 4300, uncutAt: 4290 }).ok, false, 'a nap 1.3 s too long is not the asked one');
  t.equal(napLength({ ...n, uncutAt: 3020 }).ok, false, 'the client thawed before the network was back');
  t.match(napLength({ ...n, uncutAt: null }), { ok: false, detail: /the agent did not say when/ });
});

t.test('sleep: a client that gave up on resume is quoted, and nothing is typed into it', async t => {
  const { ctx, events, checks } = fakeContext({
    param: 1,
    exit: { atMono: monoMs(), exitCode: 255, signal: null },
    lastLines: ['client_loop: send disconnect: Broken pipe'],
  }, t);
  await sleep.prepare!(ctx);
  await sleep.apply(ctx);
  await sleep.heal(ctx);
  t.notOk(events.includes('roundTrip'));
  t.equal(checks[1]!.ok, false);
  t.match(checks[1]!.detail, /^client said "client_loop: send disconnect: Broken pipe" after the nap \(exit 255 at \+-?\d+ ms\)$/);
});

t.test('sleep: an exec session cannot be asked: null, with the reason', async t => {
  const { ctx, checks } = fakeContext({ param: 1, cell: { session: 'exec', launch: 'foreground' } }, t);
  await sleep.prepare!(ctx);
  await sleep.apply(ctx);
  await sleep.heal(ctx);
  t.equal(checks[1]!.ok, null);
  t.match(checks[1]!.detail, /cannot be asked: the session has no shell to answer/);
});

t.test('sleep: a foreground job in a pty holds the terminal: nothing is typed', async t => {
  const { ctx, events, checks } = fakeContext({ param: 1, cell: { launch: 'foreground' } }, t);
  await sleep.prepare!(ctx);
  await sleep.apply(ctx);
  await sleep.heal(ctx);
  t.notOk(events.includes('roundTrip'));
  t.match(checks[1]!.detail, /a foreground job holds the terminal/);
});

t.test('sleep: heal thaws the client and removes rules that were never confirmed gone, also twice', async t => {
  const { ctx, events } = fakeContext({ param: 1 });
  ctx.state.rules = ['INPUT -p tcp -j DROP'];
  ctx.state.fired = true;
  await sleep.heal(ctx);
  await sleep.heal(ctx);
  t.same(events, ['client SIGCONT', 'sh while iptables -w -D INPUT -p tcp -j DROP 2>/dev/null; do :; done', 'client SIGCONT']);
});

t.test('nat-expiry: the timeout is set at the sever, not before; the path breaks when the router forgets the flow', async t => {
  const r = fakeRouter(t);
  const { ctx, events } = fakeContext({ param: 10, router: r.router });
  await natExpiry.prepare!(ctx);
  t.notOk(r.agent.read('set.log'), 'prepare changes nothing on the router');
  t.same(r.ports, [50000], "the client's own flow is there before the sever");
  await natExpiry.apply(ctx);
  t.equal(r.agent.read('set.log'), 'timeout go for 50000\n');
  t.match(events, [/^mark the NAT router's idle timeout became 10 s \(\+-?\d+ ms\)$/]);
  await sleepMs(300);
  t.equal(events.length, 1, 'the flow is still there');
  r.forget();
  await sleepMs(1000);
  t.same(events.slice(1), ['pathBroke at', 'mark the NAT router forgot the flow']);
  await natExpiry.heal(ctx);
  await natExpiry.heal(ctx);
});

t.test('nat-expiry: a flow kept fresh never breaks the path, and heal stops the watch', async t => {
  const r = fakeRouter(t);
  const { ctx, events } = fakeContext({ param: 10, router: r.router });
  await natExpiry.prepare!(ctx);
  await natExpiry.apply(ctx);
  await sleepMs(300);
  await natExpiry.heal(ctx);
  r.forget();
  await sleepMs(300);
  t.equal(events.length, 1, 'only the timeout being set');
});

t.test('nat-expiry: a flow gone before the timeout could be set is an error, not an expiry', async t => {
  const r = fakeRouter(t, { updated: 0 });
  const { ctx } = fakeContext({ param: 10, router: r.router });
  await natExpiry.prepare!(ctx);
  await t.rejects(natExpiry.apply(ctx), /had no flow from client port 50000/);
  await natExpiry.heal(ctx);
});

t.test('nat-expiry: refuses a cell whose session does not go through a matching router', async t => {
  await t.rejects(natExpiry.prepare!(fakeContext({ param: 10 }).ctx), /no NAT router|has none/);
  await t.rejects(natExpiry.prepare!(fakeContext({ param: 10, router: fakeRouter(t, { idleTimeoutS: 30 }).router }).ctx), /after 30 s, but the sever asked for 10 s/);
  await t.rejects(natExpiry.prepare!(fakeContext({ param: 10, router: fakeRouter(t, { hasFlow: false }).router }).ctx), /no flow from client port 50000/);
  await t.rejects(natExpiry.apply(fakeContext({ param: 10, router: fakeRouter(t).router }).ctx), /not armed/);
});

t.test('hangup signals the probe, group-kill its process group, as the login user', async t => {
  const a = fakeContext({ loginUser: 'hlxyz' });
  await hangup.apply(a.ctx);
  // The exec'ing shell prints its pid (the fake exec prints 1000): that pid is named as the sender.
  t.same(a.events, ['exec sh -c echo $$; exec "$@" sh setpriv --reuid=hlxyz --regid=hlxyz --init-groups -- /bin/kill -s HUP -- 777', 'sentBy 1000 kill']);
  const b = fakeContext();
  await groupKill.apply(b.ctx);
  t.same(b.events, ['exec sh -c echo $$; exec "$@" sh setpriv --reuid=hlabc --regid=hlabc --init-groups -- /bin/kill -s TERM -- -770', 'sentBy 1000 kill']);
});

t.test('never kill(-1) or kill(0): a group id of 0 or 1 is refused before anything runs', async t => {
  for (const pgid of [0, 1, NaN]) {
    const { ctx, events } = fakeContext({ probe: { pid: 777, pgid } });
    await t.rejects(groupKill.apply(ctx), /refusing/);
    t.same(events, []);
  }
});
