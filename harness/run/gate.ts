/**
 * At most `limit` places held at once; the others wait in order. Used to spread logins to one
 * target: each login makes the container's systemd start a user manager (about 0.3 s of CPU), and
 * a burst of twenty at once (a server's first cells, the repetitions of one case) was measured to
 * delay some logins beyond 15 s on two busy cores, long enough to make cells inconclusive.
 *
 * A holder may ask for more than one place (`weight`): a login whose client gives up after a few
 * silent seconds (an aggressive ServerAlive) waits for the container to be quiet rather than
 * compete with three others for a loaded systemd. A waiter whose signal aborts leaves the queue,
 * so a cell given up while waiting never takes a place it will not release.
 */
export class Gate {
  private held = 0;
  private readonly waiting: { weight: number; grant: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Wait for `weight` places (at most the limit); returns their release (calling it twice is harmless). */
  async enter(weight = 1, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    const w = Math.max(1, Math.min(this.limit, weight));
    if (this.waiting.length || this.held + w > this.limit) {
      await new Promise<void>((resolve, reject) => {
        const entry = { weight: w, grant: () => (signal?.removeEventListener('abort', onAbort), resolve()) };
        const onAbort = () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          // A heavy waiter leaving may let lighter ones behind it in.
          this.admit();
          reject(signal!.reason);
        };
        this.waiting.push(entry);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      this.held += w;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= w;
      this.admit();
    };
  }

  /** Hand free places to waiters in order; the first that does not fit holds the rest back (no overtaking). */
  private admit(): void {
    while (this.waiting.length && this.held + this.waiting[0]!.weight <= this.limit) {
      const next = this.waiting.shift()!;
      this.held += next.weight;
      next.grant();
    }
  }

  get busy(): number {
    return this.held;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
