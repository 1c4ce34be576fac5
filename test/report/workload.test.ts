import t from 'tap';
import { html } from '../../harness/report/html.js';
import { markdown } from '../../harness/report/markdown.js';
import { readsText, redirectText, stopsText, treeText } from '../../harness/report/workload.js';
import type { CellResult } from '../../harness/results.js';
import { fixtureCopy } from './fixtures.js';

function withProbe(c: CellResult, probe: Partial<CellResult['probe']>): CellResult {
  return { ...c, probe: { ...c.probe, ...probe } };
}

const STOPPED: Partial<CellResult['probe']> = {
  stdin: '/dev/pts/1',
  stdout: '/dev/pts/1',
  stops: [{ signal: 'SIGTTIN', atMs: -660, code: 128, senderPid: null, senderComm: null, resumedMs: null }],
  stateAtEnd: 'T',
};

t.test('results written before these were recorded say nothing', async t => {
  const c = fixtureCopy().cells[0]!;
  t.same([redirectText(c), readsText(c), stopsText(c)], [null, null, null]);
});

t.test('a stop, with its sender and whether it was still stopped at the end', async t => {
  const c = withProbe(fixtureCopy().cells[0]!, STOPPED);
  t.equal(stopsText(c), 'stopped by SIGTTIN from the kernel (a background job read its terminal) -0.66 s; still stopped (state T) when the window closed');
  const resumed = withProbe(c, { stops: [{ ...STOPPED.stops![0]!, resumedMs: 9 }], stateAtEnd: null });
  t.equal(stopsText(resumed), 'stopped by SIGTTIN from the kernel (a background job read its terminal) -0.66 s, continued +0.01 s');
});

t.test('the reads of stdin and the redirect, in words', async t => {
  const c = withProbe(fixtureCopy().cells[0]!, {
    stdin: '/dev/null',
    stdout: '/home/u/nohup.out',
    redirectedTo: '/home/u/probe-output.log',
    reads: [{ atMs: -620, bytes: null, error: 'EBADF', data: null }, { atMs: 16, bytes: 0, error: null, data: null }],
  });
  t.equal(readsText(c), 'reads of stdin (/dev/null): EBADF -0.62 s, EOF (0 bytes) +0.02 s');
  t.equal(redirectText(c), 'stdout and stderr redirected by the probe to /home/u/probe-output.log (they were /home/u/nohup.out)');
});

t.test("report.md's details and report.html's cell facts show them", async t => {
  const result = fixtureCopy();
  const i = result.cells.findIndex(c => c.verdict === 'survived');
  result.cells[i] = withProbe(result.cells[i]!, { ...STOPPED, reads: [{ atMs: 5, bytes: 0, error: null, data: null }], redirectedTo: '/home/u/probe-output.log' });
  const md = markdown.render(result);
  t.match(md, /survived; stopped by SIGTTIN from the kernel[^\n]*; reads of stdin \(\/dev\/pts\/1\): EOF \(0 bytes\) \+0\.01 s/, 'a stopped survivor gets a detail bullet');
  t.notMatch(md, /redirected by the probe/, "the redirect is the workload's own doing, not news: not in the bullets");
  const page = html.render(result);
  t.match(page, /<th>stdin · stdout<\/th><td><code>\/dev\/pts\/1<\/code> · <code>\/dev\/pts\/1<\/code><\/td>/);
  t.match(page, /<th>output<\/th><td>stdout and stderr redirected by the probe to \/home\/u\/probe-output\.log/);
  t.match(page, /<th>stops<\/th><td>stopped by SIGTTIN/);
  t.match(page, /<th>reads of stdin<\/th><td>reads of stdin \(\/dev\/pts\/1\): EOF/);
});

t.test('the tree: every process in the cell facts; in report.md only when a child was killed or is unknown', async t => {
  const result = fixtureCopy();
  const i = result.cells.findIndex(c => c.verdict === 'killed');
  const parent = { pid: 20, role: 'parent' as const, startedMs: -700, endedMs: 55, fate: 'killed' as const, signal: 'SIGHUP', senderPid: 10, senderComm: 'bash', code: 0, evidence: "the cell's verdict (killed, caught)" };
  const child = { ...parent, pid: 31, role: 'child' as const, endedMs: 45, evidence: 'its log' };
  const exited = { ...child, pid: 30, fate: 'exited' as const, endedMs: 20, signal: null, senderPid: null, senderComm: null, code: null };
  result.cells[i] = withProbe(result.cells[i]!, { tree: [parent, exited, child] });
  t.equal(treeText(result.cells[i]!), 'tree: child 31 killed by SIGHUP from bash (pid 10) resending SIGHUP to its jobs +0.04 s (its log); 1 child exited by itself');
  t.equal(treeText(withProbe(result.cells[i]!, { tree: [parent, exited, { ...exited, pid: 32, fate: 'alive', endedMs: null }] })), null, 'nothing happened to a child');
  t.match(markdown.render(result), /; tree: child 31 killed by SIGHUP/);
  t.match(html.render(result), /<th>process tree<\/th><td><ul><li>parent 20: killed by SIGHUP from bash \(pid 10\)[^<]*<\/li><li>child 30: exited \+0\.02 s<\/li><li>child 31: killed/);
});
