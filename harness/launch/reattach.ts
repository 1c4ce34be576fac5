// The reattach question for tmux and screen (asked after the window, when the probe survived):
// can a new session attach to the detached one, and is the probe's output still advancing there?
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProbeLine } from '../observe/probe-log.js';
import type { Check } from '../results.js';
import { SHELL_PROMPT as PROMPT } from '../session/prompt.js';
import { stripAnsi, type SshClient } from '../session/ssh-client.js';
import type { AfterWindowContext } from './types.js';

export interface Reattach {
  /** what a person types to get the session back */
  attachLine: string;
  /** what the tool prints when there is nothing to attach to */
  nothingToAttach: RegExp;
}

/** Back at the shell prompt means the attach returned (there was nothing to attach to). */
const PROMPT_TIMEOUT_MS = 20_000;
/** Chatty: heartbeats come every 200 ms; this leaves room for the redraw and a slow round trip. */
const LIVE_OUTPUT_TIMEOUT_MS = 3000;
/** Quiet: there is nothing to see, so give a failed attach this long to say so. */
const ATTACH_SETTLE_MS = 1500;
const HEARTBEAT_LOG_TIMEOUT_MS = 2000;
const POLL_MS = 50;
/** What the chatty probe prints (containers/agent/probe). */
const HEARTBEAT = /hangup-lab probe heartbeat (\d+)/g;

export async function reattachCheck(ctx: AfterWindowContext, r: Reattach): Promise<Omit<Check, 'atMs'>> {
  const name = 'reattach';
  let client: SshClient;
  try {
    client = (await ctx.openSession()).client;
  } catch (e) {
    return { name, ok: null, detail: `could not open a new session: ${(e as Error).message}` };
  }
  try {
    await client.waitFor(PROMPT, 'the prompt of the new session', PROMPT_TIMEOUT_MS);
    return ctx.cell.workload === 'chatty' ? await liveOutput(ctx, client, r) : await quietAttach(ctx, client, r);
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
  while (Date.now() - typedAt < LIVE_OUTPUT_TIMEOUT_MS) {
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
  return { name, ok: false, detail: `"${r.attachLine}" showed ${seen} within ${LIVE_OUTPUT_TIMEOUT_MS} ms` };
}

/**
 * Quiet: an attached client shows a blank pane, so success is the absence of failure: no "no such
 * session" message and no shell prompt (the attach did not return), while the probe keeps beating.
 */
async function quietAttach(ctx: AfterWindowContext, client: SshClient, r: Reattach): Promise<Omit<Check, 'atMs'>> {
  const name = 'reattach';
  const from = client.text.length;
  client.type(r.attachLine);
  await sleep(ATTACH_SETTLE_MS);
  const failure = attachFailure(stripAnsi(client.text.slice(from)), r);
  if (failure) return { name, ok: false, detail: `"${r.attachLine}" failed: ${failure}` };
  const beat = await lastBeat(ctx);
  if (beat === null) {
    return { name, ok: false, detail: `"${r.attachLine}" attached, but the probe logged no heartbeat within ${HEARTBEAT_LOG_TIMEOUT_MS} ms` };
  }
  return { name, ok: true, detail: `"${r.attachLine}" attached without error for ${ATTACH_SETTLE_MS} ms; the probe still beats (heartbeat ${beat})` };
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
