// Probes that die at birth, observed by the kernel: a real target (systemd, logind, sshd), the real
// OpenSSH client running `ssh -tt host 'cmd &'` and `'nohup cmd &'` as two users at once, and the
// host's ftrace recording what the container's processes did. The assertions are about what this
// run observed: the trace's story must agree with the probe's own log (no start line ⇔ the process
// died; a start line ⇔ it was exec'd and alive), and a death must carry its signal and sender.
// Not cell.ts: this tests the witness alone.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { launches } from '../../harness/launch/registry.js';
import { explainUnbornProbe } from '../../harness/observe/birth-story.js';
import { startBirthTrace } from '../../harness/observe/birth-trace.js';
import { probeCommand, probeLogPath } from '../../harness/probe/command.js';
import { runAllCleanups, self } from '../../harness/core/cleanup.js';
import { makeRunKey } from '../../harness/run/run-key.js';
import { SshClient } from '../../harness/session/ssh-client.js';
import { startPlainTarget } from '../fixtures/target.js';

const target = await startPlainTarget(t, 'birthtest', 'birth-trace.test.ts');

t.test("ssh -tt host 'cmd &' and 'nohup cmd &': what started, what killed it, who sent it", async t => {
  const dir = t.testdir({});
  const key = await makeRunKey(dir, 'birthtest');
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, `${target.hostKeyAlias} ${target.hostKey}\n`);
  const cells = [
    { launch: 'background', user: 'hlbirthbg' },
    { launch: 'nohup', user: 'hlbirthnohup' },
  ];
  await target.addUsers(cells.map(c => c.user), key.publicKey);

  // Side by side, as cells of one container run: each trace must pick out its own user's login.
  const runs = await Promise.all(
    cells.map(async c => {
      const trace = await startBirthTrace({ target, user: c.user });
      const probe = probeCommand(c.user, 'quiet');
      const line = launches.get(c.launch).line({ probe, user: 'lab' } as Parameters<ReturnType<typeof launches.get>['line']>[0]);
      const client = new SshClient({ host: target.ip, user: c.user, keyFile: key.keyFile, knownHostsFile, hostKeyAlias: target.hostKeyAlias, serverAlive: 'off' }, { remotePty: true, command: line });
      const exit = await client.exited;
      return { ...c, trace, exit, client };
    }),
  );
  for (const r of runs) {
    // The launched process ends within moments of the session's end (or lives on): wait for the
    // trace to show one or the other, bounded; the probe's log is read after that.
    await r.trace.settled(10_000);
    const story = await r.trace.stop();
    const log = (await target.sh(`cat ${probeLogPath(r.user)} 2>/dev/null`)).stdout;
    const started = / start /.test(log);
    t.test(`${r.launch} (${r.user})`, async t => {
      t.equal(r.exit.exitCode, 0, `the remote command returned: ${r.client.lastLines(1).join('')}`);
      if (!story || 'unavailable' in story) return t.fail(`no story: ${JSON.stringify(story)}`);
      t.equal(story.shell.execs[0]?.filename, '/bin/bash', 'the login shell ran the line');
      t.ok(story.launched, 'the line started a process');
      const v = explainUnbornProbe(story, { t0Mono: r.exit.atMono });
      t.comment(`${r.launch}: probe log ${started ? 'has its start' : 'is empty'}; ${v.verdict}: ${v.reason}`);
      if (started) {
        // The race went the probe's way: the trace must say it was exec'd and alive.
        t.match(story.fate, { kind: 'alive', reachedProbe: true });
        return;
      }
      t.equal(story.fate.kind, 'killed', 'no start line: the trace shows how it died');
      if (story.fate.kind !== 'killed') return;
      t.equal(story.fate.signal.signal, 'SIGHUP');
      t.equal(story.fate.signal.code, 128, 'SI_KERNEL: the kernel sent it, no process called kill');
      t.equal(story.fate.signal.senderPid, story.shell.pid, "in the login shell's context");
      t.ok(story.fate.signal.senderExited, 'as the shell (the session leader) exited: the terminal hangup');
      t.equal(story.launched?.childCode, 2, 'CLD_KILLED: its parent was told it was killed');
      t.match(v, { verdict: 'killed', signal: 'SIGHUP', signalEvidence: 'kernel trace', signalSender: { comm: 'bash', code: 128 } });
    });
  }
  t.test('nothing left behind: no ftrace instance, no private tracefs mount', async t => {
    const tracefsMounts = () => fs.readFileSync('/proc/mounts', 'utf8').split('\n').map(l => l.split(' ')).filter(f => f[2] === 'tracefs').map(f => f[1]!);
    for (const m of tracefsMounts()) {
      const left = fs.readdirSync(path.join(m, 'instances')).filter(n => n.startsWith(`hangup-lab-${self.pid}.`));
      t.same(left, [], `${m}: stop() removed this process's instances`);
    }
    // A private mount (when the host had none) is kept for the run and goes with the run's undos.
    await runAllCleanups();
    // This process's own: other test files' runs (each with its kernel witness) mount theirs meanwhile.
    t.same(tracefsMounts().filter(m => m.includes(`hangup-lab-tracefs-${self.pid}.`)), [], 'no private tracefs mount of ours after the undos');
  });
});
