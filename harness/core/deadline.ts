/** A wait that ran out: its message says what was waited for and for how long. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * `promise`, or a DeadlineError with `message()` after `ms`. The work behind the promise is not
 * cancelled (a docker exec, an ssh login): the caller owns what it started and cleans it up; this
 * only guarantees that nobody waits for it without a bound.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message())), ms);
  });
  // A late rejection of the abandoned promise must not become an unhandled rejection.
  promise.catch(() => {});
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
