import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/*
 * Everything a run creates on this machine is owned by the process that created it, and says so:
 * containers (and networks, should a feature ever make one) carry the owner's labels, temp dirs an
 * `owner` file. Rules and processes inside a container go with it; the ssh clients on this host
 * are the harness's children and are killed by it. There is no reaper container: undos registered
 * here run on normal end (each caller awaits its own), on error (the CLI runs what is left), and
 * on SIGINT/SIGTERM/SIGHUP; a run killed with SIGKILL leaves things whose owner is dead, which the
 * next run's sweep removes.
 */

/** A process, told apart from a later one that got the same pid by its start time since boot. */
export interface Owner {
  pid: number;
  /** field 22 of /proc/<pid>/stat (clock ticks after boot); '' when unknown */
  start: string;
}

export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export const self: Owner = { pid: process.pid, start: processStart(process.pid) ?? '' };

/** Alive = that pid runs and, when the start time is known, it is the same process. */
export function ownerAlive(o: Owner): boolean {
  if (!o.pid) return false;
  const start = processStart(o.pid);
  return start !== null && (!o.start || start === o.start);
}

export function ownerLabels(): Record<string, string> {
  return { 'hangup-lab.pid': String(self.pid), 'hangup-lab.pidstart': self.start };
}

// Labels: what `docker ps` / `docker network ls` say of the things a run made, read here because the
// sweep (below) and doctor's leftovers check must agree on who owns what.

export interface Labelled {
  id: string;
  name: string;
  /** hangup-lab.pid: the process that created it; empty when unlabelled */
  pid: string;
  /** hangup-lab.pidstart: that process's start time, telling it from a later one with its pid */
  start?: string;
}

/** The `--format` of `docker ps` (containers) or `docker network ls` (networks) that parseLabelled reads. */
export function labelledFormat(kind: 'containers' | 'networks'): string {
  return `{{.ID}}\t{{.${kind === 'containers' ? 'Names' : 'Name'}}}\t{{.Label "hangup-lab.pid"}}\t{{.Label "hangup-lab.pidstart"}}`;
}

/** Lines in labelledFormat (containers or networks). */
export function parseLabelled(stdout: string): Labelled[] {
  return stdout
    .split('\n')
    .filter(l => l.trim())
    .map(l => {
      const [id = '', name = '', pid = '', start = ''] = l.split('\t');
      return { id: id.trim(), name: name.trim(), pid: pid.trim(), start: start.trim() };
    });
}

// ---------------------------------------------------------------------------------------------
// Undos

const pending = new Set<() => Promise<void>>();
/**
 * Undos that failed while an interrupt was being handled, each as its error's first line: the last
 * line names them, never "nothing left behind" over an undo that threw (a kernel trace instance
 * still busy at load 35 was left while the run said it had left nothing).
 */
const failedUndos: string[] = [];
/** starts of containers in flight: an interrupt must also remove what they create */
const starting = new Set<Promise<unknown>>();
let stopping = false;

/**
 * Register an undo; returns it, to be awaited by the owner on normal end (it runs once). Once an
 * interrupt is being handled, a new undo runs at once: a container that finished starting after
 * the signal goes straight away. Register it in the same synchronous step as the thing it undoes,
 * or track the making with trackStart: an interrupt that runs between the two would otherwise
 * exit without knowing the thing exists (a tracefs instance left behind by a SIGINT at 5.5 s).
 */
export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  installSignalHandlers();
  let ran: Promise<void> | null = null;
  const once = (): Promise<void> => {
    pending.delete(once);
    ran ??= Promise.resolve()
      .then(fn)
      .catch((e: unknown) => {
        if (stopping) failedUndos.push((e instanceof Error ? e.message : String(e)).split('\n')[0]!);
        throw e;
      });
    return ran;
  };
  pending.add(once);
  // Tracked like a start in flight, so the interrupt waits for it before the process exits.
  if (stopping) void trackStart(once()).catch(() => {});
  return once;
}

/** Run every undo still registered (the CLI calls this before it exits, whatever happened). */
export async function runAllCleanups(): Promise<void> {
  await Promise.allSettled([...pending].map(f => f()));
}

/** A container start in flight: watched so an interrupt can wait for it and remove its result. */
export function trackStart<T>(p: Promise<T>): Promise<T> {
  starting.add(p);
  const done = () => starting.delete(p);
  p.then(done, done);
  return p;
}

/**
 * A host process the run started (an ssh client): SIGKILL on interrupt. SIGKILL also ends a
 * client frozen by the sleep sever, which no other signal would reach until it is continued.
 * `kill` sends it when the owner knows better than the bare pid which process is still its own
 * (core/proc-identity.ts). Returns the call that forgets it once it has exited.
 */
export function trackProcess(pid: number, kill?: (signal: NodeJS.Signals) => void): () => void {
  let exited = false;
  const undo = onCleanup(() => {
    if (exited) return;
    if (kill) return kill('SIGKILL');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  return () => {
    exited = true;
    void undo();
  };
}

/**
 * The run's private temp dir (its key pair, known_hosts files): named after the owner, with an
 * `owner` file, and removed by the returned undo (also on interrupt, and by a later sweep).
 */
export function makeRunDir(runId: string): { dir: string; remove: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hangup-lab-${self.pid}-${runId}-`));
  fs.writeFileSync(path.join(dir, 'owner'), `${self.pid} ${self.start}\n`);
  return { dir, remove: onCleanup(() => fs.rmSync(dir, { recursive: true, force: true })) };
}

// ---------------------------------------------------------------------------------------------
// Interrupts

/** How long an interrupted run may spend removing what it made before it exits regardless. */
const INTERRUPT_CLEANUP_MS = 60_000;
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
let installed = false;

/**
 * Called by the CLI as it starts, so a signal at any moment (even before the run made anything)
 * goes through the same cleanup and the same last line.
 */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of Object.keys(SIGNAL_NUMBERS) as (keyof typeof SIGNAL_NUMBERS)[]) process.on(sig, () => void interrupted(sig));
}

/** Writes to a terminal that hung up (SIGHUP) fail with EIO: that must not stop the cleanup. */
function tell(line: string): void {
  try {
    process.stderr.write(`hangup-lab: ${line}\n`);
  } catch {
    /* no terminal left to tell */
  }
}

/**
 * True once a signal is being handled: the interrupt handler alone ends the process then (with
 * 128 + the signal), so errors the removal causes in the run (a container gone mid-start) are not
 * reported as the run's outcome.
 */
export function interrupting(): boolean {
  return stopping;
}

async function interrupted(sig: keyof typeof SIGNAL_NUMBERS): Promise<void> {
  if (stopping) {
    // A second Ctrl-C would otherwise kill the harness half-way and leave containers behind.
    tell(`${sig} again: still cleaning up (at most ${INTERRUPT_CLEANUP_MS / 1000} s), please wait`);
    return;
  }
  stopping = true;
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => {});
  tell(`${sig}: stopping, removing what this run created`);
  const deadline = Date.now() + INTERRUPT_CLEANUP_MS;
  let left = await removeEverything(deadline);
  // The run goes on while the removal awaits docker: a thing it made meanwhile registered an undo
  // that runs at once and is tracked as a start (onCleanup). Exit only when, checked in the same
  // synchronous step as the exit, none is in flight: a tracefs instance made by the death witness
  // during the last `docker ps` was left behind when the exit cut its removal (CI, SIGTERM at 3.6 s).
  while (starting.size && Date.now() < deadline) left = await removeEverything(deadline);
  const said = [
    ...(left.length ? [`could not remove: ${left.join(', ')} (the next run removes it, or: docker rm -f ${left.join(' ')})`] : []),
    ...(failedUndos.length ? [`could not undo: ${failedUndos.join('; ')} (the next run removes what is left, or: hangup-lab clean)`] : []),
  ];
  tell(said.length ? said.join('; ') : 'nothing left behind');
  process.exit(128 + SIGNAL_NUMBERS[sig]);
}

/**
 * Run every undo, then remove by label whatever this process owns that no undo knew of yet (a
 * container whose creation was in flight), until no start is in flight. Returns what is left.
 */
async function removeEverything(deadline: number): Promise<string[]> {
  await Promise.race([runAllCleanups(), sleep(Math.max(0, deadline - Date.now()))]);
  for (;;) {
    const mine = await labelled(`label=hangup-lab.pid=${self.pid}`).catch(() => []);
    const ids = mine.filter(x => x.owner.start === self.start || !x.owner.start).map(x => x.id);
    if (ids.length) await removeContainers(ids);
    if (!starting.size || Date.now() >= deadline) break;
    await Promise.race([Promise.allSettled([...starting]), sleep(1000)]);
  }
  const still = await labelled(`label=hangup-lab.pid=${self.pid}`).catch(() => []);
  return still.map(x => x.id);
}

// ---------------------------------------------------------------------------------------------
// Sweep of runs killed with SIGKILL

interface Owned {
  id: string;
  owner: Owner;
}

/** Containers (or networks) matching a docker filter, each with its owner from the labels. */
async function labelled(filter: string, kind: 'containers' | 'networks' = 'containers'): Promise<Owned[]> {
  const args = kind === 'containers' ? ['ps', '-a'] : ['network', 'ls'];
  const { stdout } = await run('docker', [...args, '--filter', filter, '--format', labelledFormat(kind)], { timeout: 30_000 });
  return parseLabelled(stdout).map(x => ({ id: x.id, owner: { pid: Number(x.pid) || 0, start: x.start ?? '' } }));
}

async function removeContainers(ids: string[]): Promise<void> {
  // -v: the anonymous volumes docker made for them go too. Errors are for ids already gone.
  await run('docker', ['rm', '-f', '-v', ...ids], { timeout: 60_000 }).catch(() => {});
}

/** A temp dir of an older version (no owner file) is stale once nobody touched it for this long. */
const OWNERLESS_STALE_MS = 60 * 60_000;

/**
 * The names of run dirs: `hangup-lab-<pid>-<run id>-XXXXXX`, and `hangup-lab-<run id>-XXXXXX`
 * from versions before owner files. Nothing else under the temp dir is ever touched.
 */
export const RUN_DIR_NAME = /^hangup-lab-(\d+-)?[0-9a-f]{8}-[A-Za-z0-9]{6}$/;

/** Run dirs under `dir` whose owner is gone; returns their paths. */
export function staleDirs(dir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(n => RUN_DIR_NAME.test(n));
  } catch {
    return [];
  }
  return names
    .map(n => path.join(dir, n))
    .filter(p => {
      try {
        const st = fs.statSync(p);
        if (!st.isDirectory()) return false;
        const owner = fs.existsSync(path.join(p, 'owner')) ? fs.readFileSync(path.join(p, 'owner'), 'utf8').trim().split(' ') : null;
        if (owner) return !ownerAlive({ pid: Number(owner[0]), start: owner[1] ?? '' });
        return now - st.mtimeMs > OWNERLESS_STALE_MS;
      } catch {
        return false;
      }
    });
}

/**
 * Remove what runs killed with SIGKILL left behind: labelled containers and networks whose owner
 * process is gone, and their temp dirs (with the private key in them). What belongs to a run that
 * is still going (another terminal, a parallel test) is left alone.
 */
export async function sweepLeftovers(say: (line: string) => void): Promise<void> {
  const [containers, networks] = await Promise.all([labelled('label=hangup-lab=1'), labelled('label=hangup-lab=1', 'networks')]);
  const dead = (x: Owned) => !ownerAlive(x.owner);
  const staleContainers = containers.filter(dead).map(x => x.id);
  const staleNetworks = networks.filter(dead).map(x => x.id);
  const dirs = staleDirs(os.tmpdir());
  if (staleContainers.length) {
    say(`removing ${staleContainers.length} container(s) left by an interrupted run`);
    await removeContainers(staleContainers);
  }
  if (staleNetworks.length) {
    say(`removing ${staleNetworks.length} network(s) left by an interrupted run`);
    await run('docker', ['network', 'rm', ...staleNetworks], { timeout: 60_000 }).catch(() => {});
  }
  if (dirs.length) {
    say(`removing ${dirs.length} temp dir(s) left by an interrupted run`);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms).unref());
}
