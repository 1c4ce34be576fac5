import { launches } from '../launch/registry.js';
import type { Check } from '../results.js';
import { resolveSession } from '../session/registry.js';
import { monoMs, type ClientExit, type SshClient } from '../session/ssh-client.js';
import type { SeverContext } from './types.js';

/** The client's exit if it has already happened, without waiting for it. */
export function exitedYet(client: SshClient): Promise<ClientExit | null> {
  return Promise.race([client.exited, new Promise<null>(resolve => setImmediate(() => resolve(null)))]);
}

/** Wait until the client exits or `ms` pass, whichever is first. */
export async function exitWithin(client: SshClient, ms: number): Promise<ClientExit | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>(resolve => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([client.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Is the session still usable (`when`: "after the nap")? Asked once, by a typed round trip where
 * there is a shell to answer, and by whether the client is still running. Typing is itself a
 * write, so on a dead connection it is what makes the client find out: that is what a person
 * does too. The answer is a check for the report, never a verdict.
 */
export async function sessionUsable(ctx: SeverContext, timeoutMs: number, when: string): Promise<Pick<Check, 'ok' | 'detail'>> {
  const { client } = ctx.session;
  let exit = await exitedYet(client);
  let answered: boolean | null = null;
  // Only a shell can answer, and not while a foreground job owns the terminal: the typed line would
  // go to the job, and its silence would read as a dead session.
  const whyNot = !resolveSession(ctx.cell.session).kind.shell
    ? 'the session has no shell to answer'
    : launches.get(ctx.cell.launch).holdsTerminal
      ? 'a foreground job holds the terminal'
      : null;
  if (!exit && whyNot === null) {
    answered = await ctx.session.roundTrip(timeoutMs);
    exit = await exitedYet(client);
  }
  if (exit) {
    const atMs = Math.round(ctx.sinceSever() - (monoMs() - exit.atMono));
    const last = client.lastLines(1)[0] ?? '';
    const how = exit.signal ?? `exit ${exit.exitCode}`;
    return { ok: false, detail: `client said "${last}" ${when} (${how} at +${atMs} ms)` };
  }
  if (answered === true) return { ok: true, detail: `the session answered a round trip ${when}` };
  // Silence within a bound is not a "no" (a check never fails for want of patience): unknown.
  if (answered === false) return { ok: null, detail: `no answer to a round trip within ${timeoutMs} ms ${when}; the client was still running at +${Math.round(ctx.sinceSever())} ms` };
  return { ok: null, detail: `the client was still running ${when} (at +${Math.round(ctx.sinceSever())} ms), but it cannot be asked: ${whyNot ?? 'this session kind has no round trip'}` };
}
