// The reattach question for tmux and screen (asked after the window, when the probe survived):
// can a new session attach to the detached one, and is the probe's output still advancing there?
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProbeLine } from '../observe/probe-log.js';
import type { Check } from '../results.js';
import { SHELL_PROMPT as PROMPT } from '../session/prompt.js';
import { stripAnsi, type SshClient } from '../session/ssh-client.js';
import { workloads } from '../workload/registry.js';
import type { AfterWindowContext } from './types.js';

export interface Reattach {
  /** what a person types to get the session back */
  attachLine: string;
  /** what the tool prints when there is nothing to attach to */
  nothingToAttach: RegExp;
  /**
   * Asked out of band, as the login user: does the tool itself count a client attached to the
   * session? The witness that an attach happened, where a quiet probe shows nothing on screen.
   */
  attached: { command: string; says: RegExp };
}

/** Logins tried for the new session before the question is left unanswered. */
const LOGIN_ATTEMPTS = 2;
/** Back at the shell prompt means the attach returned (there was nothing to attach to). */
const PROMPT_TIMEOUT_MS = 20_000;
/**
 * The most the check waits for an answer after typing the attach: a live heartbeat (chatty), the
 * tool saying a client is attached (quiet), or a failure message, any of which ends the wait. The
 * bound passing is "unknown", never "no": a slow machine is not a failed attach.
 */
const ATTACH_TIMEOUT_MS = 15_000;
const HEARTBEAT_LOG_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
/** Out-of-band questions (a docker exec each) are asked less often than the screen is read. */
const STATE_POLL_MS = 500;
/** What a probe that writes to the session prints (containers/agent/probe). */
const HEARTBEAT = /hangup-lab probe heartbeat (\d+)/g;

export async function reattachCheck(ctx: AfterWindowContext, r: Reattach): Promise<Omit<Check, 'atMs'>> {
  const name = 'reattach';
  let client: SshClient | undefined;
  const failures: string[] = [];
  // Opening the session is the question's setup: nothing has been asked until its prompt is
  // there, so a failed login is tried again (a bounded number of times), never the attach itself.
  while (!client && failures.length < LOGIN_ATTEMPTS) {
    try {
      client = (await ctx.openSession()).client;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (!client) return { name, ok: null, detail: `could not open a new session (${failures.length} tries): ${failures.join(' / ')}` };
  try {
    await client.waitFor(PROMPT, 'the prompt of the new session', PROMPT_TIMEOUT_MS);
    // A probe whose heartbeat goes to its terminal shows it live; any other shows nothing there.
    return workloads.get(ctx.cell.workload).writesToSession ? await liveOutput(ctx, client, r) : await quietAttach(ctx, client, r);
  } catch (e) {
    return { name, ok: null, detail: `the new session failed: ${(e as Error).message}` };
  } finally {
    // The tmux/screen server keeps the session when its client dies with the connection.
    client.kill('SIGKILL');
    await Promise.race([client.exited, sleep(1000)]);
  }
}

/**
 * Chatty: the attach redraws the screen, so old heartbeats show up at once and prove nothing. It
 * passes when a heartbeat arrives that is newer than every one seen before it in the new client and
 * newer than the probe's log said before the attach was typed: output the new client shows live.
 */
async function liveOutput(ctx: AfterWindowContext, client: SshClient, r: Reattach): Promise<Omit<Check, 'atMs'>> {
  const name = 'reattach';
  const before = await lastBeat(ctx);
  const from = client.text.length;
  const typedAt = Date.now();
  client.type(r.attachLine);
  let firstSeen: number | null = null;
  let newestSeen = before ?? 0;
  while (Date.now() - typedAt < ATTACH_TIMEOUT_MS) {
    await sleep(POLL_MS);
    const out = stripAnsi(client.text.slice(from));
    const failure = attachFailure(out, r);
    if (failure) return { name, ok: false, detail: `"${r.attachLine}" failed: ${failure}` };
    const beats = [...out.matchAll(HEARTBEAT)].map(m => Number(m[1]));
    if (firstSeen === null) {
      // Everything up to now, the redraw included, is the baseline.
      if (beats.length === 0) continue;
      firstSeen = Math.max(...beats);
      newestSeen = Math.max(newestSeen, firstSeen);
      continue;
    }
    const live = beats.find(n => n > newestSeen);
    if (live !== undefined) {
      return {
        name,
        ok: true,
        detail: `"${r.attachLine}" showed heartbeat ${firstSeen}, then ${live} arrived live (log was at ${before ?? '?'} before the attach)`,
      };
    }
  }
  const seen = firstSeen === null ? 'no heartbeat at all' : `heartbeat ${firstSeen} but nothing newer`;
  return { name, ok: null, detail: `"${r.attachLine}" showed ${seen} within ${ATTACH_TIMEOUT_MS} ms and no failure message` };
}

/**
 * Quiet: an attached client shows a blank pane, so the tool itself is asked, out of band, whether
 * it counts a client attached to the session; it passes when it does, with no failure message on
 * the screen, while the probe keeps beating.
 */
async function quietAttach(ctx: AfterWindowContext, client: SshClient, r: Reattach): Promise<Omit<Check, 'atMs'>> {
  const name = 'reattach';
  const from = client.text.length;
  const typedAt = Date.now();
  client.type(r.attachLine);
  let asked = 0;
  let said = '';
  while (Date.now() - typedAt < ATTACH_TIMEOUT_MS) {
    await sleep(POLL_MS);
    const failure = attachFailure(stripAnsi(client.text.slice(from)), r);
    if (failure) return { name, ok: false, detail: `"${r.attachLine}" failed: ${failure}` };
    if (Date.now() - asked < STATE_POLL_MS) continue;
    asked = Date.now();
    said = await isAttached(ctx, r);
    if (!r.attached.says.test(said)) continue;
    const beat = await lastBeat(ctx);
    if (beat === null) {
      return { name, ok: null, detail: `"${r.attachLine}" attached, but the probe logged no heartbeat within ${HEARTBEAT_LOG_TIMEOUT_MS} ms` };
    }
    return { name, ok: true, detail: `"${r.attachLine}" attached ("${r.attached.command}" lists it); the probe still beats (heartbeat ${beat})` };
  }
  const last = said.trim().split('\n')[0]?.trim();
  return {
    name,
    ok: null,
    detail: `"${r.attachLine}" neither failed nor showed as attached within ${ATTACH_TIMEOUT_MS} ms ("${r.attached.command}" said ${last ? `"${last}"` : 'nothing'})`,
  };
}

/** The tool's own answer (stdout and stderr) to "is a client attached", asked as the login user. */
async function isAttached(ctx: AfterWindowContext, r: Reattach): Promise<string> {
  const a = await ctx.target.sh(`runuser -u ${ctx.loginUser} -- ${r.attached.command} 2>&1`).catch((e: Error) => ({ stdout: e.message }));
  return a.stdout;
}

function attachFailure(out: string, r: Reattach): string | null {
  const said = r.nothingToAttach.exec(out);
  if (said) return `it printed "${said[0].trim()}"`;
  const prompt = PROMPT.exec(out);
  if (!prompt) return null;
  // Whatever it printed before giving up (e.g. screen's "There are several suitable screens"),
  // without the echo of the typed line.
  const printed = out
    .slice(0, prompt.index)
    .split(/\r?\n|\r/)
    .map(l => l.trim())
    .filter(l => l && l !== r.attachLine);
  return `it returned to the shell prompt${printed.length ? ` after printing "${printed.slice(0, 2).join(' / ')}"` : ''}`;
}

/** The number of the probe's next heartbeat in its log, or null when none comes. */
async function lastBeat(ctx: AfterWindowContext): Promise<number | null> {
  const line = await ctx.waitForLog(/ hb /, HEARTBEAT_LOG_TIMEOUT_MS);
  const e = line === null ? null : parseProbeLine(line);
  return e?.kind === 'hb' ? e.n : null;
}
