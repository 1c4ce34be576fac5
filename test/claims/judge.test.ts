import path from 'node:path';
import fs from 'node:fs';
import t from 'tap';
import { confirmsIn, conditionText, judgeClaim, judgeClaims, type Claim } from '../../harness/claims/judge.js';
import { loadScenario } from '../../harness/scenario/load.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import type { CellResult } from '../../harness/results.js';
import { fixtureCopy } from '../report/fixtures.js';

const cells = () => fixtureCopy().cells;
const claim = (o: Partial<Claim>): Claim => ({ id: 'x-1', article: 'x.txt', claim: 'c', where: {}, confirms: {}, explain: '', ...o });
const byId = (cs: CellResult[], id: string) => cs.find(c => c.id === id)!;

t.test('confirmsIn: every criterion that is set must hold', async t => {
  const c = structuredClone(cells()[0]!);
  Object.assign(c, { verdict: 'killed', signal: 'SIGHUP', signalSender: { pid: 9, comm: 'bash', code: 0 }, sessionEndedMs: 40, pathBrokeMs: 0 });
  c.clientEnd = { exitMs: 4500, exitCode: 255, exitSignal: null, lastLines: [] };
  c.checks = [{ name: 'reattach', ok: true, detail: '', atMs: 1 }];
  t.ok(confirmsIn(c, {}));
  t.ok(confirmsIn(c, { verdict: ['killed'], signal: 'SIGHUP', sender: '^bash$', sessionEnded: true, clientExited: true, pathBroke: true }));
  t.ok(confirmsIn(c, { clientNoticedS: [4, 5], checks: { reattach: true } }));
  t.notOk(confirmsIn(c, { verdict: ['survived'] }));
  t.notOk(confirmsIn(c, { signal: 'SIGTERM' }));
  t.notOk(confirmsIn(c, { sender: '^sshd' }));
  t.notOk(confirmsIn(c, { sessionEnded: false }));
  t.notOk(confirmsIn(c, { clientNoticedS: [40, 60] }));
  t.notOk(confirmsIn(c, { checks: { reattach: false } }));
  t.notOk(confirmsIn(c, { checks: { restart: true } }), 'a check that was never asked does not confirm');
  c.pathBrokeMs = null;
  t.notOk(confirmsIn(c, { clientNoticedS: [0, 100] }), 'no break, no notice time');
});

t.test('verdicts: all, none, some, or nothing judged', async t => {
  const cs = cells();
  const judged = cs.filter(c => c.verdict !== 'inconclusive' && c.verdict !== 'not-applicable');
  const all = judgeClaim(claim({ confirms: {} }), cs);
  t.equal(all.verdict, 'CONFIRMED');
  t.equal(all.confirming.length, judged.length);
  t.same(all.unjudged.sort(), cs.filter(c => !judged.includes(c)).map(c => c.id).sort(), 'inconclusive and n/a are listed, not counted');
  t.equal(judgeClaim(claim({ confirms: { verdict: ['exited'] } }), cs.filter(c => c.verdict !== 'exited')).verdict, 'REFUTED');
  const mixed = judgeClaim(claim({ confirms: { verdict: ['survived'] } }), cs);
  t.equal(mixed.verdict, 'CONDITIONAL');
  t.ok(mixed.confirming.length > 0 && mixed.contradicting.length > 0);
  t.equal(judgeClaim(claim({ where: { launch: ['screen'] } }), cs).verdict, 'UNDECIDED');
  const onlyInconclusive = cs.filter(c => c.verdict === 'inconclusive');
  if (onlyInconclusive.length) t.match(judgeClaim(claim({}), onlyInconclusive), { verdict: 'UNDECIDED', condition: 'no evidence cell could be judged' });
});

t.test('condition: one separating axis is named with its values', async t => {
  const base = cells()[0]!;
  const mk = (session: string, workload: 'quiet' | 'chatty', id: string) => ({ ...structuredClone(base), id, session, workload });
  const yes = [mk('pty', 'quiet', 'a'), mk('pty', 'chatty', 'b')];
  const no = [mk('exec', 'quiet', 'c'), mk('exec', 'chatty', 'd')];
  t.equal(conditionText(yes, no), 'true only when session is pty');
  t.equal(conditionText(yes, no, t => t), 'true only when session is pty');
  // Only a pair separates: pty+quiet and exec+chatty confirm.
  const yes2 = [mk('pty', 'quiet', 'a'), mk('exec', 'chatty', 'd')];
  const no2 = [mk('pty', 'chatty', 'b'), mk('exec', 'quiet', 'c')];
  t.match(conditionText(yes2, no2), /^true only for session=pty \+ workload=quiet; session=exec \+ workload=chatty$/);
  // Three of four combinations confirm: the one that does not is the shorter statement.
  const yes3 = [mk('pty', 'quiet', 'a'), mk('pty', 'chatty', 'b'), mk('exec', 'chatty', 'd')];
  t.equal(conditionText(yes3, [mk('exec', 'quiet', 'c')]), 'false only for session=exec + workload=quiet');
  // Targets are described (with their OpenSSH release in real runs).
  const tY = [{ ...mk('pty', 'quiet', 'e'), target: 'debian-bullseye' }];
  const tN = [{ ...mk('pty', 'quiet', 'f'), target: 'debian-bookworm' }];
  t.equal(conditionText(tY, tN, t => `${t} (OpenSSH_8.4p1)`), 'true only when target is debian-bullseye (OpenSSH_8.4p1)');
});

t.test('judgeClaims reads the claims of a result; none without', async t => {
  const r = fixtureCopy();
  t.same(judgeClaims(r), []);
  r.claims = { article: 'x.txt', title: 'x', claims: [claim({ id: 'x-1' }), claim({ id: 'x-2', confirms: { verdict: ['killed'] } })], untestable: [] };
  t.same(judgeClaims(r).map(o => o.claim.id), ['x-1', 'x-2']);
  void byId;
});

t.test('every claims file loads, names its article, and every claim selects cells', async t => {
  const dir = path.resolve(import.meta.dirname, '../../scenarios/claims');
  const seeds = ['002_8027dd048f35e669.txt', '003_5e8ac5f5d113daab.txt', '004_b21d367cf3fb87de.txt'];
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort();
  t.same(files.map(f => f.replace('.yaml', '.txt')), seeds, 'one file per source article, named after it');
  for (const f of files) {
    const s = loadScenario(path.join(dir, f));
    t.equal(s.claims!.article, f.replace('.yaml', '.txt'));
    t.ok(s.claims!.claims.length >= 4, `${f}: ${s.claims!.claims.length} claims`);
    const ids = s.claims!.claims.map(c => c.id);
    t.equal(new Set(ids).size, ids.length, 'claim ids are unique');
    t.ok(ids.every(id => id.startsWith(f.slice(0, 3) + '-')), 'ids start with the article number');
    t.ok(scenarioCells(s).length > 0);
  }
});

t.test('repetitions: a case counts once when its runs agree, as a rate when they disagree', async t => {
  const base = cells()[0]!;
  const run = (caseId: string, session: string, rep: number, verdict: CellResult['verdict']): CellResult => ({
    ...structuredClone(base),
    id: `${caseId}-${rep}`,
    caseId,
    session,
    rep,
    verdict,
  });
  const c = claim({ confirms: { verdict: ['killed'] } });
  const agree = [run('p', 'pty', 1, 'killed'), run('p', 'pty', 2, 'killed'), run('e', 'exec', 1, 'killed')];
  t.match(judgeClaim(c, agree), { verdict: 'CONFIRMED', condition: 'all 2 judged cells (3 runs)', rates: [] });
  const none = agree.map(x => ({ ...x, verdict: 'survived' as const }));
  t.match(judgeClaim(c, none), { verdict: 'REFUTED', condition: 'none of 2 judged cells (3 runs)' });
  // An inconclusive run is no observation: it neither confirms nor disagrees.
  t.match(judgeClaim(c, [...agree, run('p', 'pty', 3, 'inconclusive')]), { verdict: 'CONFIRMED', unjudged: ['p-3'] });
  // One run of pty disagrees: never CONFIRMED on the others.
  const mixed = [...agree, run('p', 'pty', 3, 'survived')];
  const o = judgeClaim(c, mixed);
  t.equal(o.verdict, 'CONDITIONAL');
  t.equal(o.condition, 'confirmed in 2 of 3 runs of session=pty; every run of the other 1 judged cells confirms');
  t.same(o.rates, [{ caseId: 'p', confirmed: 2, runs: 3, cellIds: ['p-1', 'p-2', 'p-3'] }]);
  // …nor REFUTED: the other side refutes, one run confirmed.
  t.match(judgeClaim(c, [run('p', 'pty', 1, 'survived'), run('p', 'pty', 2, 'killed'), run('e', 'exec', 1, 'survived')]), {
    verdict: 'CONDITIONAL',
    condition: 'confirmed in 1 of 2 runs of session=pty; no run of the other 1 judged cells does',
  });
  // Consistent cases on both sides too: the axis condition follows the rate.
  const three = [run('p', 'pty', 1, 'killed'), run('p', 'pty', 2, 'survived'), run('e', 'exec', 1, 'killed'), run('x', 'exec-tty', 1, 'survived')];
  t.equal(judgeClaim(c, three).condition, 'confirmed in 1 of 2 runs of session=pty; otherwise true only when session is exec');
});

t.test('a check that went unanswered is no evidence either way: the cell is unjudged, not contradicting', async t => {
  const base = cells()[0]!;
  const run = (id: string, ok: boolean | null, verdict: CellResult['verdict'] = 'survived'): CellResult => ({
    ...structuredClone(base),
    id,
    caseId: `case-${id}`,
    verdict,
    checks: ok === undefined ? [] : [{ name: 'reattach', ok, detail: '', atMs: 1 }],
  });
  const c = claim({ confirms: { verdict: ['survived'], checks: { reattach: true } } });
  const o = judgeClaim(c, [run('a', true), run('b', null), run('d', true)]);
  t.match(o, { verdict: 'CONFIRMED', confirming: ['a', 'd'], contradicting: [], unjudged: ['b'] });
  // Answered "no" is evidence; a killed probe contradicts whatever its (unasked) check.
  t.match(judgeClaim(c, [run('a', true), run('b', false)]), { verdict: 'CONDITIONAL', contradicting: ['b'] });
  t.match(judgeClaim(c, [run('a', true), { ...run('k', null, 'killed'), checks: [] }]), { verdict: 'CONDITIONAL', contradicting: ['k'] });
  t.match(judgeClaim(c, [run('a', true), { ...run('n', null), checks: [] }]), { verdict: 'CONFIRMED', unjudged: ['n'] }, 'never asked although it survived');
});

t.test('probeState: the probe in the last snapshot as ps shows it; old results without tpgid are unjudged', async t => {
  const base = cells()[0]!;
  const probe = (tpgid: number | undefined, pgid = 190) => ({ ...structuredClone(base.before[0]!), pid: 190, pgid, sid: 181, state: 'S', ttyNr: 34816, ...(tpgid === undefined ? {} : { tpgid }) });
  const run = (id: string, after: CellResult['after']): CellResult => ({ ...structuredClone(base), id, caseId: `case-${id}`, verdict: 'session-open', probe: { ...base.probe, pid: 190 }, after });
  const c = claim({ confirms: { probeState: '[SR]\\+' } });
  t.ok(confirmsIn(run('f', [probe(190)]), c.confirms), 'foreground: S+');
  t.notOk(confirmsIn(run('b', [probe(181)]), c.confirms), 'background: S');
  t.ok(confirmsIn(run('r', [{ ...probe(190), state: 'R' }]), c.confirms), 'runnable at that instant: R+, matched by the class');
  t.notOk(confirmsIn(run('t', [{ ...probe(190), state: 'T' }]), c.confirms), 'stopped: T+');
  t.notOk(confirmsIn(run('s', [probe(190)]), { probeState: 'S' }), 'the pattern matches the whole STAT: S is not S+');
  t.notOk(confirmsIn(run('g', []), c.confirms), 'gone by the window\'s end');
  t.match(judgeClaim(c, [run('f', [probe(190)]), run('o', [probe(undefined)])]), { verdict: 'CONFIRMED', confirming: ['f'], unjudged: ['o'] });
  t.match(judgeClaim(c, [run('f', [probe(190)]), run('b', [probe(181)])]), { verdict: 'CONDITIONAL', contradicting: ['b'] });
});

t.test("childrenKilled: a tree's children, none of unknown fate for \"none killed\"; outputFailed: the probe's failed writes", async t => {
  const base = cells()[0]!;
  const child = (pid: number, fate: 'alive' | 'exited' | 'killed' | 'unknown') => ({ pid, role: 'child' as const, startedMs: -500, endedMs: fate === 'alive' ? null : 400, fate, signal: fate === 'killed' ? 'SIGHUP' : null, senderPid: null, senderComm: null, code: null, evidence: 'its log' });
  const run = (id: string, tree: ReturnType<typeof child>[] | undefined, stdoutErrors: string[] = []): CellResult => ({ ...structuredClone(base), id, caseId: `case-${id}`, verdict: 'survived', probe: { ...base.probe, stdoutErrors, ...(tree ? { tree } : {}) } });
  const none = claim({ confirms: { verdict: ['survived'], childrenKilled: false } });
  t.ok(confirmsIn(run('a', [child(1, 'exited'), child(2, 'alive')]), none.confirms), 'each exited by itself or lived on');
  t.notOk(confirmsIn(run('k', [child(1, 'exited'), child(2, 'killed')]), none.confirms), 'one killed');
  t.notOk(confirmsIn(run('u', [child(1, 'exited'), child(2, 'unknown')]), none.confirms), 'one nobody saw end');
  t.notOk(confirmsIn(run('p', undefined), none.confirms), 'a probe that starts no children is no evidence');
  t.match(judgeClaim(none, [run('a', [child(1, 'alive')]), run('u', [child(2, 'unknown')])]), { verdict: 'CONFIRMED', confirming: ['a'], unjudged: ['u'] });
  t.match(judgeClaim(none, [run('a', [child(1, 'alive')]), run('k', [child(2, 'killed'), child(3, 'unknown')])]), { verdict: 'CONDITIONAL', contradicting: ['k'] }, 'a killed child decides, whatever the others');
  const clean = claim({ confirms: { outputFailed: false } });
  t.ok(confirmsIn(run('c', undefined), clean.confirms));
  t.notOk(confirmsIn(run('e', undefined, ['EIO']), clean.confirms));
  const toFile = claim({ confirms: { stdout: '/nohup\\.out$' } });
  t.ok(confirmsIn({ ...run('n', undefined), probe: { ...base.probe, stdout: '/home/hl1/nohup.out' } }, toFile.confirms), "nohup's file");
  t.notOk(confirmsIn({ ...run('x', undefined), probe: { ...base.probe, stdout: 'pipe:[123]' } }, toFile.confirms), 'an exec channel\'s pipe, left as it was');
  const unnamed = { ...run('o', undefined), probe: { ...base.probe, stdout: null } };
  t.notOk(confirmsIn(unnamed, toFile.confirms), 'not recorded: no evidence');
  t.match(judgeClaim(toFile, [{ ...run('n', undefined), probe: { ...base.probe, stdout: '/home/hl1/nohup.out' } }, unnamed]), { verdict: 'CONFIRMED', unjudged: ['o'] }, 'and not evidence against');
});
