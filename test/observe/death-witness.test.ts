// kernelDeath: how a probe ended, read from the witness's trace lines (ftrace's text, as Linux 6.x
// prints signal_generate and sys_enter_exit_group; test/docker/death-witness.test.ts records real ones).
import t from 'tap';
import { kernelDeath } from '../../harness/observe/death-witness.js';
import { parseTrace } from '../../harness/observe/birth-story.js';

const PROBE = 5151;
const gen = (sender: string, senderPid: number, secs: string, sig: number, target: number, res = 0, code = 0) =>
  `${sender.padStart(16)}-${senderPid}   [001] dN.1. ${secs}: signal_generate: sig=${sig} errno=0 code=${code} comm=probe pid=${target} grp=1 res=${res}`;
const exit = (pid: number, secs: string, code: number) => `           probe-${pid}   [000] ..... ${secs}: sys_exit_group(error_code: ${code})`;
const death = (lines: string[], o: Partial<{ fromMono: number; untilMono: number; lostEvents: number }> = {}) =>
  kernelDeath(parseTrace(['# tracer: nop', ...lines].join('\n')), { hostPid: PROBE, fromMono: 1000_000, untilMono: 1002_000, lostEvents: 0, ...o });

t.test('a SIGKILL from kill: the signal and its sender', async t => {
  t.match(death([gen('kill', 4242, '1000.500000', 9, PROBE)]), { kind: 'signal', reraised: false, signal: { signal: 'SIGKILL', senderComm: 'kill', senderPid: 4242, code: 0, atMs: 1000_500 } });
});

t.test("a caught SIGHUP re-raised by the probe's handler: SIGHUP, named after bash, not the probe", async t => {
  const k = death([gen('bash', 4100, '1000.400000', 1, PROBE), gen('probe', PROBE, '1000.401000', 1, PROBE)]);
  t.match(k, { kind: 'signal', reraised: true, signal: { signal: 'SIGHUP', senderComm: 'bash', senderPid: 4100 } });
});

t.test('the last fatal signal is the cause; SIGCONT and ignored signals are not', async t => {
  const k = death([gen('bash', 4100, '1000.100000', 1, PROBE, 1), gen('systemd', 1, '1000.200000', 15, PROBE), gen('systemd', 1, '1000.200100', 18, PROBE)]);
  t.match(k, { kind: 'signal', signal: { signal: 'SIGTERM', senderComm: 'systemd' } });
});

t.test('an ignored SIGHUP, then an exit of its own: the exit status', async t => {
  t.match(death([gen('bash', 4100, '1000.100000', 1, PROBE, 1), exit(PROBE, '1001.000000', 255)]), { kind: 'exit', code: 255, atMs: 1001_000 });
});

t.test('signals after its exit_group do not replace it', async t => {
  t.match(death([exit(PROBE, '1000.900000', 0), gen('bash', 4100, '1000.100000', 15, PROBE, 2)]), { kind: 'exit', code: 0 });
});

t.test("other probes' signals and events outside the window are not its story", async t => {
  const k = death([gen('kill', 4242, '1000.500000', 9, PROBE + 1), gen('kill', 4242, '998.000000', 9, PROBE), gen('bash', 4100, '1000.600000', 18, PROBE)], { lostEvents: 3 });
  t.same(k, { kind: 'none', hostPid: PROBE, lostEvents: 3 });
});
