// Determinism of the default matrix: `run --repeat 5` runs each of its cases five times, and no case
// may come out differently between its repetitions (no flaky case). When one does, the failure
// message names every flaky case with its axes, its verdict counts and what each repetition saw
// (verdict, signal, sender, when the session ended and the probe died, the reason), so the cause
// can be hunted from the CI log alone. Takes about 5 minutes on 2 cores.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { countsText } from '../../harness/expect/flaky.js';
import { scenarioCells } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';
import { AXIS_NAMES, type CellResult, type RunResult } from '../../harness/results.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/hangup-lab.js');
const scenarioFile = path.join(root, 'scenarios/default.yaml');
const REPEAT = 5;

// 640 cells: about 5 minutes on a quiet machine, but over tap's 20 minutes per file (package.json)
// when stress-ng loads both cores beside the rest of the suite. Loaded, the run is slow, not wrong:
// this file asks for 45 minutes, still a bound.
t.setTimeout(45 * 60_000);

/** The CLI as a user runs it; stopped with SIGTERM (the harness then cleans up) if the test ends first. */
function run(t: Test, args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const ms = (v: number | null) => (v === null ? '—' : `${(v / 1000).toFixed(2)} s`);

/** One repetition, with everything that could tell it from the others. */
function repLine(c: CellResult): string {
  const sender = c.signalSender ? ` from ${c.signalSender.comm ?? '?'} (pid ${c.signalSender.pid ?? '?'}, code ${c.signalSender.code ?? '?'})` : '';
  return (
    `    rep ${c.rep} ${c.id}: ${c.verdict}${c.signal ? ` ${c.signal}${sender}` : ''}; session ended ${ms(c.sessionEndedMs)}, ` +
    `probe died ${ms(c.deathMs)}, client exit ${ms(c.clientEnd?.exitMs ?? null)}; window ${c.window.endedBecause}; ${c.reason}`
  );
}

/** Every case of the list with its axes, its counts and each repetition. */
function describe(result: RunResult, list: { caseId: string; cellIds: string[] }[], counts: (i: number) => string): string {
  const byId = new Map(result.cells.map((c) => [c.id, c]));
  return list
    .map((entry, i) => {
      const reps = entry.cellIds.map((id) => byId.get(id)!).filter(Boolean);
      const axes = AXIS_NAMES.map((a) => `${a}=${reps[0]![a]}`).join(' ');
      return [`  case ${entry.caseId}: ${counts(i)}`, `    ${axes}`, ...reps.map(repLine)].join('\n');
    })
    .join('\n');
}

t.test(`the default matrix, every case ${REPEAT} times: no flaky case`, async (t) => {
  const dir = t.testdir({});
  const out = path.join(dir, 'out');
  const r = await run(t, ['run', '--scenario', scenarioFile, '--repeat', String(REPEAT), '--out', out, '--progress', 'log']);
  const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
  const resultsFile = path.join(out, 'results.json');
  if (!fs.existsSync(resultsFile)) {
    t.fail(`no results.json (exit ${r.status}): ${tail}`);
    return;
  }
  const result = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as RunResult;

  // The count from the plan: 128 cases × 5, unless a case's own latency repeats are more.
  const planned = scenarioCells(loadScenario(scenarioFile), REPEAT);
  t.equal(result.repeat, REPEAT);
  t.equal(result.plan.length, planned.length, `the plan: ${planned.length} cells`);
  t.same(result.plan, planned.map((c) => c.id), 'every repetition in the plan, in order');
  t.equal(result.cells.length, planned.length, `every repetition ran (${planned.length} cells)`);
  const perCase = new Map<string, number>();
  for (const c of result.cells) perCase.set(c.caseId, (perCase.get(c.caseId) ?? 0) + 1);
  t.ok([...perCase.values()].every((n) => n >= REPEAT), `every one of ${perCase.size} cases ran at least ${REPEAT} times`);

  const inconclusive = result.cells.filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length) t.comment(`inconclusive cells: ${inconclusive.map((c) => `${c.id}: ${c.reason}`).join(' | ')}`);
  if (result.signalVaries.length) {
    t.comment(`signal varies (not failing):\n${describe(result, result.signalVaries, (i) => countsText(result.signalVaries[i]!.signals))}`);
  }
  // The message names every flaky case with its counts; the `flaky` diagnostic (YAML, one line per
  // repetition) has the axes and what each repetition saw.
  const details = describe(result, result.flaky, (i) => countsText(result.flaky[i]!.verdicts));
  t.same(
    result.flaky.map((f) => f.caseId),
    [],
    `no flaky case; ${result.flaky.length} found${result.flaky.map((f) => ` · ${f.caseId}: ${countsText(f.verdicts)}`).join('')}`,
    { flaky: details },
  );
  const failing = result.cells.some((c) => c.expectations.some((o) => o.status === 'failed' || (result.strict && o.status === 'unjudged')));
  t.equal(r.status, result.flaky.length || failing ? 1 : 0, `the exit code follows from the results: ${tail}`);
});
