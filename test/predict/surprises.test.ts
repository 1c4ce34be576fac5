// The surprises a prediction adds to the inspect report's: a launch under the user's manager without
// linger, a busy session that ClientAlive does not probe on 9.2 and later; each with measured cells.
import t from 'tap';
import { predict } from '../../harness/predict/match.js';
import { probesOnlyWhenIdle } from '../../harness/predict/surprises.js';
import { hostLikeTargets, inspected, measured } from './inputs.js';

const quiet = { workload: ['quiet'], session: null };
const facts = (p: ReturnType<typeof predict>) => p.surprises.map(s => s.fact);

t.test('the releases whose ClientAlive waits for an idle interval', async t => {
  t.same(['openssh 8.4', 'openssh 9.1', 'openssh 9.2', 'openssh 10.0', null, 'dropbear 2022.83'].map(probesOnlyWhenIdle), [false, false, true, true, false, false]);
});

t.test("the inspect report's surprises come first, unchanged", async t => {
  const r = inspected('bookworm-changed-no-sudo');
  const p = predict(r, 'own.json', [measured()], quiet);
  t.same(p.surprises.slice(0, r.surprises.length), r.surprises.map(s => ({ ...s, cells: [] })));
  t.ok(facts(p).includes('logind KillUserProcesses'));
  t.ok(facts(p).includes('sshd ClientAliveCountMax'));
  t.notOk(facts(p).includes('a busy session and ClientAlive'), 'CountMax 0 never ends a session: not a busy-session surprise');
});

t.test('a busy session and ClientAlive: flagged on 9.2 with ClientAlive on, with the cells that measured it', async t => {
  const input = measured();
  const p = predict(hostLikeTargets(), 'own.json', [input], quiet);
  const s = p.surprises.find(x => x.fact === 'a busy session and ClientAlive')!;
  t.ok(s, 'flagged');
  t.match(s.value, /^1\/2 on OpenSSH_9\.2p1$/);
  // Evidence comes from every workload, though the rows are the quiet ones: the two chatty drops.
  const chatty = input.result.cells.filter(c => c.workload === 'chatty' && c.sever === 'drop').map(c => c.id);
  t.same(s.cells.map(c => c.id), chatty);
  t.notOk(facts(predict(inspected(), 'own.json', [measured()], quiet)).includes('a busy session and ClientAlive'), 'ClientAlive off: another surprise (sshd never asks)');
  const old = hostLikeTargets();
  old.fingerprint.serverVersion = 'OpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023';
  t.notOk(facts(predict(old, 'own.json', [measured()], quiet)).includes('a busy session and ClientAlive'), '8.4 probes a busy session');
});

t.test('linger off: each launch of the rows that runs under the user manager is flagged, as its plug-in declares', async t => {
  const input = measured();
  const c = input.result.cells.find(x => x.launch === 'tmux')!;
  input.result.cells.push({ ...structuredClone(c), id: 'run-user', launch: 'systemd-run-user', sever: 'logout', verdict: 'killed', signal: 'SIGTERM' });
  const p = predict(inspected(), 'own.json', [input], quiet);
  const s = p.surprises.filter(x => x.fact.includes(', launch '));
  t.same(s.map(x => [x.fact, x.value, x.cells.map(y => y.id)]), [['linger for alice, launch systemd-run-user', 'off', ['run-user']]]);
  const lingering = inspected();
  lingering.host.linger = 'yes';
  t.same(predict(lingering, 'own.json', [input], quiet).surprises.filter(x => x.fact.includes(', launch ')), [], 'linger on: nothing to flag');
});
