// A machine under CPU load, made on purpose: `stress-ng --cpu N` for a bounded time, with the load
// average sampled while it runs. The instrument must give the same verdicts on a busy machine as
// on a quiet one (CI runners and shared hosts are busy), so that is measured, not assumed: `bench
// --load N` and the fidelity Docker test run scenarios inside one of these.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { InfrastructureError } from '../core/errors.js';
import { onCleanup } from '../core/cleanup.js';

/** How often the 1-minute load average is read while the load runs. */
const SAMPLE_MS = 5000;

export interface LoadFigures {
  workers: number;
  /** 1-minute load averages read every SAMPLE_MS while the load ran */
  samples: number[];
  min: number;
  median: number;
  max: number;
}

/** The 1-minute load average (Linux), or null where /proc/loadavg cannot be read. */
export function loadAverage1(): number | null {
  try {
    const v = Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

export function loadFigures(workers: number, samples: number[]): LoadFigures {
  const s = [...samples].sort((a, b) => a - b);
  return { workers, samples, min: s[0] ?? 0, median: s[Math.floor((s.length - 1) / 2)] ?? 0, max: s.at(-1) ?? 0 };
}

export function loadText(f: LoadFigures): string {
  return `stress-ng --cpu ${f.workers}: load average (1 min) ${f.min.toFixed(1)} / ${f.median.toFixed(1)} / ${f.max.toFixed(1)} (min / median / max of ${f.samples.length} readings)`;
}

/**
 * A running load. It ends by itself after `timeoutS` (stress-ng's own --timeout), when stop() is
 * called, and when the harness is interrupted (it is a tracked process): it never outlives the
 * command that started it.
 */
export class CpuLoad {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly proc: ChildProcess,
    readonly workers: number,
  ) {
    // The whole group: stress-ng's workers are its children and would run on to their timeout.
    // (An undo runs when called: once the group is gone it must do nothing, or a recycled pid
    // could be hit.)
    let gone = false;
    const undo = onCleanup(() => {
      if (!gone) killGroup(proc.pid!);
    });
    this.exited = new Promise(resolve =>
      proc.on('exit', () => {
        gone = true;
        void undo();
        resolve();
      }),
    );
    const sample = () => {
      const v = loadAverage1();
      if (v !== null) this.samples.push(v);
    };
    this.timer = setInterval(sample, SAMPLE_MS);
  }

  static start(workers: number, timeoutS: number): CpuLoad {
    if (spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status !== 0) {
      throw new InfrastructureError('stress-ng is not installed, and a loaded run needs it; run: apt-get install stress-ng');
    }
    // Its own process group, so that stop() reaches every worker stress-ng forked.
    const proc = spawn('stress-ng', ['--cpu', String(workers), '--timeout', `${timeoutS}s`, '--quiet'], { stdio: 'ignore', detached: true });
    return new CpuLoad(proc, workers);
  }

  async stop(): Promise<LoadFigures> {
    clearInterval(this.timer);
    const v = loadAverage1();
    if (v !== null) this.samples.push(v);
    if (this.proc.exitCode === null && this.proc.signalCode === null) killGroup(this.proc.pid!);
    await this.exited;
    return loadFigures(this.workers, this.samples);
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already ended by its own timeout */
  }
}
