// What happened during a cell's watch, decided from the watcher's recorded events alone: when the
// session ended, whether the probe died, and when to stop watching. Pure functions of the events
// and the window, so that event sequences recorded from real runs (test/fixtures/watch/) replay
// to the same decision; the live loop in cell.ts only feeds events in and waits.
import fs from 'node:fs';
import path from 'node:path';
import type { AfterSessionPlan } from '../observe/user-manager.js';
import { parseProbeLine, workloadObservations, type ProbeLogEntry } from '../observe/probe-log.js';
import { describeSender } from '../observe/sender.js';
import type { WatchEvent } from '../observe/watcher.js';
import type { CaughtSignal, ProcessInfo } from '../results.js';
import type { Observation } from './verdict.js';

/** Once the user manager has exited, what it killed is dead within a poll or two. */
export const AFTER_MANAGER_SETTLE_MS = 1000;

/** What the watch is about, fixed when the sever is applied. Times are monotonic ms. */
export interface WatchSetup {
  probePid: number;
  /** the per-session sshd and the user manager, as the "before" snapshot found them */
  sshdPid: number | null;
  managerPid: number | null;
  /** the sever's instant (or, for an exec session already over, the client's exit) */
  t0Mono: number;
  /** when the sever's apply returned: a sever that does not end the session is judged from here */
  appliedMono: number;
  /** the session was over before the sever (an exec session whose command returned) */
  sessionOver: boolean;
  sever: { name: string; endsSession: boolean; settleMs: number };
  /** the process that holds the session, when not sshd (mosh-server); absent: sshd */
  holder?: string;
  sessionTimeoutMs: number;
  afterSessionMs: number;
  /**
   * How long after the session's end to wait for what still kills the probe (the user manager's
   * stop, KillUserProcesses' stop of the session): afterSessionMs stretched by the load at the
   * sever (core/patience.ts). Absent in sequences recorded before it existed: afterSessionMs.
   */
  managerWaitMs?: number;
  /** the settle after the session ended when nothing else can kill the probe later */
  afterSessionSettleMs: number;
  plan: AfterSessionPlan;
}

export type WatchDecision =
  /** keep watching: until a new event arrives or this moment passes */
  | { done: false; untilMono: number }
  | { done: true; endedBecause: string; sessionEndMono: number | null };

const goneOf = (pid: number | null) => (e: WatchEvent) => pid !== null && e.e === 'gone' && e.pid === pid;

/**
 * The watch, decided at `nowMono` from the events since the sever: first for the end of the
 * session, then long enough for delayed deaths (only the user manager kills long after; it is
 * waited for when the probe lives in it, observe/user-manager.ts). A sever that is not meant to
 * end the session (a signal to the probe, an sshd restart) is judged on the probe alone, settleMs
 * after it acted. Any death of the probe ends the watch once the session's end is known (or its
 * deadline passed), so the record shows both.
 */
export function judgeWatch(events: readonly WatchEvent[], w: WatchSetup, nowMono: number): WatchDecision {
  const died = events.some(goneOf(w.probePid));
  const sshdEnd = events.find(goneOf(w.sshdPid))?.t ?? null;
  const wait = (untilMono: number): WatchDecision => ({ done: false, untilMono });
  const done = (endedBecause: string, sessionEndMono: number | null): WatchDecision => ({ done: true, endedBecause, sessionEndMono });
  const rel = (mono: number) => Math.round(mono - w.t0Mono);

  if (!w.sever.endsSession) {
    const sessionEnd = w.sessionOver ? w.t0Mono : sshdEnd;
    if (died) return done('the probe died', sessionEnd);
    if (nowMono < w.appliedMono + w.sever.settleMs) return wait(w.appliedMono + w.sever.settleMs);
    return done(`${w.sever.settleMs} ms passed after the ${w.sever.name}`, sessionEnd);
  }
  const sessionDeadline = w.t0Mono + w.sessionTimeoutMs;
  const sessionEnd = w.sessionOver ? w.t0Mono : sshdEnd;
  // A probe that died first still gives sshd until its deadline to end the session.
  if (sessionEnd === null && nowMono < sessionDeadline) return wait(sessionDeadline);
  if (died) return done('the probe died', sessionEnd);
  if (sessionEnd === null) return done(`${w.holder ?? 'sshd'} had not ended the session within ${w.sessionTimeoutMs} ms`, null);
  if (w.plan.kind === 'settle') {
    const deadline = sessionEnd + w.afterSessionSettleMs;
    if (nowMono < deadline) return wait(deadline);
    return done(`${w.afterSessionSettleMs} ms passed after the session ended (${w.plan.why})`, sessionEnd);
  }
  const patientWaitMs = w.managerWaitMs ?? w.afterSessionMs;
  if (w.plan.kind === 'session-stop') {
    const deadline = sessionEnd + patientWaitMs;
    if (nowMono < deadline) return wait(deadline);
    return done(`${patientWaitMs} ms passed after the session ended and the probe, in the session's cgroup, lived on (KillUserProcesses=yes)`, sessionEnd);
  }
  const managerGone = events.find(goneOf(w.managerPid));
  if (managerGone) {
    const deadline = managerGone.t + AFTER_MANAGER_SETTLE_MS;
    if (nowMono < deadline) return wait(deadline);
    return done(`the user manager (pid ${w.managerPid}) stopped ${rel(managerGone.t)} ms after the sever and the probe lived on`, sessionEnd);
  }
  const deadline = sessionEnd + patientWaitMs;
  if (nowMono < deadline) return wait(deadline);
  return done(`${patientWaitMs} ms passed after the session ended and the user manager had not stopped`, sessionEnd);
}

/** Whether an event can change the watch's decision (the others are heartbeats and the like). */
export function mattersToWatch(e: WatchEvent): boolean {
  return e.e === 'gone';
}

/**
 * The watch replayed over a recorded sequence, as the live loop runs it: each event arrives at its
 * own time, and the decision is taken again at each one and at each deadline.
 */
export function replayWatch(events: readonly WatchEvent[], w: WatchSetup): Extract<WatchDecision, { done: true }> & { stopMono: number } {
  let now = w.appliedMono;
  for (let seen = 0; ; ) {
    const d = judgeWatch(events.slice(0, seen), w, now);
    if (d.done) return { ...d, stopMono: now };
    const next = events[seen];
    if (next && next.t <= d.untilMono) {
      now = Math.max(now, next.t);
      seen++;
    } else now = d.untilMono;
  }
}

export interface ObserveInput {
  /** every event of the cell's watcher, and the index of the first after the sever */
  events: readonly WatchEvent[];
  fromEvent: number;
  probePid: number;
  t0Mono: number;
  sessionEndMono: number | null;
  /** when the watch ended */
  watchEndMono: number;
  probeInAfterSnapshot: boolean;
  /** the probe as the "after" snapshot lists it (absent: gone, or not recorded) */
  probeAfter?: ProcessInfo;
  sessionMustEnd: boolean;
  /** the process that holds the session, when not sshd (mosh-server) */
  sessionHolder?: string;
  /** who a sender pid was, when the probe's handler could not read it (it had exited) */
  senderName(pid: number): string | null;
}

/**
 * A signal the probe caught from a second before the sever on (its handler logs it; an earlier one
 * is the setup's business), its sender named by the probe or, when it had exited, by `senderName`.
 */
export function caughtSignal(l: ProbeLogEntry, t0Mono: number, senderName: (pid: number) => string | null): CaughtSignal | null {
  if (l.kind !== 'sig' || l.t < t0Mono - 1000) return null;
  return {
    signal: l.signal,
    atMs: Math.round(l.t - t0Mono),
    code: l.code,
    senderPid: l.senderPid,
    senderComm: l.senderComm ?? (l.senderPid ? senderName(l.senderPid) : null),
    cgroup: l.cgroup ?? null,
  };
}

/**
 * What the verdict is judged on, from the events: the probe's death (also one seen after the
 * window, while the "after" snapshot was taken: the two witnesses must then agree), the signals it
 * caught from a second before the sever on, its last heartbeat.
 */
export function observeWatch(o: ObserveInput): { obs: Observation; probeLog: ProbeLogEntry[] } {
  const rel = (mono: number) => Math.round(mono - o.t0Mono);
  const probeLog = o.events.flatMap(e => (e.e === 'log' ? [parseProbeLine(e.line)] : [])).filter(x => x !== null);
  const signalsCaught = probeLog.flatMap(l => caughtSignal(l, o.t0Mono, o.senderName) ?? []);
  const death = o.events.slice(o.fromEvent).find(goneOf(o.probePid));
  const heartbeats = probeLog.filter(l => l.kind === 'hb');
  return {
    probeLog,
    obs: {
      probePid: o.probePid,
      probeInAfterSnapshot: o.probeInAfterSnapshot,
      probeDeathMs: death ? rel(death.t) : null,
      signalsCaught,
      exitLogged: probeLog.some(l => l.kind === 'exit'),
      sessionEndedMs: o.sessionEndMono === null ? null : rel(o.sessionEndMono),
      sessionMustEnd: o.sessionMustEnd,
      ...(o.sessionHolder ? { sessionHolder: o.sessionHolder } : {}),
      lastHeartbeatMs: heartbeats.length ? rel(heartbeats.at(-1)!.t) : null,
      watchedMs: rel(o.watchEndMono),
      ...(o.probeAfter ? { stoppedAtEnd: stoppedAtEnd(probeLog, o) } : {}),
    },
  };
}

/** What stopped a probe that was stopped (state T) when the window closed: the last stop it logged and was not continued from. */
function stoppedAtEnd(probeLog: readonly ProbeLogEntry[], o: ObserveInput): NonNullable<Observation['stoppedAtEnd']> | null {
  if (!o.probeAfter || !o.probeAfter.state.startsWith('T')) return null;
  const stop = workloadObservations(probeLog, o.t0Mono, o.probeAfter).stops.findLast(s => s.resumedMs === null);
  if (!stop) return { signal: null, atMs: null, sender: null };
  return { signal: stop.signal, atMs: stop.atMs, sender: describeSender({ pid: stop.senderPid, comm: stop.senderComm, code: stop.code, signal: stop.signal }, o.probePid) };
}

/** A cell's watch as recorded for test/fixtures/watch/ (HANGUP_LAB_RECORD_WATCH=DIR). */
export interface WatchRecording {
  cell: { session: string; launch: string; sever: string; linger: string };
  setup: WatchSetup;
  fromEvent: number;
  probeInAfterSnapshot: boolean;
  watchEndMono: number;
  outcome: { endedBecause: string; sessionEndMono: number | null; obs: Observation; verdict: string };
  events: readonly WatchEvent[];
}

/**
 * Write a cell's watch to DIR/<id>.json when HANGUP_LAB_RECORD_WATCH=DIR is set: the sequences the
 * watch's tests replay come from real runs. Without it, nothing is written.
 */
export function recordWatch(id: string, r: WatchRecording, dir = process.env.HANGUP_LAB_RECORD_WATCH): void {
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  // Snapshots and the watcher's ticks say nothing the watch or the verdict reads.
  const kept = (e: WatchEvent) => e.e === 'gone' || e.e === 'log' || e.e === 'watching';
  const trimmed = { ...r, fromEvent: r.events.slice(0, r.fromEvent).filter(kept).length, events: r.events.filter(kept) };
  fs.writeFileSync(path.join(dir, `${id}.json`), `${JSON.stringify(trimmed, null, 1)}\n`);
}
