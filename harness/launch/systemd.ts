// Helpers shared by the launch modes that go through systemd (systemd-run-*, systemd-unit): how a
// session reaches the system manager, and how the harness removes what a cell left there.
import type { UserKind } from '../results.js';
import type { LaunchContext } from './types.js';

/**
 * A command line that needs root, as the session types it. The cell's own user goes through sudo,
 * as on a real server: the image's /etc/sudoers.d/hangup-lab lets group hangup-lab run exactly
 * these commands without a password. `-n` because a scripted session must never sit at a password
 * prompt: if the rule does not match, sudo fails at once ("a password is required") and the probe
 * never starts, which the runner reports with the client's last lines.
 */
export function asRoot(user: UserKind, command: string): string {
  return user === 'root' ? command : `sudo -n ${command}`;
}

/** Where an installed (not transient) unit of this cell lives. */
export function unitFilePath(unitName: string): string {
  return `/etc/systemd/system/${unitName}.service`;
}

/**
 * Run cleanup commands as root out of band, each on its own so one failure (a unit already gone,
 * a user manager already stopped) does not skip the rest. Cleanup never fails a cell.
 */
export async function rootCleanup(ctx: LaunchContext, commands: string[]): Promise<void> {
  await ctx.target.sh(commands.map(c => `${c} >/dev/null 2>&1`).join('; ')).catch(() => undefined);
}

/** Stop a system unit and drop its failed state, so a later cell can reuse nothing of it. */
export function stopSystemUnit(unit: string): string[] {
  return [`systemctl stop ${unit}`, `systemctl reset-failed ${unit}`];
}

/**
 * Stop a unit of the login user's own service manager, from root, without a session of theirs. A
 * lab user's manager may already be gone (it stops UserStopDelaySec after the last session),
 * taking the unit with it; root's stays, and a lingering user's too, so without this their probe
 * would outlive the cell. `systemctl --user -M user@` needs systemd >= 248 (bullseye's 247 answers
 * "Cannot access user instance remotely"); running systemctl as the user against its runtime
 * directory works on every version, so that is what is used.
 */
export function stopUserUnit(loginUser: string, unit: string): string[] {
  const asUser = (verb: string) =>
    `runuser -u ${loginUser} -- env XDG_RUNTIME_DIR=/run/user/$(id -u ${loginUser}) systemctl --user ${verb} ${unit}`;
  return [asUser('stop'), asUser('reset-failed')];
}

const TIMESPAN_UNIT_MS: Record<string, number> = {
  y: 31_557_600_000,
  month: 2_629_800_000,
  M: 2_629_800_000,
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  min: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  'µs': 0.001,
  'μs': 0.001,
};

/**
 * A time span as `systemctl show` prints it ("1s", "1min 30s", "100ms", "1.500000s", "infinity",
 * "0") in ms: Infinity for infinity, NaN when it is not a time span.
 */
export function parseTimespanMs(text: string): number {
  const t = text.trim();
  if (t === 'infinity') return Number.POSITIVE_INFINITY;
  if (/^\d+$/.test(t)) return Number(t) / 1000; // a bare number is µs (systemd's own unit)
  const parts = t.split(/\s+/);
  let ms = 0;
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)([a-zµμ]+|M)$/.exec(part);
    const unit = m ? TIMESPAN_UNIT_MS[m[2]!] : undefined;
    if (!m || unit === undefined) return Number.NaN;
    ms += Number(m[1]) * unit;
  }
  return parts.length ? Math.round(ms * 1000) / 1000 : Number.NaN;
}
