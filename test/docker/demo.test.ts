// `hangup-lab demo` through the real CLI for representative launch × sever pairs, side by side
// (each demo has a container of its own): the narration must show the tree before, the sever,
// the verdict and a why-paragraph naming the mechanism that was observed, and the .cast must parse.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseCast } from '../../harness/demo/cast.js';
import type { RunResult } from '../../harness/results.js';

const bin = path.resolve(import.meta.dirname, '../../bin/hangup-lab.js');

function demo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const p = spawn(process.execPath, [bin, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

// The mechanism each pair showed in the faults matrix (FINDINGS.md, "The fault model"); a
// different one is a finding.
const pairs: { name: string; args: string[]; verdict: RegExp; why: RegExp }[] = [
  { name: 'nohup × client-kill', args: ['--launch', 'nohup', '--sever', 'client-kill'], verdict: /Verdict: SURVIVED/, why: /Why \(nohup ignoring SIGHUP\)/ },
  { name: 'foreground × client-kill', args: ['--launch', 'foreground', '--sever', 'client-kill'], verdict: /Verdict: KILLED by SIGHUP/, why: /Why \((bash resending SIGHUP to its jobs|tty hangup by the kernel)\)/ },
  { name: 'tmux × drop', args: ['--launch', 'tmux', '--sever', 'drop'], verdict: /Verdict: SURVIVED/, why: /Why \(tmux\/screen\/dtach detaching; keepalive arithmetic\)/ },
  { name: 'systemd-run-user × logout', args: ['--launch', 'systemd-run-user', '--sever', 'logout'], verdict: /Verdict: KILLED by SIGTERM/, why: /Why \(the user manager stopping\)/ },
  { name: 'exec background × sshd-kill', args: ['--session', 'exec', '--launch', 'background', '--sever', 'sshd-kill'], verdict: /Verdict: SURVIVED/, why: /Why \(no terminal, so nobody sends SIGHUP\)/ },
  { name: 'exec tmux × client-kill', args: ['--session', 'exec', '--launch', 'tmux', '--sever', 'client-kill'], verdict: /Verdict: NOT-APPLICABLE/, why: /Why \(a sever that does not apply\)/ },
];

const dir = t.testdir({});
const runs = await Promise.all(pairs.map((p, i) => demo([...p.args, '--out', path.join(dir, String(i))])));

for (const [i, p] of pairs.entries()) {
  t.test(p.name, async t => {
    const r = runs[i]!;
    t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr.slice(-400)})`);
    const notApplicable = /NOT-APPLICABLE/.test(r.stdout);
    if (!notApplicable) {
      t.match(r.stdout, /before   the user's processes \(tree by parent pid\):\n.*\d+ .*\[[A-Z]s?\+?, sid \d+, pgid \d+, /, 'the tree before the sever');
      t.match(r.stdout, /◀ the probe/, 'the probe is marked in the tree');
      t.match(r.stdout, /\[ \+0\.000 s\] SEVER    /, 'the moment of the sever');
      t.match(r.stdout, /window   closed: /, 'the end of the watch, then the tree after');
    }
    t.match(r.stdout, p.verdict);
    t.match(r.stdout, p.why);
    const out = path.join(dir, String(i));
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
    t.equal(result.cells.length, 1);
    const c = result.cells[0]!;
    t.ok(c.recording, 'results.json keeps the recording');
    const cast = parseCast(fs.readFileSync(path.join(out, `${c.id}.cast`), 'utf8'));
    t.equal(cast.header.width, 160);
    t.equal(cast.events.length, c.recording!.events.length, 'the cast holds every recorded event');
    if (c.session === 'pty') t.ok(cast.events.some(e => e[1] === 'i'), 'what was typed is in the cast');
    t.ok(fs.existsSync(path.join(out, 'report.md')));
  });
}
// How long the demos take is a benchmark's question (npm run bench), not a test's: a timed test
// fails on a loaded machine without anything being wrong (145 s here at load 45).
