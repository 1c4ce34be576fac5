// A witness for probes that die at birth (`ssh -tt host 'cmd &'`, `'nohup cmd &'`): they are gone
// before they can log anything, so the probe's own log and the watcher see nothing. The kernel sees
// it all: an ftrace instance of our own records fork/exec/exit and every signal (with the sender's
// context) of the target container's processes, from before the login until the cell asks.
//
// It does not disturb the cell: nothing runs in the container, the trace only reads the kernel's
// tracepoints. It costs a bounded ring buffer (bufferKbPerCpu × CPUs) while it runs and only for
// the cells needsBirthTrace() picks. The instance is removed by stop(), by the run's undos on
// SIGINT/SIGTERM, or, after a SIGKILL, by the next run's sweep (tracefs.ts).
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LaunchMode } from '../launch/types.js';
import { PROBE_BIN } from '../probe/command.js';
import { self } from '../core/cleanup.js';
import type { SessionKind } from '../session/types.js';
import type { Target } from '../target/types.js';
import { analyseBirth, type BirthStory } from './birth-story.js';
import { containerInitPid, pidsInNamespaceOf } from './host-pids.js';
import { acquireTracefs, INSTANCE_PREFIX, instanceUndo, lostEvents } from './tracefs.js';

/**
 * Only cells whose probe can die before it starts: the line returns at once (`&`, a program that
 * forks the probe and exits) in a session without an interactive shell, so the command's end
 * races the probe's start. Two things act at that end: on a terminal, the session leader's exit
 * hangs up the terminal's foreground process group; with logind's KillUserProcesses=yes, systemd
 * stops the session's scope, terminal or not. Asked of the plug-ins' traits, never their names.
 * (Used with a later login, session/later.ts: the launching session's end comes before any watch.)
 */
export function needsBirthTrace(
  session: Pick<SessionKind, 'remotePty' | 'shell' | 'seversLaterLogin'>,
  launch: Pick<LaunchMode, 'startsInBackground'>,
  cell: { killUserProcesses?: string } = {},
): boolean {
  // A later login's launching command has returned before anything is watched: whatever it
  // started (a tmux server too) races the stop of that session's scope.
  if (session.seversLaterLogin && cell.killUserProcesses === 'yes') return true;
  return !session.shell && launch.startsInBackground === true && (session.remotePty || cell.killUserProcesses === 'yes');
}

/** Events the story needs; without one of these a story would have holes, so there is none. */
const REQUIRED = [
  'sched/sched_process_fork',
  'sched/sched_process_exec',
  'sched/sched_process_exit',
  'signal/signal_generate',
  // the uid switch that tells this cell's login from its neighbours' (each cell has its own user)
  'syscalls/sys_enter_setresuid',
];
/** Events that add detail (the exit status, the disposition at delivery, a setuid-based login). */
const OPTIONAL = ['signal/signal_deliver', 'syscalls/sys_enter_setuid', 'syscalls/sys_enter_exit_group'];
/**
 * Per CPU. One login of a target's sshd is about 100 events (≈60 bytes each in the ring buffer):
 * 1 MB holds the cell's birth with room for thousands of neighbours' events; when it is full the
 * newest are dropped (overwrite off), so the birth, which comes first, is kept, and the story
 * says how many were lost.
 */
const BUFFER_KB_PER_CPU = 1024;
/** Reading the trace is a file read of at most a few MB: four times a second is cheap. */
const SETTLE_POLL_MS = 250;

export type BirthResult = BirthStory | null | { unavailable: string };

export interface BirthTraceOptions {
  target: Pick<Target, 'id'>;
  /** the login user of the cell (its uid tells its processes from other cells') */
  user: string;
  probePath?: string;
  bufferKbPerCpu?: number;
}

export interface StartedBirthTrace extends AsyncDisposable {
  /** the story so far, without stopping (the trace goes on) */
  read(): Promise<BirthResult>;
  /**
   * Read until the launched process has ended (killed or exited) or `timeoutMs` passed, whichever
   * comes first; then the story as it stands. A cell waiting for a probe start that cannot come any
   * more (its process is dead) need not wait out its whole start timeout.
   */
  settled(timeoutMs: number, signal?: AbortSignal): Promise<BirthResult>;
  /**
   * stop, read the story, remove the instance; later calls return the same answer. `loginBeforeMs`:
   * the launching login is one that began before then (a later login of the user is not it).
   */
  stop(o?: { loginBeforeMs?: number }): Promise<BirthResult>;
  /** the trace text of the last read, with a header naming uid and lost events (fixtures, debugging) */
  readonly text: string | null;
}

let instances = 0;

/** Whether this host can give the birth trace at all (for `doctor`): true, or why not. */
export async function birthTraceAvailability(): Promise<true | string> {
  const fsys = await acquireTracefs();
  if ('unavailable' in fsys) return fsys.unavailable;
  const missing = REQUIRED.filter(e => !fs.existsSync(path.join(fsys.dir, 'events', e)));
  return missing.length ? missingEvents(missing) : true;
}

const missingEvents = (missing: string[]) => `this kernel's ftrace has no ${missing.join(', ')} events (needs CONFIG_FTRACE_SYSCALLS and the sched/signal tracepoints)`;

/** Start tracing the target's processes. Never throws: what stops it becomes the answer of stop(). */
export async function startBirthTrace(o: BirthTraceOptions): Promise<StartedBirthTrace> {
  const fsys = await acquireTracefs();
  if ('unavailable' in fsys) return unavailable(fsys.unavailable);
  const dir = path.join(fsys.dir, 'instances', `${INSTANCE_PREFIX}${self.pid}.${self.start}-${++instances}`);
  let undo: (() => Promise<void>) | null = null;
  const fail = async (why: string) => {
    await undo?.().catch(() => {});
    return unavailable(why);
  };
  const missing = REQUIRED.filter(e => !fs.existsSync(path.join(fsys.dir, 'events', e)));
  if (missing.length) return fail(missingEvents(missing));
  const probePath = o.probePath ?? PROBE_BIN;
  const who = await traced(o);
  if ('unavailable' in who) return fail(who.unavailable);
  const { uid, seeds } = who;
  // The undo waits for the setup's writes, which hold the instance's files open (tracefs.ts).
  let setUp: Promise<void> = Promise.resolve();
  try {
    // One synchronous step: an interrupt between the mkdir and the registration would miss it.
    fs.mkdirSync(dir);
    undo = instanceUndo(dir, () => setUp);
    setUp = enableInstance(dir, seeds, o);
    await setUp;
  } catch (e) {
    return fail(`setting up the ftrace instance ${dir} failed: ${(e as Error).message}`);
  }

  let text: string | null = null;
  const read = async (loginBeforeMs?: number): Promise<BirthResult> => {
    const [trace, lost] = await Promise.all([fs.promises.readFile(path.join(dir, 'trace'), 'utf8'), lostEvents(dir)]);
    text = `# hangup-lab birth-trace uid=${uid} probe=${probePath} lost-events=${lost}\n${trace}`;
    return analyseBirth(text, { uid, probePath, ...(loginBeforeMs !== undefined ? { loginBeforeMs } : {}) });
  };
  let stopped: Promise<BirthResult> | null = null;
  const stop = (o: { loginBeforeMs?: number } = {}) =>
    (stopped ??= (async () => {
      await fs.promises.writeFile(path.join(dir, 'tracing_on'), '0').catch(() => {});
      try {
        return await read(o.loginBeforeMs);
      } catch (e) {
        return { unavailable: `reading the trace failed: ${(e as Error).message}` };
      } finally {
        await undo?.().catch(() => {});
      }
    })());
  const peek = () => (stopped ? stopped : read().catch(e => ({ unavailable: `reading the trace failed: ${(e as Error).message}` })));
  return {
    read: peek,
    async settled(timeoutMs, signal) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = await peek();
        // Over once the launched process ended; an unclear story only once the shell is gone too
        // (read between the shell's exec and its fork, there is no launched process yet).
        const over = r !== null && !('unavailable' in r) && (r.fate.kind === 'killed' || r.fate.kind === 'exited' || (r.fate.kind === 'unclear' && r.shell.exitedAtMs !== null));
        if (over || 'unavailable' in (r ?? {}) || Date.now() >= until || signal?.aborted) return r;
        await sleep(SETTLE_POLL_MS, undefined, signal ? { signal } : {}).catch(() => {});
      }
    },
    stop,
    get text() {
      return text;
    },
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** The login user's uid in the target, and the target's processes now (host pids). */
async function traced(o: BirthTraceOptions): Promise<{ uid: number; seeds: number[] } | { unavailable: string }> {
  try {
    const init = await containerInitPid(o.target.id);
    // The container's own passwd, read through its init's root: no docker exec on a busy engine.
    const passwd = await fs.promises.readFile(`/proc/${init}/root/etc/passwd`, 'utf8').catch(() => '');
    const entry = passwd.split('\n').find(l => l.split(':')[0] === o.user);
    const uid = Number(entry?.split(':')[2]);
    if (!entry || !Number.isInteger(uid)) return { unavailable: `the login user ${o.user} is not in the target's /etc/passwd (read as /proc/${init}/root/etc/passwd)` };
    const seeds = pidsInNamespaceOf(init);
    if (!seeds.length) return { unavailable: `the target's processes are not visible on this machine (its init is host pid ${init}): the Docker engine runs elsewhere; run the harness on the Docker host` };
    return { uid, seeds };
  } catch (e) {
    return { unavailable: `could not find the target's processes: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Configure and start the instance in `dir`: the target's processes and what they fork from now on. */
async function enableInstance(dir: string, seeds: number[], o: BirthTraceOptions): Promise<void> {
  const set = (file: string, value: string) => fs.promises.writeFile(path.join(dir, file), value);
  await set('buffer_size_kb', String(o.bufferKbPerCpu ?? BUFFER_KB_PER_CPU));
  // CLOCK_MONOTONIC: the clock of monoMs() and of the probe's log, so times line up.
  await set('trace_clock', 'mono');
  await set('options/overwrite', '0');
  // Reading `trace` would otherwise pause recording while read() looks mid-cell.
  await set('options/pause-on-trace', '0').catch(() => {});
  // Every process of the container now, and (event-fork) every process they fork from now on.
  await set('options/event-fork', '1');
  await set('set_event_pid', seeds.join(' '));
  for (const e of REQUIRED) await set(`events/${e}/enable`, '1');
  for (const e of OPTIONAL) await set(`events/${e}/enable`, '1').catch(() => {});
  await set('tracing_on', '1');
}

function unavailable(why: string): StartedBirthTrace {
  const answer = Promise.resolve({ unavailable: why });
  return { read: () => answer, settled: () => answer, stop: () => answer, text: null, [Symbol.asyncDispose]: async () => {} };
}
