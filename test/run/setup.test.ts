// The setup's tries: bounded, recorded, the gate place given back on every path, a systematic
// fault recognised, and what is not setup never tried again. The steps are stand-ins that fail in
// each of the ways a real login fails (the Docker tests run the real ones).
import t from 'tap';
import { InfrastructureError } from '../../harness/core/errors.js';
import { Gate } from '../../harness/run/gate.js';
import { LoginHealth, NotSetup, SetupFailure, SetupGaveUp, normalizeCause, setUp, type SetupSteps } from '../../harness/run/setup.js';

const FAST = { pauseMs: 5 };

/** Steps whose login does `login(attempt, signal)`; the probe starts at once when login resolves. */
function steps(login: (attempt: number) => Promise<string>, log: string[] = []): SetupSteps<string> {
  return {
    prepare: async n => void log.push(`prepare ${n}`),
    login,
    probeStarted: async () => {},
    undo: async (s, n) => void log.push(`undo ${n} ${s ?? '-'}`),
  };
}

t.test('a transient failure is tried again; the tries and why are recorded; the place is free', async t => {
  const gate = new Gate(2);
  const log: string[] = [];
  const r = await setUp(
    steps(async n => {
      if (n < 3) throw new SetupFailure(`timed out after 20000 ms waiting for the login shell prompt (try ${n})`, 'timed out after N ms waiting for the login shell prompt');
      return 'session';
    }, log),
    { gate, ...FAST },
  );
  t.equal(r.session, 'session');
  t.equal(r.attempts, 3);
  t.same(r.failures, ['try 1: timed out after 20000 ms waiting for the login shell prompt (try 1)', 'try 2: timed out after 20000 ms waiting for the login shell prompt (try 2)']);
  t.same(log, ['prepare 1', 'undo 1 -', 'prepare 2', 'undo 2 -', 'prepare 3'], 'each failed try is undone before the next');
  t.equal(gate.busy, 0, 'no place held after the setup (the probe started: the place goes back)');
});

t.test('every try failing: SetupGaveUp with every failure, bounded, the place free', async t => {
  const gate = new Gate(1);
  let tries = 0;
  const err = await setUp(
    steps(async () => {
      tries++;
      throw new SetupFailure('ssh client exited (255) before the probe logged its start: Timeout, server 172.17.0.2 not responding.', 'Timeout, server ADDR not responding.');
    }),
    { gate, ...FAST },
  ).catch(e => e);
  t.ok(err instanceof SetupGaveUp);
  t.equal(tries, 3, 'three tries, no more');
  t.equal((err as SetupGaveUp).attempts, 3);
  t.equal((err as SetupGaveUp).failures.length, 3);
  t.match((err as Error).message, /^the setup failed 3 times; last: ssh client exited/);
  t.equal(gate.busy, 0);
});

t.test('a step that throws something else (a bug, a docker exec error) is not tried again', async t => {
  const gate = new Gate(1);
  let tries = 0;
  const err = await setUp(steps(async () => (tries++, Promise.reject(new Error('docker exec failed')))), { gate, ...FAST }).catch(e => e);
  t.equal(tries, 1);
  t.match((err as Error).message, 'docker exec failed');
  t.equal((err as { setupAttempts?: number }).setupAttempts, 1, 'the tries travel with the error');
  t.equal(gate.busy, 0);
});

t.test('what is not setup (the session ran and ended) is never tried again', async t => {
  const gate = new Gate(1);
  let tries = 0;
  const err = await setUp(
    {
      ...steps(async () => 'session'),
      probeStarted: async () => {
        tries++;
        throw new NotSetup('the probe never logged its start, and the session was already over');
      },
    },
    { gate, ...FAST },
  ).catch(e => e);
  t.ok(err instanceof NotSetup);
  t.equal(tries, 1);
  t.equal(gate.busy, 0);
});

t.test('a step that hangs until the cell is stopped (its budget): the stop ends it, the place is free', async t => {
  const gate = new Gate(1);
  const ac = new AbortController();
  const log: string[] = [];
  const hanging = setUp(
    steps(
      () =>
        new Promise<string>((_, reject) => {
          // as the real steps do: their waits end at the cell's signal
          ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
        }),
      log,
    ),
    { gate, signal: ac.signal, ...FAST },
  );
  await new Promise(r => setTimeout(r, 10));
  t.equal(gate.busy, 1, 'the login holds its place while it runs');
  ac.abort(new Error('the cell did not finish within 12 s'));
  const err = await hanging.catch(e => e);
  t.match((err as Error).message, 'the cell did not finish within 12 s');
  t.equal(gate.busy, 0);
  t.same(log, ['prepare 1', 'undo 1 -'], 'the stopped try is undone, and not tried again');
});

t.test('a cell stopped while waiting in the gate queue leaves it without a place', async t => {
  const gate = new Gate(1);
  const other = await gate.enter();
  const ac = new AbortController();
  const queued = setUp(steps(async () => 'session'), { gate, signal: ac.signal, ...FAST });
  await new Promise(r => setTimeout(r, 10));
  t.equal(gate.queued, 1);
  ac.abort(new Error('the run stopped'));
  await t.rejects(queued, /the run stopped/);
  t.equal(gate.queued, 0);
  other();
  t.equal(gate.busy, 0);
});

t.test('a cell stopped during the pause between tries does not try again', async t => {
  const gate = new Gate(1);
  const ac = new AbortController();
  let tries = 0;
  const r = setUp(
    steps(async () => {
      tries++;
      setTimeout(() => ac.abort(new Error('budget')), 5);
      throw new SetupFailure('timed out after 20000 ms waiting for the login shell prompt', 'timed out after N ms waiting for the login shell prompt');
    }),
    { gate, signal: ac.signal, pauseMs: 200 },
  );
  await t.rejects(r, /budget/);
  t.equal(tries, 1);
  t.equal(gate.busy, 0);
});

t.test('the same refusal three times before any login worked is a systematic fault', async t => {
  const health = new LoginHealth('debian-bookworm clientAlive=1/2');
  const faults: InfrastructureError[] = [];
  health.onFault(f => faults.push(f));
  const gate = new Gate(4);
  const refuse = steps(async () => {
    throw new SetupFailure('ssh client exited (255) before the probe logged its start: hl1a2b3c@172.17.0.3: Permission denied (publickey).', normalizeCause('hl1a2b3c@172.17.0.3: Permission denied (publickey).'));
  });
  // Three cells' first tries, side by side, as a run starts them.
  const results = await Promise.all([1, 2, 3].map(() => setUp(refuse, { gate, health, ...FAST }).catch(e => e)));
  t.equal(faults.length, 1, 'one fault, told once');
  t.ok(faults[0] instanceof InfrastructureError);
  t.equal(
    faults[0]!.message,
    'debian-bookworm clientAlive=1/2: the first 3 logins all failed with "Permission denied (publickey)."; the server refuses the run\'s key: check the sshd settings that decide key logins (sshd.extra or --sshd-config: AuthorizedKeysFile, PubkeyAuthentication, AllowUsers, PubkeyAcceptedAlgorithms) and run `hangup-lab doctor`',
  );
  t.ok(results.some(r => r === faults[0]), 'the try that completed the fault ends with it, not with a retry');
  t.equal(gate.busy, 0);
});

t.test('transient causes never make a fault, and a server that worked once is not systematic', async t => {
  const h1 = new LoginHealth('s1');
  for (let i = 0; i < 5; i++) t.equal(h1.loginFailed('Timeout, server ADDR not responding.'), null);
  const h2 = new LoginHealth('s2');
  h2.loginSucceeded();
  for (let i = 0; i < 5; i++) t.equal(h2.loginFailed('Permission denied (publickey).'), null);
  const h3 = new LoginHealth('s3');
  t.equal(h3.loginFailed('Permission denied (publickey).'), null);
  t.equal(h3.loginFailed('Connection refused'), null);
  t.equal(h3.loginFailed('Permission denied (publickey).'), null, 'not three alike in a row');
  t.equal(h3.loginFailed('Permission denied (publickey).'), null);
  t.ok(h3.loginFailed('Permission denied (publickey).'), 'the third in a row');
  const h4 = new LoginHealth('s4');
  for (let i = 0; i < 2; i++) h4.loginFailed('kex: something new');
  t.match(h4.loginFailed('kex: something new')!.message, /^s4: the first 3 logins all failed with "kex: something new"; every first login of this server failed the same way; run `hangup-lab doctor`/);
});

t.test('causes are the same for every cell: no user, address, port or key path', async t => {
  t.equal(normalizeCause('hl1a2b@172.17.0.3: Permission denied (publickey).'), 'Permission denied (publickey).');
  t.equal(normalizeCause('Timeout, server 172.18.0.5 not responding.'), 'Timeout, server ADDR not responding.');
  t.equal(normalizeCause('ssh: connect to host 172.17.0.2 port 22: Connection refused'), 'ssh: connect to host ADDR port N: Connection refused');
  t.equal(normalizeCause('Load key "/tmp/hangup-lab-1-ab-x/id_ed25519": error in libcrypto'), 'Load key "KEY": error in libcrypto');
});

t.test("a failed try carries what the server says of it; an explanation that fails adds nothing", async t => {
  const asked: string[] = [];
  const refused = (n: number) => new SetupFailure(`hl1a@172.17.0.2: Permission denied (publickey). (try ${n})`, 'Permission denied (publickey).');
  const err = await setUp(
    {
      ...steps(async n => Promise.reject(refused(n))),
      explain: async (f, n) => {
        asked.push(f.causeText);
        if (n === 2) throw new Error('docker exec did not return in time');
        return n === 1 ? 'Invalid user hl1a from 172.17.0.1 port 40000' : null;
      },
    },
    FAST,
  ).catch(e => e);
  t.ok(err instanceof SetupGaveUp);
  t.same(asked, ['Permission denied (publickey).', 'Permission denied (publickey).', 'Permission denied (publickey).'], 'asked once per failed try');
  t.same((err as SetupGaveUp).failures, [
    "try 1: hl1a@172.17.0.2: Permission denied (publickey). (try 1); the server's log: Invalid user hl1a from 172.17.0.1 port 40000",
    'try 2: hl1a@172.17.0.2: Permission denied (publickey). (try 2)',
    'try 3: hl1a@172.17.0.2: Permission denied (publickey). (try 3)',
  ]);
});
