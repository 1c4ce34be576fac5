// apply() and heal() of the severs, against a fake context that records what they do: the order
// of freezing, cutting and resuming, the polling of the router, and what is refused.
import t from 'tap';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { monoMs, type ClientExit } from '../../harness/session/ssh-client.js';
import groupKill from '../../harness/sever/group-kill.js';
import hangup from '../../harness/sever/hangup.js';
import natExpiry from '../../harness/sever/nat-expiry.js';
import sleep from '../../harness/sever/sleep.js';
import type { SeverContext } from '../../harness/sever/types.js';

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
function fakeContext(o: FakeOptions = {}) {
  const events: string[] = [];
  const checks: { name: string; ok: boolean | null; detail: string }[] = [];
  const t0 = performance.now();
  const ctx = {
    cell: { session: 'pty', launch: 'background', serverAlive: 'off', ...o.cell },
    target: {
      ip: '172.17.0.2',
      sh: async (s: string) => (events.push(`sh ${s}`), { exitCode: 0, stdout: '', stderr: '' }),
      exec: async (argv: string[]) => (events.push(`exec ${argv.join(' ')}`), { exitCode: 0, stdout: '1000.0', stderr: '' }),
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
    pathBroke: () => events.push('pathBroke'),
    sentBy: (pid: number, comm: string) => events.push(`sentBy ${pid} ${comm}`),
  } as unknown as SeverContext;
  return { ctx, events, checks };
}

/** A router whose conntrack table answers from a script: true/false per read, or an error. */
function fakeRouter(answers: (boolean | Error)[], idleTimeoutS = 10) {
  const ports: number[] = [];
  return {
    ports,
    router: {
      idleTimeoutS,
      async hasFlow(port: number) {
        ports.push(port);
        const a = answers.length > 1 ? answers.shift()! : answers[0]!;
        if (a instanceof Error) throw a;
        return a;
      },
    },
  };
}

t.test('sleep: freeze, cut, nap, restore, thaw, then ask the session', async t => {
  const { ctx, events, checks } = fakeContext({ param: 1, roundTrip: true });
  const started = monoMs();
  await sleep.apply(ctx);
  const tookMs = monoMs() - started;
  t.ok(tookMs >= 1000 + 3000, `a 1 s nap plus the 3 s watch on resume (${Math.round(tookMs)} ms)`);
  const kinds = events.map(e => e.replace(/^sh (while iptables -w -D).*$/, '$1').replace(/^exec sh -c printf [\s\S]*iptables-restore[\s\S]*$/, 'iptables-restore'));
  t.same(kinds, [
    'client SIGSTOP',
    'iptables-restore',
    'pathBroke',
    'while iptables -w -D',
    'while iptables -w -D',
    'client SIGCONT',
    'mark client resumed',
    'roundTrip',
    'check nap',
  ]);
  t.same(checks, [{ name: 'nap', ok: true, detail: 'the session answered a round trip after the nap' }]);
});

t.test('sleep: a client that gave up on resume is quoted, and nothing is typed into it', async t => {
  const { ctx, events, checks } = fakeContext({
    param: 1,
    exit: { atMono: monoMs(), exitCode: 255, signal: null },
    lastLines: ['client_loop: send disconnect: Broken pipe'],
  });
  await sleep.apply(ctx);
  t.notOk(events.includes('roundTrip'));
  t.equal(checks[0]!.ok, false);
  t.match(checks[0]!.detail, /^client said "client_loop: send disconnect: Broken pipe" after the nap \(exit 255 at \+-?\d+ ms\)$/);
});

t.test('sleep: an exec session cannot be asked: null, with the reason', async t => {
  const { ctx, checks } = fakeContext({ param: 1, cell: { session: 'exec', launch: 'foreground' } });
  await sleep.apply(ctx);
  t.equal(checks[0]!.ok, null);
  t.match(checks[0]!.detail, /cannot be asked: the session has no shell to answer/);
});

t.test('sleep: a foreground job in a pty holds the terminal: nothing is typed', async t => {
  const { ctx, events, checks } = fakeContext({ param: 1, cell: { launch: 'foreground' } });
  await sleep.apply(ctx);
  t.notOk(events.includes('roundTrip'));
  t.match(checks[0]!.detail, /a foreground job holds the terminal/);
});

t.test('sleep: heal thaws the client and removes the rules, also twice', async t => {
  const { ctx, events } = fakeContext({ param: 1 });
  ctx.state.rules = ['INPUT -p tcp -j DROP'];
  await sleep.heal(ctx);
  await sleep.heal(ctx);
  t.same(events, ['client SIGCONT', 'sh while iptables -w -D INPUT -p tcp -j DROP 2>/dev/null; do :; done', 'client SIGCONT']);
});
t.test('nat-expiry: apply returns at once; the path breaks when the router forgets the flow', async t => {
  const { router, ports } = fakeRouter([true, true, false]);
  const { ctx, events } = fakeContext({ param: 10, router });
  await natExpiry.apply(ctx);
  t.same(events, [], 'nothing is cut by apply');
  await sleepMs(1500);
  t.same(events, ['pathBroke', 'mark the NAT router forgot the flow']);
  t.ok(ports.every(p => p === 50000), "the client's own port is asked for");
  t.equal(ports.length, 3, 'polling stops once the flow is gone');
  await natExpiry.heal(ctx);
  await natExpiry.heal(ctx);
});

t.test('nat-expiry: a flow kept fresh never breaks the path, and heal stops the watch', async t => {
  const { router, ports } = fakeRouter([true]);
  const { ctx, events } = fakeContext({ param: 10, router });
  await natExpiry.apply(ctx);
  await sleepMs(500);
  await natExpiry.heal(ctx);
  const polled = ports.length;
  await sleepMs(500);
  t.equal(ports.length, polled, 'no reads after heal');
  t.same(events, []);
});

t.test('nat-expiry: a failed read is reported once, not retried', async t => {
  const { router, ports } = fakeRouter([true, new Error('container gone')]);
  const { ctx, checks } = fakeContext({ param: 10, router });
  await natExpiry.apply(ctx);
  await sleepMs(1200);
  t.equal(ports.length, 2);
  t.equal(checks.length, 1);
  t.equal(checks[0]!.ok, null);
  t.match(checks[0]!.detail, /container gone/);
  await natExpiry.heal(ctx);
});

t.test('nat-expiry: refuses a cell whose session does not go through a matching router', async t => {
  await t.rejects(natExpiry.apply(fakeContext({ param: 10 }).ctx), /no NAT router|has none/);
  await t.rejects(natExpiry.apply(fakeContext({ param: 10, router: fakeRouter([true], 30).router }).ctx), /after 30 s, but the sever asked for 10 s/);
  await t.rejects(natExpiry.apply(fakeContext({ param: 10, router: fakeRouter([false]).router }).ctx), /no flow from client port 50000/);
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
