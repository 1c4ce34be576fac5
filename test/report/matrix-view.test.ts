import t from 'tap';
import { combos, fixedExtraAxes, networkPathsText, varyingAxes, varyingExtraAxes } from '../../harness/report/axes.js';
import { checkSummaries, notPassing } from '../../harness/report/checks.js';
import { configMismatches, fingerprintsInOrder } from '../../harness/report/fingerprint.js';
import { markdown } from '../../harness/report/markdown.js';
import { matrixViews, slotOutcome, tally, viewTitle } from '../../harness/report/matrix-view.js';
import { terminal } from '../../harness/report/terminal.js';
import type { CellResult, RunResult } from '../../harness/results.js';
import { fixture, fixtureCopy } from './fixtures.js';

t.test('varying and fixed axes come from declared values and cell values together', async (t) => {
  t.same(varyingExtraAxes(fixture), ['user']);
  t.same(varyingAxes(fixture), ['user']);
  t.same(fixedExtraAxes(fixture).map(([a]) => a), [
    'clientAlive',
    'serverAlive',
    'tcpKeepAlive',
    'kernel',
    'killUserProcesses',
    'linger',
    'huponexit',
  ]);
  const result = fixtureCopy();
  result.cells[0]!.huponexit = 'on'; // a value only a cell carries still makes the axis vary
  t.same(varyingExtraAxes(result), ['user', 'huponexit']);
  t.same(combos(result), [
    [['user', 'lab'], ['huponexit', 'off']],
    [['user', 'lab'], ['huponexit', 'on']],
    [['user', 'root'], ['huponexit', 'off']],
    [['user', 'root'], ['huponexit', 'on']],
  ]);
  t.same(
    matrixViews(result, 'debian-bookworm').map((v) => viewTitle(v)),
    [
      'debian-bookworm · user=lab · huponexit=off',
      'debian-bookworm · user=lab · huponexit=on',
      'debian-bookworm · user=root · huponexit=off',
    ],
    'the empty combination (root, on) has no matrix',
  );
});

t.test('one slot per case: repetitions together in rep order, disagreements tallied', async (t) => {
  const [lab] = matrixViews(fixture, 'debian-bookworm');
  const slot = lab!.rows.find((r) => r.key.launch === 'disown')!.slots[lab!.severs.indexOf('drop')]!;
  t.equal(slot.caseId, 'case-drop-disown');
  t.same(slot.cells.map((c) => c.rep), [1, 2, 3]);
  t.same(
    tally(slot, 'short').map(({ text, cells }) => [text, cells.length]),
    [
      ['survived', 2],
      ['killed HUP', 1],
    ],
  );
  t.equal(slotOutcome(slot, 'long'), '2× survived / 1× killed SIGHUP (+5.65 s)');
  t.equal(slotOutcome(slot, 'short'), '2× survived / 1× killed HUP');
  t.equal(slotOutcome(slot, 'compact'), '2×surv/1×HUP');
  t.equal(slotOutcome(undefined, 'long'), '—');
});

t.test('different signals are a disagreement too', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown'))
    Object.assign(c, { verdict: 'killed', signal: c.rep === 2 ? 'SIGTERM' : 'SIGHUP', deathMs: 5_000 + c.rep * 100 });
  const [lab] = matrixViews(result, 'debian-bookworm');
  const slot = lab!.rows.find((r) => r.key.launch === 'disown')!.slots[lab!.severs.indexOf('drop')];
  t.equal(slotOutcome(slot, 'short'), '2× killed HUP / 1× killed TERM');
  t.equal(slotOutcome(slot, 'long'), '2× killed SIGHUP (+5.10 s … +5.30 s) / 1× killed SIGTERM (+5.20 s)');
});

t.test('times that print the same are not shown as a spread', async (t) => {
  const result = fixtureCopy();
  for (const c of result.cells.filter((c) => c.caseId === 'case-drop-disown'))
    Object.assign(c, { verdict: 'killed', signal: 'SIGHUP', deathMs: 5_000 + c.rep });
  const [lab] = matrixViews(result, 'debian-bookworm');
  const slot = lab!.rows.find((r) => r.key.launch === 'disown')!.slots[lab!.severs.indexOf('drop')];
  t.equal(slotOutcome(slot, 'long'), '3× killed SIGHUP (+5.00 s)');
});

t.test('network paths: one named plainly, several with counts', async (t) => {
  t.same(networkPathsText(fixture), ['network paths', 'direct (15 cells), nat (1 cell)']);
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.networkPath === 'direct');
  t.same(networkPathsText(result), ['network path', 'direct']);
  t.equal(networkPathsText({ ...result, cells: [] }), null);
});

t.test('checks: counted per name, failed before unknown', async (t) => {
  const result = fixtureCopy();
  const tmux = result.cells.find((c) => c.id === 'd6e7f809')!;
  tmux.checks.unshift({ name: 'nap', ok: null, detail: 'no answer', atMs: null });
  t.same(
    checkSummaries(result).map((s) => [s.name, s.passed, s.failed, s.unknown]),
    [
      ['nap', 0, 0, 1],
      ['reattach', 1, 1, 0],
    ],
  );
  t.same(notPassing([tmux]).map((c) => c.name), ['reattach', 'nap']);
});

/** Two servers: ClientAlive 1/2 and off, so the matrix splits and the latency table has a dash. */
function twoServers(): RunResult {
  const result = fixtureCopy();
  const off = structuredClone(result.targets[0]!);
  off.key = 'debian-bookworm|clientAlive=off|tcpKeepAlive=yes|kernel=default|killUserProcesses=no';
  off.config.clientAlive = 'off';
  off.sshdEffective.clientaliveinterval = '0';
  off.sshdEffective.clientalivecountmax = '3';
  result.targets.unshift(off); // written out of order on purpose
  result.axes.clientAlive = ['1/2', 'off'];
  const drop = result.cells.find((c) => c.id === 'a1000001')!;
  const c: CellResult = {
    ...structuredClone(drop),
    id: 'off00001',
    caseId: 'case-off-drop',
    clientAlive: 'off',
    server: off.key,
    sessionEndedMs: null,
    verdict: 'session-open',
    reason: 'sshd-session was still running when the 20 s window closed',
  };
  result.cells.push(c);
  return result;
}

t.test('one fingerprint per server config, in a stable order, each checked against sshd -T', async (t) => {
  const result = twoServers();
  t.same(fingerprintsInOrder(result).map((f) => f.config.clientAlive), ['1/2', 'off']);
  for (const fp of result.targets) t.same(configMismatches(fp), [], fp.key);
  const term = terminal.render(result);
  t.match(term, '\nserver debian-bookworm: OpenSSH_9.2p1 Debian-2+deb12u7 · clientAlive 1/2 ·');
  t.match(term, '\nserver debian-bookworm: OpenSSH_9.2p1 Debian-2+deb12u7 · clientAlive off ·');
  t.match(term, '\ndebian-bookworm · user=lab · clientAlive=off\n');
  const md = markdown.render(result);
  t.match(md, '### Matrix: user=lab · clientAlive=off\n');
  t.match(md, '### debian-bookworm · clientAlive=off · tcpKeepAlive=yes');
  t.match(md, '| pty / disown / quiet × drop · user=lab | off | 3/2 | 1 | — | 1 | — | 9.10 s | 0 | 6 s / 9 s |');
  t.match(md, 'server: no detection in any of 1 repetition (ClientAlive off); client: 9.10 s median of 1');
});

t.test('values only cells carry come after the declared ones, in a stable order', async (t) => {
  const result = fixtureCopy();
  for (const [id, sever] of [['3c4d5e6f', 'zap'], ['4d5e6f70', 'hangup']] as const)
    Object.assign(result.cells.find((c) => c.id === id)!, { sever, caseId: `case-${sever}` });
  const reversed = structuredClone(result);
  reversed.cells.reverse();
  for (const r of [result, reversed])
    t.same(matrixViews(r, 'debian-bookworm')[0]!.severs, ['logout', 'client-kill', 'drop', 'nat-expiry:10', 'hangup', 'zap']);
});
