import type { Workload } from '../results.js';

/** Where the probe is installed in every target image (containers/agent/probe). */
export const PROBE_BIN = '/usr/local/lib/hangup-lab/probe';
/** The kernel's task name of the probe and of a tree's child: its file name, cut to TASK_COMM_LEN - 1. */
export const PROBE_COMM = PROBE_BIN.slice(PROBE_BIN.lastIndexOf('/') + 1).slice(0, 15);

/** The probe's log lives in the cell user's home, where the user can write under every launch mode. */
export function probeLogPath(user: string): string {
  return `/home/${user}/probe.log`;
}

/**
 * The command line a person would type to start the probe. Kept short and shell-neutral: every
 * launch mode wraps exactly this string.
 */
export function probeCommand(user: string, workload: Workload, at: { bin?: string; log?: string } = {}): string {
  return `${at.bin ?? PROBE_BIN} ${at.log ?? probeLogPath(user)} ${workload}`;
}
