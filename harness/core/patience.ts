// Setup waits (a login's prompt, a probe's first heartbeat) have bounds set on a quiet machine. On
// a loaded one the same login takes longer: measured here at load 40-45 on 2 cores, trixie's login
// printed nothing for 20 s three times in a row while the bookworm and bullseye ones came through.
// Such a bound stretches with the load, so a busy machine makes setup slower, not a cell
// inconclusive. Watch windows never stretch: they are part of what a verdict means.
import os from 'node:os';

/** The stretch never goes past this: a bound is still a bound. */
export const MAX_STRETCH = 3;

/** 1 on an idle machine; the 1-minute load average per CPU above that, at most MAX_STRETCH. */
export function loadStretch(load1 = os.loadavg()[0] ?? 0, cpus = os.availableParallelism()): number {
  return Math.min(MAX_STRETCH, Math.max(1, load1 / Math.max(1, cpus)));
}

/** A setup bound measured on a quiet machine, stretched for the load now. */
export function patientMs(quietMs: number, stretch = loadStretch()): number {
  return Math.round(quietMs * stretch);
}
