// The setup of a cell: everything before the probe has logged its start (the login user, the
// login, the launch line). Setup may be tried again, a bounded few times, and every failed try is
// recorded in the result; nothing after the probe's start is ever retried, so no verdict is.
//
// Two things are told apart here:
// - a failed try of the *setup* (the login timed out on a loaded machine, the client gave up while
//   sshd sat in PAM): tried again after a pause;
// - a *systematic* fault (every first login of a server refused the same way: the run's key, the
//   host key, nothing listening): the run stops within seconds with one line and exit 3, instead of
//   trying every cell and ending with a table of inconclusive cells that looks like a result;
// - and what is not setup at all: a session that ran and ended on its own before the probe could
//   log anything (`ssh -tt host 'cmd &'`). That is the cell's outcome, observed, and it is never
//   tried again.
import pRetry, { AbortError } from 'p-retry';
import { clients } from '../client/registry.js';
import type { LoginFailure } from '../client/types.js';
import { InfrastructureError } from '../core/errors.js';
import type { Gate } from './gate.js';

/** One failed try of the setup, with the words that say why (the client's own last line, mostly). */
export class SetupFailure extends Error {
  constructor(
    message: string,
    /** the cause in a form that is the same for every cell (no user, address or port) */
    readonly causeText: string,
  ) {
    super(message);
    this.name = 'SetupFailure';
  }
}

/** The session ran and ended before the probe logged its start: an outcome, not a setup failure. */
export class NotSetup extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSetup';
  }
}

/** The tries of a cell's setup: this many in all at most (the first and two more). */
export const SETUP_ATTEMPTS = 3;
/** The pause before the second try; doubled before the third. A loaded machine gets time to drain. */
export const SETUP_RETRY_PAUSE_MS = 2000;

/**
 * The same cause with the cell's user, the addresses and the numbers taken out, so that two cells
 * refused the same way read the same: "hl1a2b@172.17.0.3: Permission denied (publickey)." and
 * "hl9f8e@172.17.0.3: Permission …" are one cause.
 */
export function normalizeCause(text: string): string {
  return text
    .replace(/\b[\w.-]+@[\w.:-]+:\s*/g, '')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, 'ADDR')
    .replace(/\bport \d+\b/g, 'port N')
    .replace(/\b\d+(?:\.\d+)?\s*ms\b/g, 'N ms')
    .replace(/"[^"]*\/id_ed25519"/g, '"KEY"')
    .trim();
}

type KnownCause = LoginFailure;

/**
 * What a failed login says, and which of those a loaded machine explains: each client declares its
 * own words (client/*.ts, loginFailures); these are the harness's own, for a login that did not
 * finish in time. Unknown words are treated as systematic only when every first login of a server
 * says them.
 */
const HARNESS_CAUSES: KnownCause[] = [{ re: /timed out after|did not start within|did not return in time/, transient: true, fix: '' }];
const KNOWN_CAUSES: KnownCause[] = [...clients.all.flatMap(c => c.loginFailures ?? []), ...HARNESS_CAUSES];

export function knownCause(cause: string): KnownCause | null {
  return KNOWN_CAUSES.find(k => k.re.test(cause)) ?? null;
}

/** How many first logins of one server must fail alike, with none succeeding, before the run stops. */
export const SYSTEMATIC_AFTER = 3;

/**
 * The logins of one server, as far as they tell whether its setup works at all. Once one login
 * has succeeded, the server works, and later failures are single failures; before that, the same
 * non-transient failure SYSTEMATIC_AFTER times in a row is the server (or the run) being wrong.
 */
export class LoginHealth {
  private succeeded = false;
  private readonly causes: string[] = [];
  private fault: InfrastructureError | null = null;
  private readonly listeners = new Set<(fault: InfrastructureError) => void>();

  constructor(readonly server: string) {}

  loginSucceeded(): void {
    this.succeeded = true;
  }

  /** Record a failed login; returns the systematic fault when this failure completes one. */
  loginFailed(cause: string): InfrastructureError | null {
    if (this.succeeded || this.fault) return this.fault;
    this.causes.push(cause);
    const last = this.causes.slice(-SYSTEMATIC_AFTER);
    if (last.length < SYSTEMATIC_AFTER || !last.every(c => c === cause)) return null;
    const known = knownCause(cause);
    if (known?.transient) return null;
    const fix = known?.fix ?? 'every first login of this server failed the same way; run `hangup-lab doctor`, which logs in with the same key and options';
    this.fault = new InfrastructureError(`${this.server}: the first ${SYSTEMATIC_AFTER} logins all failed with "${cause}"; ${fix}`);
    for (const l of this.listeners) l(this.fault);
    return this.fault;
  }

  get systematicFault(): InfrastructureError | null {
    return this.fault;
  }

  onFault(listener: (fault: InfrastructureError) => void): void {
    this.listeners.add(listener);
    if (this.fault) listener(this.fault);
  }
}

/** What one try of the setup is made of; the cell runner supplies the real steps. */
export interface SetupSteps<S> {
  /** before the login (the login user's settings, the launch's own preparation) */
  prepare(attempt: number): Promise<void>;
  /** open the session and send the launch line; the gate place is held around it */
  login(attempt: number): Promise<S>;
  /** resolves once the probe logged its start; throws SetupFailure or NotSetup when it did not */
  probeStarted(session: S, attempt: number): Promise<void>;
  /** undo a failed try: kill its client, end whatever it started, so the next try starts clean */
  undo(session: S | undefined, attempt: number): Promise<void>;
  /**
   * What the server says of a failed try, when the client's words do not explain it (a refused
   * login): added to the try's record. Null when there is nothing to add.
   */
  explain?(failure: SetupFailure, attempt: number): Promise<string | null>;
}

export interface SetupOptions {
  gate?: Gate;
  /** places in the gate this cell's login takes (gate.ts) */
  weight?: number;
  health?: LoginHealth;
  signal?: AbortSignal;
  attempts?: number;
  pauseMs?: number;
  /** told each try as it begins, for the budget's message ("setup try 2: …") */
  onAttempt?: (attempt: number) => void;
}

export interface SetUp<S> {
  session: S;
  attempts: number;
  failures: string[];
}

/** The setup's record when it gave up: every try and why it failed. */
export class SetupGaveUp extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly failures: string[],
  ) {
    super(message);
    this.name = 'SetupGaveUp';
  }
}

/**
 * Run the setup, trying again after a SetupFailure (at most `attempts` tries, pausing between
 * them). The gate place is taken for the login and given back on every path: the probe's start,
 * a failure, a timeout inside a step, an abort (the cell's budget, the run stopping). A NotSetup
 * or any other error is not tried again. A systematic fault of the server stops the tries at once.
 */
export async function setUp<S>(steps: SetupSteps<S>, o: SetupOptions = {}): Promise<SetUp<S>> {
  const failures: string[] = [];
  let attempts = 0;
  const tryOnce = async (attempt: number): Promise<S> => {
    attempts = attempt;
    o.onAttempt?.(attempt);
    o.signal?.throwIfAborted();
    let session: S | undefined;
    let leave = () => {};
    try {
      await steps.prepare(attempt);
      if (o.gate) leave = await o.gate.enter(o.weight ?? 1, o.signal);
      session = await steps.login(attempt);
      await steps.probeStarted(session, attempt);
      o.health?.loginSucceeded();
      return session;
    } catch (e) {
      // The place goes back before the undo, which may take seconds (a docker exec on a loaded
      // machine), so that the next cell's login need not wait for it.
      leave();
      await steps.undo(session, attempt).catch(() => {});
      if (o.signal?.aborted) throw new AbortError(o.signal.reason instanceof Error ? o.signal.reason : new Error(String(o.signal.reason)));
      if (!(e instanceof SetupFailure)) throw new AbortError(e as Error);
      const said = await steps.explain?.(e, attempt).catch(() => null);
      if (said) e.message += `; the server's log: ${said}`;
      failures.push(`try ${attempt}: ${e.message}`);
      const fault = o.health?.loginFailed(e.causeText);
      if (fault) throw new AbortError(fault);
      throw e;
    } finally {
      leave();
    }
  };
  try {
    const session = await pRetry(tryOnce, {
      retries: (o.attempts ?? SETUP_ATTEMPTS) - 1,
      minTimeout: o.pauseMs ?? SETUP_RETRY_PAUSE_MS,
      factor: 2,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { session, attempts, failures };
  } catch (e) {
    if (e instanceof SetupFailure) {
      throw new SetupGaveUp(`the setup failed ${attempts} time${attempts === 1 ? '' : 's'}; last: ${e.message}`, attempts, failures);
    }
    // Errors that are not setup failures keep their own type (NotSetup, an abort, a bug); the tries
    // made so far travel with them.
    if (e instanceof Error) Object.assign(e, { setupAttempts: attempts, setupFailures: failures });
    throw e;
  }
}
