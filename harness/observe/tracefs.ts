// The host's tracefs (ftrace), found or mounted for the run, and what a killed run left in it.
// Nothing is left behind: a mount the run made itself is private to it (its own directory, so
// another run's unmount never pulls it away) and undone with the run's other undos; ftrace
// instances are named after their owner process, and a later run removes those whose owner is dead.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { onCleanup, ownerAlive, self, trackStart } from '../core/cleanup.js';

const run = promisify(execFile);

/** Where distributions mount it (the second is the old debugfs place). */
const STANDARD = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
/** A run's private mount: hangup-lab-tracefs-<pid>.<start>-XXXXXX in the temp dir. */
const MOUNT_PREFIX = 'hangup-lab-tracefs-';
/** An instance: hangup-lab-<pid>.<start>-<n>. */
export const INSTANCE_PREFIX = 'hangup-lab-';
const OWNED = /^hangup-lab-(?:tracefs-)?(\d+)\.(\d*)-/;

export interface Tracefs {
  dir: string;
}

let mounted: Promise<{ dir: string } | { unavailable: string }> | null = null;
let swept = false;

/**
 * tracefs for this process: the system's mount when there is one, else a private mount made once
 * and kept until the run's undos (cells start and stop traces side by side: unmounting when one
 * stops could pull it from under another's start). Needs root (ftrace is root's); without it, or
 * without tracefs in the kernel, says why.
 */
export async function acquireTracefs(): Promise<Tracefs | { unavailable: string }> {
  if (process.getuid?.() !== 0) return { unavailable: `the harness is not root (uid ${process.getuid?.() ?? '?'}): kernel tracing (tracefs) needs root on the Docker host` };
  const found = STANDARD.find(d => fs.existsSync(path.join(d, 'instances')));
  if (!swept) {
    swept = true;
    await sweepStale(found ?? null);
  }
  if (found) return { dir: found };
  // The run's undos unmount it (a library user may run them and go on): then mount afresh.
  // Tracked as a start: an interrupt during the mount waits for it, then its undo unmounts it.
  mounted = mounted?.then(m => ('dir' in m && !fs.existsSync(path.join(m.dir, 'instances')) ? trackStart(mountPrivately()) : m)) ?? trackStart(mountPrivately());
  const m = await mounted;
  // A failed mount is tried again by the next cell (it may have been a passing failure).
  if ('unavailable' in m) mounted = null;
  return m;
}

async function mountPrivately(): Promise<{ dir: string } | { unavailable: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${MOUNT_PREFIX}${self.pid}.${self.start}-`));
  try {
    await run('mount', ['-t', 'tracefs', 'nodev', dir], { timeout: 30_000 });
  } catch (e) {
    // mount(8) killed by an interrupt sent to the whole group may have mounted before it died.
    await run('umount', [dir], { timeout: 30_000 }).catch(() => {});
    rmdirQuietly(dir);
    const said = ((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n').at(-1);
    return { unavailable: `tracefs is not mounted and mounting it failed (${said}); on a kernel with ftrace: mount -t tracefs nodev /sys/kernel/tracing` };
  }
  onCleanup(async () => {
    // On an interrupt all undos run at once: the instances are reached through this mount, so
    // they go first (an instance outlives every mount; only rmdir removes it). Their own undos are
    // awaited, not raced: an rmdir after the unmount fails with ENODEV, and one of ours that gave
    // up before it must still be named, not hidden by the unmount.
    await Promise.allSettled([...instanceUndos].map(undo => undo()));
    const own = `${INSTANCE_PREFIX}${self.pid}.${self.start}-`;
    for (const name of fs.readdirSync(path.join(dir, 'instances')).filter(n => n.startsWith(own))) {
      await removeInstance(path.join(dir, 'instances', name)).catch(() => {});
    }
    await run('umount', [dir], { timeout: 30_000 }).catch(() => run('umount', ['-l', dir]).catch(() => {}));
    rmdirQuietly(dir);
  });
  return { dir };
}

/**
 * What runs killed with SIGKILL left in tracefs (`hangup-lab clean`; a run does it when it first
 * traces): their ftrace instances and private mounts. Says what it removed; never throws.
 */
export async function sweepTracefsLeftovers(say: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const removed = await sweepStale(STANDARD.find(d => fs.existsSync(path.join(d, 'instances'))) ?? null).catch(() => 0);
  if (removed) say(`removing ${removed} kernel trace instance(s) and mount(s) left by an interrupted run`);
}

/** Instances and private mounts whose owner process is gone (a run killed with SIGKILL); how many. */
async function sweepStale(standard: string | null): Promise<number> {
  let removed = 0;
  const dead = (name: string) => {
    const m = OWNED.exec(name);
    return m !== null && !ownerAlive({ pid: Number(m[1]), start: m[2] ?? '' });
  };
  const mounts = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map(l => l.split(' '))
    .filter(f => f[2] === 'tracefs')
    .map(f => f[1]!);
  for (const dir of [standard, ...mounts].filter((d): d is string => d !== null)) {
    const instances = path.join(dir, 'instances');
    for (const name of fs.existsSync(instances) ? fs.readdirSync(instances) : []) {
      if (name.startsWith(INSTANCE_PREFIX) && dead(name)) {
        await removeInstance(path.join(instances, name));
        removed++;
      }
    }
  }
  for (const dir of mounts) {
    if (path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith(MOUNT_PREFIX) && dead(path.basename(dir))) {
      await run('umount', [dir]).catch(() => {});
      rmdirQuietly(dir);
      removed++;
    }
  }
  // A mount point whose unmount went through but whose removal did not (a lazy unmount still
  // busy, an exit right after it): an empty directory, no longer in /proc/mounts.
  for (const name of fs.readdirSync(os.tmpdir()).filter(n => n.startsWith(MOUNT_PREFIX) && dead(n))) {
    const dir = path.join(os.tmpdir(), name);
    if (!mounts.includes(dir) && fs.existsSync(dir) && rmdirQuietly(dir)) removed++;
  }
  return removed;
}

/** The undos of this run's instances (instanceUndo), for the private mount's own undo to await. */
const instanceUndos = new Set<() => Promise<void>>();

/**
 * Register the undo of instance `dir`, made just now (call it in the same synchronous step as the
 * mkdir). It waits for `setUp()`, the instance's configuration writes still in flight, each of
 * which holds one of its files open (EBUSY otherwise), then removes it.
 */
export function instanceUndo(dir: string, setUp: () => Promise<void>): () => Promise<void> {
  const undo = onCleanup(async () => {
    await setUp().catch(() => {});
    await removeInstance(dir);
    instanceUndos.delete(undo);
  });
  instanceUndos.add(undo);
  return undo;
}

/** How long an instance may stay busy (a file of it still open) before its removal gives up. */
const REMOVE_BUSY_MS = 10_000;

/**
 * Stop an instance's events and remove it; busy (EBUSY) while a file of it is still open, which on
 * a loaded machine can outlast the 2 s this once allowed. Throws, naming the instance, if it stays.
 */
export async function removeInstance(dir: string): Promise<void> {
  await fs.promises.writeFile(path.join(dir, 'tracing_on'), '0').catch(() => {});
  await fs.promises.writeFile(path.join(dir, 'events', 'enable'), '0').catch(() => {});
  const until = Date.now() + REMOVE_BUSY_MS;
  for (;;) {
    try {
      await fs.promises.rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() >= until) throw new Error(`the kernel trace instance ${dir} could not be removed: ${(e as Error).message}`);
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

/** Whether it removed the (empty) directory. */
function rmdirQuietly(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    /* already gone, or still mounted (the sweep of a later run retries) */
    return false;
  }
}

/** Events a full buffer dropped or overwrote, over all CPUs of an instance. */
export async function lostEvents(dir: string): Promise<number> {
  const cpus = await fs.promises.readdir(path.join(dir, 'per_cpu')).catch(() => [] as string[]);
  let lost = 0;
  for (const cpu of cpus) {
    const stats = await fs.promises.readFile(path.join(dir, 'per_cpu', cpu, 'stats'), 'utf8').catch(() => '');
    for (const m of stats.matchAll(/^(?:overrun|dropped events): (\d+)/gm)) lost += Number(m[1]);
  }
  return lost;
}
