// The kernel's witness of a probe's death, against real probes in a real target: a SIGKILL (which
// the probe cannot log) is named with its sender, a caught SIGHUP shows as the handler's re-raise,
// and a probe's own exit gives its status (the probe runs as root through docker exec there: the
// witness looks only at the kernel's events, whoever started the process). Then a real cell, whose
// probe this test SIGKILLs at the sever, is judged from the trace through the run's own wiring.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { pidNamespaceOf } from '../../harness/core/proc-identity.js';
import { startDeathWitness } from '../../harness/observe/death-witness.js';
import { PROBE_BIN } from '../../harness/probe/command.js';
import { runMatrix } from '../../harness/run/matrix.js';
import { loadScenario } from '../../harness/scenario/load.js';
import { monoMs } from '../../harness/session/ssh-client.js';
import { startPlainTarget } from '../fixtures/target.js';

t.test('the witness names what ended a probe that could not log it', async t => {
  const target = await startPlainTarget(t, 'witness', 'death-witness.test.ts');
  const witness = await startDeathWitness();
  t.teardown(() => witness.close());

  /** A probe in the background of a shell that stays (so the probe is not a zombie of a gone parent). */
  const startProbe = async (name: string, maxSeconds = 3600) => {
    const r = await target.sh(`${PROBE_BIN} /tmp/${name}.log quiet ${maxSeconds} >/dev/null 2>&1 </dev/null & echo $!; sleep 0.5; cut -d' ' -f22 /proc/$!/stat`);
    const [pid, start] = r.stdout.trim().split('\n').map(s => s.trim());
    return { pid: Number(pid), startTime: start! };
  };
  const gone = async (pid: number) => {
    for (let i = 0; i < 100; i++) {
      if ((await target.sh(`test -d /proc/${pid} && ! grep -q '^State:.*Z' /proc/${pid}/status`)).exitCode !== 0) return;
      await sleep(100);
    }
    throw new Error(`pid ${pid} did not end`);
  };

  await t.test('SIGKILL: named, with kill as its sender', async t => {
    const p = await startProbe('kill9');
    const host = await witness.locate(target.id, p.pid, p.startTime);
    t.type(host, 'number', `host pid found: ${JSON.stringify(host)}`);
    const from = monoMs();
    await target.sh(`/bin/kill -KILL ${p.pid}`);
    await gone(p.pid);
    const k = await witness.explain(host as number, from - 1000, monoMs() + 1000);
    t.match(k, { kind: 'signal', reraised: false, hostPid: host, signal: { signal: 'SIGKILL', senderComm: 'kill', code: 0, result: 'delivered' } });
  });

  await t.test('a caught SIGHUP: the handler re-raised it; the sender is the first, not the probe', async t => {
    const p = await startProbe('hup');
    const host = (await witness.locate(target.id, p.pid, p.startTime)) as number;
    const from = monoMs();
    await target.sh(`/bin/kill -HUP ${p.pid}`);
    await gone(p.pid);
    const k = await witness.explain(host, from - 1000, monoMs() + 1000);
    t.match(k, { kind: 'signal', reraised: true, signal: { signal: 'SIGHUP', senderComm: 'kill' } });
    t.match((await target.sh('cat /tmp/hup.log')).stdout, / sig HUP code=0 /, 'and the probe did log it here');
  });

  await t.test('an exit of its own: the status', async t => {
    const p = await startProbe('exit', 1);
    const host = (await witness.locate(target.id, p.pid, p.startTime)) as number;
    const from = monoMs();
    await gone(p.pid);
    t.match(await witness.explain(host, from - 2000, monoMs() + 1000), { kind: 'exit', code: 0, hostPid: host });
  });

  await t.test('a process that is not there: no host pid, said so', async t => {
    t.match(await witness.locate(target.id, 999_999, '1'), { unavailable: /was not found among this machine's processes/ });
  });
});

/** The pid namespaces of the containers this process's runs started (labelled with its pid). */
function ownContainersPidNamespaces(): Set<string> {
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=hangup-lab.pid=${process.pid}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (!ids.length) return new Set();
  const pids = execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', ...ids], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  return new Set(pids.flatMap(p => pidNamespaceOf(p) ?? []));
}

t.test('a real cell whose probe is SIGKILLed at the sever is judged from the trace, not guessed', async t => {
  const scenario = loadScenario(path.join(import.meta.dirname, 'death-witness.yaml'));
  const result = await runMatrix(scenario, {
    say: () => {},
    version: 'test',
    // At the sever, from this machine (no docker exec to wait for): the probe by its command line (the
    // watcher names the same log), and only inside this test's own containers. A cell's id, user and
    // log path are the same wherever the same cell runs: a bare pgrep also SIGKILLed the probe of
    // cli-clients' pty/nohup/logout cell, running beside this file in loaded runs L12 and L13.
    narrate: (cell, e) => {
      if (e.kind !== 'severed') return;
      const ours = ownContainersPidNamespaces();
      for (const pid of execFileSync('pgrep', ['-f', `${PROBE_BIN} /home/hl${cell.id}/probe.log`], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
        if (ours.has(pidNamespaceOf(Number(pid)) ?? '')) process.kill(Number(pid), 'SIGKILL');
      }
    },
  });
  const [c] = result.cells;
  t.match(c, {
    verdict: 'killed',
    signal: 'SIGKILL',
    signalEvidence: 'kernel trace',
    signalSender: { pid: null, code: 0 },
    probe: { signalsCaught: [] },
  }, c?.reason ?? "no cell");
  t.comment(c?.reason ?? "no cell");
  t.match(c?.reason, /^SIGKILL from kill\(2\) from \S+ \(host pid \d+\) \(si_code 0; kernel trace, the probe is host pid \d+\), dead \d+\.\d\d s after the sever: it could not log it$/);
});
