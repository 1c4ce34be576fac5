/**
 * At most `limit` holders at once; the others wait in order. Used to spread logins to one target:
 * each login makes the container's systemd start a user manager (about 0.3 s of CPU), and a burst
 * of twenty at once (a server's first cells, the repetitions of one case) was measured to delay
 * some logins beyond 15 s on two busy cores, long enough to make cells inconclusive at random.
 */
export class Gate {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Wait for a place; returns its release (calling it twice is harmless). */
  async enter(): Promise<() => void> {
    if (this.held >= this.limit) await new Promise<void>(resolve => this.waiting.push(resolve));
    else this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so `held` stays counted for it.
      if (next) next();
      else this.held--;
    };
  }

  get busy(): number {
    return this.held;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
