// The second witness of a probe's death. The probe's own log names the signal it died of (its
// handler logs, then re-raises), but a probe can vanish without that line: SIGKILL cannot be
// caught, and on a loaded machine one cell of the default matrix once died with no line where 127
// others of its kind logged SIGHUP from bash. Guessing "SIGKILL" there was a false verdict. So a
// death without a logged signal is judged only from what the kernel saw: one ftrace instance for
// the whole run records every signal generated for a process named like the probe (with the
// sender's context) and every exit_group(2) the probe makes. A run costs one small ring buffer,
// filtered in the kernel to the probes' own events; it is read only for such a death (rare).
//
// Kernel facts (Linux 6.x kernel/signal.c): signal_generate runs in the sender's context, names
// the target by comm and host pid, and says whether the signal was queued (res 0) or ignored (1);
// the probe's re-raise after its handler ran is a signal from the probe to itself.
import fs from 'node:fs';
import path from 'node:path';
import { self } from '../core/cleanup.js';
import { PROBE_COMM } from '../probe/command.js';
import { describeTracedSender, fatalByDefault, idArg, parseTrace, signalName, signalResult, type TraceEvent, type TracedSignal } from './birth-story.js';
import { cachedInitPid, hostPidOf } from './host-pids.js';
import { acquireTracefs, INSTANCE_PREFIX, instanceUndo, lostEvents } from './tracefs.js';

/** Per CPU. A probe's death is a handful of ~70-byte events; the newest are kept (overwrite). */
const BUFFER_KB_PER_CPU = 512;

/** How the probe ended, as the kernel saw it. Times are CLOCK_MONOTONIC ms (monoMs()). */
export type KernelDeath =
  | {
      kind: 'signal';
      /** the fatal signal, and who first sent it (not the probe's own re-raise) */
      signal: TracedSignal;
      /** the probe's handler ran and re-raised it: the probe did catch it, its log line is missing */
      reraised: boolean;
      hostPid: number;
    }
  | { kind: 'exit'; code: number | null; atMs: number; hostPid: number }
  /** nothing about it in the trace: neither a fatal signal nor an exit */
  | { kind: 'none'; hostPid: number; lostEvents: number };

export type WitnessAnswer = KernelDeath | { unavailable: string };

export interface DeathWitness {
  /** the probe's host pid, while it runs (the trace knows host pids; the cell knows the container's) */
  locate(containerId: string, nsPid: number, startTime: string): Promise<number | { unavailable: string }>;
  /** what the trace holds of the death of host pid `hostPid`, from `fromMono` to `untilMono` */
  explain(hostPid: number, fromMono: number, untilMono: number): Promise<WitnessAnswer>;
  close(): Promise<void>;
}

let witnesses = 0;

/** The run's witness. Never throws: without tracefs (not root, another kernel) every answer says why. */
export async function startDeathWitness(): Promise<DeathWitness> {
  const fsys = await acquireTracefs();
  if ('unavailable' in fsys) return unavailableWitness(fsys.unavailable);
  const dir = path.join(fsys.dir, 'instances', `${INSTANCE_PREFIX}${self.pid}.${self.start}-witness${++witnesses}`);
  let undo: (() => Promise<void>) | null = null;
  // The undo waits for the setup's writes (an interrupt during the setup, at load 35, left the
  // instance behind: EBUSY).
  let setUp: Promise<void> = Promise.resolve();
  try {
    // One synchronous step: an interrupt between the mkdir and the registration would miss it.
    // (An undo registered during an interrupt runs at once, but in a later microtask: after
    // `setUp` below is assigned.)
    fs.mkdirSync(dir);
    undo = instanceUndo(dir, () => setUp);
    setUp = configureWitness(dir);
    await setUp;
  } catch (e) {
    await undo?.().catch(() => {});
    return unavailableWitness(`setting up the ftrace instance ${dir} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    async locate(containerId, nsPid, startTime) {
      try {
        const hostPid = hostPidOf(await cachedInitPid(containerId), nsPid, startTime);
        return hostPid ?? { unavailable: `the probe (pid ${nsPid} in the target) was not found among this machine's processes` };
      } catch (e) {
        return { unavailable: `could not find the probe's host pid: ${(e as Error).message.split('\n')[0]}` };
      }
    },
    async explain(hostPid, fromMono, untilMono) {
      try {
        const [text, lost] = await Promise.all([fs.promises.readFile(path.join(dir, 'trace'), 'utf8'), lostEvents(dir)]);
        return kernelDeath(parseTrace(text), { hostPid, fromMono, untilMono, lostEvents: lost });
      } catch (e) {
        return { unavailable: `reading the kernel trace failed: ${(e as Error).message.split('\n')[0]}` };
      }
    },
    close: async () => void (await undo?.().catch(() => {})),
  };
}

/** The instance's buffer, clock and the two events, filtered in the kernel to the probes. */
async function configureWitness(dir: string): Promise<void> {
  const set = (file: string, value: string) => fs.promises.writeFile(path.join(dir, file), value);
  await set('buffer_size_kb', String(BUFFER_KB_PER_CPU));
  // CLOCK_MONOTONIC: the clock of monoMs() and of the probe's log, so times line up.
  await set('trace_clock', 'mono');
  await set('options/overwrite', '1');
  await set('options/pause-on-trace', '0').catch(() => {});
  // `comm` is signal_generate's own field (the target); `COMM` is the current task's name.
  await set('events/signal/signal_generate/filter', `comm == "${PROBE_COMM}"`);
  await set('events/signal/signal_generate/enable', '1');
  await set('events/syscalls/sys_enter_exit_group/filter', `COMM == "${PROBE_COMM}"`).catch(() => {});
  await set('events/syscalls/sys_enter_exit_group/enable', '1').catch(() => {});
  await set('tracing_on', '1');
}

function unavailableWitness(why: string): DeathWitness {
  const no = { unavailable: why };
  return { locate: async () => no, explain: async () => no, close: async () => {} };
}

/**
 * How host pid `hostPid` ended, from the trace's events (pure): the last fatal signal queued for it
 * up to its death, named after its first sender other than itself; else its exit_group(2).
 */
export function kernelDeath(events: readonly TraceEvent[], o: { hostPid: number; fromMono: number; untilMono: number; lostEvents: number }): KernelDeath {
  const inWindow = events.filter(e => e.atMs >= o.fromMono && e.atMs <= o.untilMono);
  const queued = inWindow
    .filter(e => e.name === 'signal_generate' && Number(e.fields.pid) === o.hostPid && e.fields.res === '0')
    .map(e => ({ e, s: tracedSignal(e) }))
    .filter(({ s }) => fatalByDefault(s.signal));
  const exit = inWindow.find(e => e.name === 'sys_exit_group' && e.pid === o.hostPid);
  const last = queued.at(-1);
  if (last && !(exit && exit.atMs > last.e.atMs)) {
    const reraised = last.e.pid === o.hostPid;
    // The re-raise's sender is the probe itself: the signal came first from someone else.
    const first = queued.find(({ e, s }) => s.signal === last.s.signal && e.pid !== o.hostPid);
    return { kind: 'signal', signal: (reraised ? first?.s : undefined) ?? last.s, reraised, hostPid: o.hostPid };
  }
  if (exit) return { kind: 'exit', code: idArg(exit.fields.error_code), atMs: exit.atMs, hostPid: o.hostPid };
  return { kind: 'none', hostPid: o.hostPid, lostEvents: o.lostEvents };
}

function tracedSignal(e: TraceEvent): TracedSignal {
  return {
    atMs: e.atMs,
    signal: signalName(Number(e.fields.sig)),
    code: Number(e.fields.code),
    senderPid: e.pid,
    senderComm: e.comm,
    // A signal raised on the sender's way out: it shows as the exiting task (no later event tells).
    senderExited: false,
    result: signalResult(Number(e.fields.res)),
  };
}

/** The sender in words (the kernel's hangup, a kill), as the birth story says it. */
export const describeKernelSender = (s: TracedSignal) => describeTracedSender(s, null);
