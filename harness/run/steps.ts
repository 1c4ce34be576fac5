// A cell runs as named steps (after Playwright's runner/taskRunner.ts): each step has a title and
// may leave a teardown behind; a completed step's teardown goes on a stack, and the stack unwinds
// in reverse on every path out (a result, an error, the cell's stop). The title of the step in
// progress is what a cell given up by its budget names, so it always says where the cell was.

/** One step: what it does, and how to undo what it left behind once it completed. */
export interface Step<T> {
  title: string;
  run(ctx: StepContext): Promise<T> | T;
  /** undo what `run` left behind; given its value; runs on every path after the step completed */
  teardown?(value: T): Promise<void> | void;
  /**
   * Let go of the step at once when the stop comes, leaving its work to end on its own (a sever's
   * long apply, a nap: the cell goes on to its teardowns). Other steps end at their own bounded
   * waits, which take the signal.
   */
  abandonOnStop?: boolean;
}

export interface StepContext {
  signal: AbortSignal;
  /** name a part of the step as it begins ("setup try 2: opening the pty session"); stops if stopped */
  part(title: string): void;
}

/** A step was in progress when the stop came: it names the step, and carries the stop's reason. */
export class StepStopped extends Error {
  constructor(
    readonly step: string,
    readonly reason: unknown,
    /** what the step threw on its way out (the setup's tries travel on it, setup.ts) */
    thrown: unknown,
  ) {
    super(`stopped at "${step}": ${reason instanceof Error ? reason.message : String(reason)}`, { cause: thrown });
    this.name = 'StepStopped';
  }
}

export interface StepRunnerOptions {
  signal: AbortSignal;
  /** told each title as it begins, for the budget's message; 'cleaning up' while unwinding */
  onTitle?: (title: string) => void;
}

export interface TeardownFailure {
  title: string;
  error: unknown;
}

export class StepRunner implements AsyncDisposable {
  private readonly stack: { title: string; undo: () => Promise<void> | void }[] = [];
  private current = '';
  /** teardowns that threw: recorded, and the ones below them still ran */
  readonly teardownFailures: TeardownFailure[] = [];

  constructor(private readonly o: StepRunnerOptions) {}

  /** The title of the step (or part of it) in progress. */
  get title(): string {
    return this.current;
  }

  private begin(title: string): void {
    // Every step begins here: a stopped cell goes no further than the step it was in.
    this.o.signal.throwIfAborted();
    this.current = title;
    this.o.onTitle?.(title);
  }

  /** Run one step; once it completed, its teardown goes on the stack. */
  async run<T>(step: Step<T>): Promise<T> {
    this.begin(step.title);
    const ctx: StepContext = { signal: this.o.signal, part: t => this.begin(t) };
    let value: T;
    try {
      const work = Promise.resolve().then(() => step.run(ctx));
      value = step.abandonOnStop ? await this.orStop(work) : await work;
    } catch (e) {
      // A step that failed because of the stop names itself; its own errors keep their type.
      if (this.o.signal.aborted) throw new StepStopped(this.current, this.o.signal.reason, e);
      throw e;
    }
    const teardown = step.teardown;
    if (teardown) this.stack.push({ title: step.title, undo: () => teardown(value) });
    return value;
  }

  /** Put an undo on the stack without a step of its own (it runs in turn with the teardowns). */
  defer(title: string, undo: () => Promise<void> | void): void {
    this.stack.push({ title, undo });
  }

  private orStop<T>(work: Promise<T>): Promise<T> {
    // The abandoned work's late rejection is nobody's business once the cell has moved on.
    work.catch(() => {});
    const signal = this.o.signal;
    return new Promise<T>((resolve, reject) => {
      const onStop = () => reject(signal.reason);
      signal.addEventListener('abort', onStop, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onStop));
    });
  }

  /** Run the teardowns, last first; one that throws is recorded and the others still run. */
  async unwind(): Promise<void> {
    // Not begin(): the teardowns run also, and above all, when the cell was stopped.
    this.current = 'cleaning up';
    this.o.onTitle?.('cleaning up');
    for (let top = this.stack.pop(); top; top = this.stack.pop()) {
      try {
        await top.undo();
      } catch (error) {
        this.teardownFailures.push({ title: top.title, error });
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unwind();
  }
}
