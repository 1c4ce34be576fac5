// The progress display of a long run: cells done / total, elapsed time, what is running now.
// On a terminal one status line is redrawn in place (finished cells scroll above it); in CI logs,
// where \r redraws turn into noise, each finished cell is one line and the status line is printed
// every `everyMs` instead.
import type { Cell, CellResult } from '../results.js';
import type { ProgressSink } from './matrix.js';

/** The axis values that vary in this cell beyond the basic four, for progress lines. */
export function cellLabel(c: Cell): string {
  const extra = [
    c.user !== 'lab' ? `user=${c.user}` : '',
    c.linger === 'on' ? 'linger' : '',
    c.huponexit === 'on' ? 'huponexit' : '',
    c.killUserProcesses === 'yes' ? 'KillUserProcesses' : '',
    c.serverAlive !== 'off' ? `ServerAlive=${c.serverAlive}` : '',
    c.rep > 1 ? `rep ${c.rep}` : '',
  ].filter(Boolean);
  return `${c.target} ${c.session}/${c.launch}/${c.workload}/${c.sever}${extra.length ? ` [${extra.join(' ')}]` : ''}`;
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One finished cell, as a log line. */
export function finishedLine(done: number, total: number, elapsedMs: number, cell: Cell, r: CellResult, strict: boolean): string {
  const failed = r.expectations.filter(o => o.status === 'failed' || (strict && o.status === 'unjudged'));
  return (
    `[${done}/${total} ${clock(elapsedMs)}] ${cellLabel(cell)}: ${r.verdict}${r.signal ? ` ${r.signal}` : ''}` +
    `${r.verdict === 'inconclusive' ? ` (${r.reason})` : ''}${failed.length ? ` ✗ EXPECTATION FAILED: ${failed.map(o => o.detail).join('; ')}` : ''}`
  );
}

/** The status line: counts, elapsed, a rough time left, and the cells running now. */
export function statusLine(s: { done: number; total: number; elapsedMs: number; running: Cell[]; failed: number }, width: number): string {
  const left = s.done > 0 && s.done < s.total ? ` ~${clock((s.elapsedMs / s.done) * (s.total - s.done))} left` : '';
  const head = `${s.done}/${s.total} cells ${Math.floor((100 * s.done) / Math.max(1, s.total))}% · ${clock(s.elapsedMs)}${left}${s.failed ? ` · ${s.failed} failing` : ''}`;
  const now = s.running.length ? ` · running ${s.running.length}: ${s.running.map(c => `${c.session}/${c.launch}/${c.sever}`).join(', ')}` : '';
  const line = head + now;
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + '…' : line;
}

export interface ProgressOptions {
  write: (text: string) => void;
  /** redraw one line in place (a terminal) or print lines (a log) */
  tty: boolean;
  width?: number;
  strict: boolean;
  now?: () => number;
  /** in a log, how often to print the status line */
  everyMs?: number;
}

export class Progress implements ProgressSink {
  private total = 0;
  private done = 0;
  private failed = 0;
  private readonly running = new Map<string, Cell>();
  /** when the first cell started: building images and starting servers before it is not in the clock */
  private t0: number | null = null;
  private lastStatus = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ProgressOptions) {}

  /** Time since the first cell started; 0 before. "Time left" is estimated from it. */
  private elapsed(): number {
    return this.t0 === null ? 0 : this.now() - this.t0;
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  planned(total: number): void {
    this.total = total;
    this.lastStatus = this.now();
    // A redraw each second keeps the elapsed clock honest while long cells wait on the physics.
    if (this.o.tty) this.timer = setInterval(() => this.draw(), 1000).unref();
  }

  started(cell: Cell): void {
    this.t0 ??= this.now();
    this.running.set(cell.id, cell);
    this.draw();
  }

  finished(cell: Cell, r: CellResult): void {
    this.running.delete(cell.id);
    this.done++;
    if (r.expectations.some(o => o.status === 'failed' || (this.o.strict && o.status === 'unjudged'))) this.failed++;
    const line = finishedLine(this.done, this.total, this.elapsed(), cell, r, this.o.strict);
    this.o.write(this.o.tty ? `\r\x1b[K${line}\n` : `hangup-lab: ${line}\n`);
    this.draw();
  }

  /** Any other message of the run, printed above the status line. */
  say(line: string): void {
    this.o.write(this.o.tty ? `\r\x1b[Khangup-lab: ${line}\n` : `hangup-lab: ${line}\n`);
    if (this.total) this.draw();
  }

  /** Clear the status line (the run is over). */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.o.tty) this.o.write('\r\x1b[K');
  }

  private draw(): void {
    const status = { done: this.done, total: this.total, elapsedMs: this.elapsed(), running: [...this.running.values()], failed: this.failed };
    if (this.o.tty) {
      this.o.write(`\r\x1b[K${statusLine(status, (this.o.width ?? 100) - 1)}`);
    } else if (this.now() - this.lastStatus >= (this.o.everyMs ?? 30_000) && this.done > 0) {
      this.lastStatus = this.now();
      this.o.write(`hangup-lab: progress: ${statusLine(status, 400)}\n`);
    }
  }
}
