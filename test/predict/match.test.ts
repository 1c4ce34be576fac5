// Matching an inspected host against measured cells, on a real inspect report and 13 real cells
// (inputs.ts); each test changes a copy to make the case it names.
import t from 'tap';
import { differences, measuredCells, predict, type ResultsInput } from '../../harness/predict/match.js';
import { predictionSchema, type PredictionRow } from '../../harness/predict/schema.js';
import type { CellResult } from '../../harness/results.js';
import { hostLikeTargets, inspected, measured } from './inputs.js';

const quiet = { workload: ['quiet'], session: null };
const rowOf = (rows: readonly PredictionRow[], session: string, launch: string, sever: string) =>
  rows.find(r => r.session === session && r.launch === launch && r.sever === sever)!;
const cellOf = (input: ResultsInput, session: string, launch: string, workload: string, sever: string) =>
  input.result.cells.find(c => c.session === session && c.launch === launch && c.workload === workload && c.sever === sever)!;
/** A second measurement of a cell, with its own id and what `change` sets. */
const again = (c: CellResult, id: string, change: Partial<CellResult>): CellResult => ({ ...structuredClone(c), id, ...change });

t.test('stock bookworm: logout and client-kill rows are predicted, drop rows differ in ClientAlive only', async t => {
  const input = measured();
  const p = predictionSchema.parse(predict(inspected(), 'own.json', [input], quiet));
  t.equal(p.rows.length, 11, 'one row per measured session × launch × sever of the quiet workload');
  const fgKill = rowOf(p.rows, 'pty', 'foreground', 'client-kill');
  t.equal(fgKill.status, 'predicted');
  t.same(fgKill.outcomes, [{ verdict: 'killed', signal: 'SIGHUP', count: 1, cells: [{ file: 'bookworm-results.json', id: cellOf(input, 'pty', 'foreground', 'quiet', 'client-kill').id }] }]);
  // A closed connection is noticed at once: the keepalive settings do not decide it, so they are not among the matched facts.
  t.same(fgKill.matched.map(m => m.fact), ['server release', 'login user', 'session manager', 'KillUserProcesses', 'linger', 'huponexit', 'ssh unit KillMode']);
  t.equal(rowOf(p.rows, 'pty', 'background', 'logout').outcomes[0]!.verdict, 'survived');
  t.equal(rowOf(p.rows, 'exec', 'background', 'logout').outcomes[0]!.verdict, 'session-open');
  const drop = rowOf(p.rows, 'pty', 'nohup', 'drop');
  t.equal(drop.status, 'no-match');
  t.same(drop.outcomes, []);
  t.same(drop.nearest, { cells: 1, differences: 1 });
  t.same(drop.differs.map(d => [d.fact, d.host, d.measured]), [['ClientAlive', 'off', ['1/2']]]);
});

t.test("a host with the targets' ClientAlive: drop rows are predicted too, ClientAlive among the matched facts", async t => {
  const p = predict(hostLikeTargets(), 'own.json', [measured()], quiet);
  t.ok(p.rows.every(r => r.status === 'predicted'));
  const drop = rowOf(p.rows, 'pty', 'foreground', 'drop');
  t.same([drop.outcomes[0]!.verdict, drop.outcomes[0]!.signal], ['killed', 'SIGHUP']);
  t.match(drop.matched, [{}, {}, {}, {}, {}, {}, {}, { fact: 'ClientAlive', value: '1/2' }, { fact: 'TCPKeepAlive', value: 'yes' }, { fact: 'kernel TCP timers', value: 'default' }]);
});

t.test('matching cells that disagree are shown with their counts; none is picked', async t => {
  const input = measured();
  const c = cellOf(input, 'pty', 'background', 'quiet', 'client-kill');
  input.result.cells.push(again(c, 'again-1', { verdict: 'survived', signal: null }), again(c, 'again-2', { rep: 3 }));
  const row = rowOf(predict(inspected(), 'own.json', [input], quiet).rows, 'pty', 'background', 'client-kill');
  t.equal(row.status, 'disagree');
  t.same(row.outcomes.map(o => [o.verdict, o.signal, o.count, o.cells.map(x => x.id)]), [
    ['killed', 'SIGHUP', 2, [c.id, 'again-2']],
    ['survived', null, 1, ['again-1']],
  ]);
});

t.test('a fact inspect could not read matches nothing, and the row says which', async t => {
  const r = inspected();
  r.host.linger = 'unknown';
  const p = predict(r, 'own.json', [measured()], quiet);
  t.ok(p.rows.every(x => x.status === 'no-match'));
  t.same(rowOf(p.rows, 'pty', 'foreground', 'client-kill').differs.map(d => [d.fact, d.host, d.measured]), [['linger', 'unknown', ['off']]]);
  t.same(p.deciding.find(d => d.fact === 'linger'), { fact: 'linger', value: 'unknown', why: p.deciding.find(d => d.fact === 'linger')!.why });
});

t.test('a systemd host whose PAM stack could not be read has an unknown session manager', async t => {
  const r = inspected();
  r.host.pamSystemd.present = 'unknown';
  const d = differences(r, measuredCells([measured()], quiet)[0]!);
  t.same(d.map(x => [x.fact, x.host]), [['session manager', 'unknown']]);
});

t.test("another login shell than bash (huponexit n/a) matches no cell: the targets' shell is bash", async t => {
  const r = inspected();
  r.host.shell.huponexit = 'n/a';
  t.ok(predict(r, 'own.json', [measured()], quiet).rows.every(x => x.status === 'no-match' && x.differs.some(d => d.fact === 'huponexit')));
});

t.test("huponexit on matches the cells whose huponexit axis is on, and only those", async t => {
  const input = measured();
  const c = cellOf(input, 'pty', 'background', 'quiet', 'logout');
  input.result.cells.push(again(c, 'hup-on', { huponexit: 'on', verdict: 'killed', signal: 'SIGHUP' }));
  const r = inspected();
  r.host.shell.huponexit = 'on';
  const p = predict(r, 'own.json', [input], quiet);
  const row = rowOf(p.rows, 'pty', 'background', 'logout');
  t.equal(row.status, 'predicted');
  t.same(row.outcomes.map(o => [o.verdict, o.signal, o.cells.map(x => x.id)]), [['killed', 'SIGHUP', ['hup-on']]]);
  t.equal(rowOf(p.rows, 'pty', 'foreground', 'client-kill').status, 'no-match');
});

t.test('a cell whose target fingerprint predates `manager` does not match: not recorded is not systemd', async t => {
  const input = measured();
  delete input.result.targets[0]!.manager;
  const row = rowOf(predict(inspected(), 'own.json', [input], quiet).rows, 'pty', 'tmux', 'client-kill');
  t.same(row.differs.map(d => [d.fact, d.measured]), [['session manager', ['not recorded']]]);
});

t.test('nearest cells: the ones with the fewest differences, their differing values gathered', async t => {
  const input = measured();
  const c = cellOf(input, 'pty', 'tmux', 'quiet', 'client-kill');
  input.result.cells.push(again(c, 'root-1', { user: 'root', linger: 'on' }), again(c, 'root-2', { user: 'root' }));
  const r = inspected();
  r.host.user = { name: 'root', uid: '0' };
  r.host.linger = 'yes';
  const row = rowOf(predict(r, 'own.json', [input], quiet).rows, 'pty', 'tmux', 'client-kill');
  t.equal(row.status, 'predicted', 'root-1 matches every fact');
  t.same(row.outcomes[0]!.cells.map(x => x.id), ['root-1']);
  r.host.linger = 'unknown';
  const none = rowOf(predict(r, 'own.json', [input], quiet).rows, 'pty', 'tmux', 'client-kill');
  t.same(none.nearest, { cells: 2, differences: 1 }, 'root-1 and root-2 each differ in linger only; the lab cell in two facts');
  t.same(none.differs.map(d => [d.fact, d.measured]), [['linger', ['on', 'off']]]);
});

t.test('filters: --session and --workload pick the rows; several workloads are rows of their own', async t => {
  const exec = predict(inspected(), 'own.json', [measured()], { workload: ['quiet'], session: ['exec'] });
  t.same(exec.rows.map(r => `${r.launch} ${r.sever}`), ['foreground client-kill', 'background logout']);
  const both = predict(hostLikeTargets(), 'own.json', [measured()], { workload: ['quiet', 'chatty'], session: ['pty'] });
  t.same(both.rows.filter(r => r.workload === 'chatty').map(r => [r.launch, r.sever, r.outcomes[0]!.verdict]), [
    ['background', 'drop', 'session-open'],
    ['foreground', 'drop', 'session-open'],
  ]);
  t.same(predict(inspected(), 'own.json', [measured()], { workload: ['tree'], session: null }).rows, []);
});

t.test('several results files: cells of each count, each named by its file', async t => {
  const a = measured();
  const b = { ...measured(), file: 'other/results.json' };
  const p = predict(inspected(), 'own.json', [a, b], quiet);
  t.same(p.results.map(r => [r.file, r.cells]), [['bookworm-results.json', 13], ['other/results.json', 13]]);
  const row = rowOf(p.rows, 'pty', 'foreground', 'client-kill');
  t.same(row.outcomes[0]!.cells.map(c => c.file), ['bookworm-results.json', 'other/results.json']);
  t.equal(row.outcomes[0]!.count, 2);
});
