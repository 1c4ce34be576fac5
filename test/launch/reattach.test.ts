import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { afterWindowContext, CELL_USER, FakeClient, fakeTarget, launchContext, UNIT } from './fakes.js';

const PROMPT = '[hl-ready]$ ';
const hb = (n: number) => `hangup-lab probe heartbeat ${n}\r\n`;
/** The probe's log answers every wait with the next heartbeat, starting at `from`. */
const beatingLog = (from: number) => {
  let n = from;
  return (re: RegExp) => (re.test(' hb ') ? `1000.0 hb ${n++}` : null);
};

/** A new session: the prompt at once, and `onAttach` decides what the attach prints. */
const session = (onAttach: (print: (s: string, afterMs?: number) => void) => void) => {
  const client = new FakeClient((line, print) => {
    if (/^(tmux attach|screen -r)/.test(line)) onAttach(print);
  });
  client.print(`Linux target\r\n${PROMPT}`);
  return client;
};

/** What tmux list-clients / screen -ls answer out of band once a client is attached. */
const ATTACHED = `client /dev/pts/3\n\t77.${UNIT}\t(Attached)\n`;

const check = (mode: string, workload: 'chatty' | 'quiet', client: FakeClient | undefined, log = beatingLog(20), listed = ATTACHED, scripts: string[] = []) => {
  const target = fakeTarget(script => {
    scripts.push(script);
    return { exitCode: 0, stdout: listed };
  }).target;
  return launches.get(mode).afterWindow!(afterWindowContext(launchContext({ workload, target }), { client, log }));
};

t.test('chatty: the redraw is the baseline; a newer heartbeat arriving later passes', async t => {
  const client = session(print => {
    print(`\x1b[?1049h${hb(19)}${hb(20)}${hb(21)}`); // the redraw: already newer than the log's 20
    print(hb(22), 150);
  });
  const c = await check('tmux', 'chatty', client);
  t.same(c, { name: 'reattach', ok: true, detail: `"tmux attach -t ${UNIT}" showed heartbeat 21, then 22 arrived live (log was at 20 before the attach)` });
  t.same(client.typed, [`tmux attach -t ${UNIT}`]);
  t.equal(client.killedWith, 'SIGKILL', 'the new client is killed at the end; the server keeps the session');
});

t.test('chatty: a redraw that never advances is unknown at the bound, not a no', { timeout: 30_000 }, async t => {
  const client = session(print => print(`${hb(19)}${hb(20)}${hb(21)}`));
  const c = await check('screen', 'chatty', client);
  t.same(c, { name: 'reattach', ok: null, detail: `"screen -r ${UNIT}" showed heartbeat 21 but nothing newer within 15000 ms and no failure message` });
});

t.test('chatty: an attach that finds no session fails with what it printed', async t => {
  const client = session(print => print(`can't find session: ${UNIT}\r\n${PROMPT}`));
  const c = await check('tmux', 'chatty', client);
  t.same(c, { name: 'reattach', ok: false, detail: `"tmux attach -t ${UNIT}" failed: it printed "can't find session: ${UNIT}"` });
});

t.test('quiet: passes when the tool lists the client as attached and the probe still beats', async t => {
  for (const [mode, command] of [
    ['screen', `screen -ls ${UNIT}`],
    ['tmux', `tmux list-clients -t ${UNIT} -F 'client #{client_name}'`],
  ] as const) {
    const client = session(print => print('\x1b[?1049h\x1b[H\x1b[2J'));
    const scripts: string[] = [];
    const c = await check(mode, 'quiet', client, beatingLog(31), ATTACHED, scripts);
    t.same(c, { name: 'reattach', ok: true, detail: `"${client.typed[0]}" attached ("${command}" lists it); the probe still beats (heartbeat 31)` });
    t.equal(scripts[0], `runuser -u ${CELL_USER} -- ${command} 2>&1`, 'asked as the login user, whose socket it is');
  }
});

t.test('quiet: never listed as attached, and no failure either, is unknown at the bound', { timeout: 30_000 }, async t => {
  const client = session(() => {});
  const c = await check('screen', 'quiet', client, beatingLog(31), `\t77.${UNIT}\t(Detached)\n`);
  t.same(c, {
    name: 'reattach',
    ok: null,
    detail: `"screen -r ${UNIT}" neither failed nor showed as attached within 15000 ms ("screen -ls ${UNIT}" said "77.${UNIT}\t(Detached)")`,
  });
});

t.test('quiet: screen with no such session fails', async t => {
  const client = session(print => print(`There is no screen to be resumed matching ${UNIT}.\r\n${PROMPT}`));
  const c = await check('screen', 'quiet', client);
  t.same(c, { name: 'reattach', ok: false, detail: `"screen -r ${UNIT}" failed: it printed "There is no screen to be resumed matching ${UNIT}."` });
});

t.test('quiet: an attach that returns to the prompt fails and says what it printed', async t => {
  const client = session(print => print(`There are several suitable screens on:\r\n\t1.${UNIT}\t(Detached)\r\n${PROMPT}`));
  const c = await check('screen', 'quiet', client);
  t.match(c, { ok: false, detail: /returned to the shell prompt after printing "There are several suitable screens on: \/ 1\.hl-probe-/ });
});

t.test('quiet: attached, but no heartbeat in the log within its bound, is unknown', async t => {
  const client = session(() => {});
  const c = await check('tmux', 'quiet', client, () => null);
  t.match(c, { ok: null, detail: /attached, but the probe logged no heartbeat within 10000 ms/ });
});

t.test('a new session that cannot be opened leaves the question unanswered', async t => {
  const c = await check('tmux', 'chatty', undefined);
  t.same(c, { name: 'reattach', ok: null, detail: 'could not open a new session (2 tries): connection refused / connection refused' });
});
