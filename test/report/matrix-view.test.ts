import t from 'tap';
import { combos, fixedExtraAxes, networkPathsText, pathKind, splitAxes, varyingAxes, varyingExtraAxes } from '../../harness/report/axes.js';
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
    'server',
    'client',
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
  t.equal(pathKind('NAT: host → router container 172.17.0.6 (timeout 4 s) → target'), 'NAT');
  t.equal(pathKind('direct'), 'direct');
  const result = fixtureCopy();
  result.cells = result.cells.filter((c) => c.networkPath === 'direct');
  t.same(networkPathsText(result), ['network path', 'direct']);
  t.equal(networkPathsText({ ...result, cells: [] }), null);
});

t.test('splitAxes: the axes that vary among some cells, and the common value of the rest', async (t) => {
  const lab = fixture.cells.filter((c) => c.user === 'lab');
  t.same(splitAxes(lab, ['user', 'workload', 'sever']), { varying: ['sever'], common: [['user', 'lab'], ['workload', 'quiet']] });
  t.same(splitAxes(fixture.cells, ['user']), { varying: ['user'], common: [] });
  t.same(splitAxes([], ['user']), { varying: [], common: [] });
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
    serverKey: off.key,
    sessionEndedMs: null,
    verdict: 'session-open',
    reason: 'sshd-session was still running when the 20 s window closed',
  };
  const rep2: CellResult = { ...structuredClone(c), id: 'off00002', rep: 2, clientEnd: { ...c.clientEnd!, exitMs: 9_300 } };
  result.cells.push(c, rep2);
  return result;
}

t.test('one fingerprint per server config, in a stable order, each checked against sshd -T', async (t) => {
  const result = twoServers();
  t.same(fingerprintsInOrder(result).map((f) => f.config.clientAlive), ['1/2', 'off']);
  for (const fp of result.targets) t.same(configMismatches(fp), [], fp.key);
  const term = terminal.render(result);
  t.match(term, '\nservers debian-bookworm: OpenSSH_9.2p1 Debian-2+deb12u7 · 2 configurations varying clientAlive\n', 'one line for both');
  t.notMatch(term, '\n  ! ');
  t.match(term, '\ndebian-bookworm · user=lab · clientAlive=off\n');
  const md = markdown.render(result);
  t.match(md, '### Matrix: user=lab · clientAlive=off\n');
  t.match(md, '### debian-bookworm · clientAlive=off · tcpKeepAlive=yes');
  t.match(md, '| pty / disown / quiet × drop | off | 3/2 | 2 | 2 | — | 2 | — | 9.10 / 9.20 / 9.30 s | 0 | 6 s / 9 s |');
  t.match(md, 'server: no detection in any of 2 repetitions (ClientAlive off); client: 9.20 s median of 2');

  // A mismatch under the grouped line names the configuration it belongs to.
  result.targets.find((fp) => fp.config.clientAlive === 'off')!.sshdEffective.tcpkeepalive = 'no';
  t.match(terminal.render(result), '2 configurations varying clientAlive\n  ! clientAlive=off: tcpKeepAlive is yes, but sshd -T says tcpkeepalive no\n');
});

t.test('several servers: what they share is one block, each keeps what tells it apart', async (t) => {
  const servers = markdown.render(twoServers()).split('\n## Servers\n')[1]!.split('\n## Legend')[0]!;
  const common = servers.split('\n### debian-bookworm')[0]!;
  t.match(common, '### Common to all 2 servers\n');
  t.match(common, '| Image | hangup-lab/debian-bookworm:latest |');
  t.match(common, '```\ntcpkeepalive yes\nusepam yes\n```');
  t.notMatch(common, '| Key |');
  t.notMatch(common, 'clientaliveinterval');
  const own = servers.slice(common.length);
  t.notMatch(own, '| Image |', 'not repeated per server');
  t.match(own, '| Key | debian-bookworm\\|clientAlive=off');
  t.match(own, 'Effective `sshd -T` lines of its own:\n\n```\nclientaliveinterval 0\nclientalivecountmax 3\n```');
});

t.test('config checks accept each source\'s spelling of yes/no and of numbers', async (t) => {
  const fp = structuredClone(fixture.targets[0]!);
  fp.logind.KillUserProcesses = 'false';
  fp.sshdEffective.tcpkeepalive = 'yes';
  t.same(configMismatches(fp), [], 'logind says false for no');
  fp.config.killUserProcesses = 'yes';
  fp.logind.KillUserProcesses = 'true';
  t.same(configMismatches(fp), []);
  fp.logind.KillUserProcesses = 'false';
  t.same(configMismatches(fp), ['killUserProcesses is yes, but logind says KillUserProcesses=false']);
  fp.logind.KillUserProcesses = 'maybe';
  t.same(configMismatches(fp), ['killUserProcesses is yes, but logind says KillUserProcesses=maybe'], 'an odd value is still reported');
  fp.logind.KillUserProcesses = 'YES';
  fp.sshdEffective.tcpkeepalive = 'no';
  t.same(configMismatches(fp), ['tcpKeepAlive is yes, but sshd -T says tcpkeepalive no']);
  fp.sshdEffective.tcpkeepalive = 'yes';
  fp.config.kernel = 'tcp_keepalive_time=3,tcp_retries2=3';
  fp.sysctls['net.ipv4.tcp_keepalive_time'] = ' 3\n';
  fp.sysctls['net.ipv4.tcp_retries2'] = '03';
  t.same(configMismatches(fp), [], 'whitespace and leading zeros');
  fp.sysctls['net.ipv4.tcp_retries2'] = '15';
  t.same(configMismatches(fp), ['kernel asks tcp_retries2=3, but the server has net.ipv4.tcp_retries2=15']);
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
