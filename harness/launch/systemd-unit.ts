import { setTimeout as sleep } from 'node:timers/promises';
import { parseProbeLine } from '../observe/probe-log.js';
import type { Check } from '../results.js';
import { asRoot, parseTimespanMs, rootCleanup, stopSystemUnit, unitFilePath } from './systemd.js';
import { defineLaunchMode, type AfterWindowContext } from './types.js';

/** systemd waits this long before it restarts the process. */
const RESTART_SEC = 1;
/**
 * How long a start job of the unit may take (the unit says so; systemd's default is 90 s). For a
 * Type=simple unit that is the fork and exec, so a short value is no constraint; it bounds how long
 * the restart check has to wait for systemd's own answer.
 */
const TIMEOUT_START_SEC = 10;
/**
 * Added to the bound systemd's settings give, for the moments systemd and each docker exec need on
 * a loaded machine. Measured under `stress-ng --cpu 4` on 2 cores (load average 15): the probe was
 * back 1.2–1.3 s after the kill with RestartSec=1; the margin is for machines far slower than that,
 * and costs nothing when the answer comes early.
 */
const LOAD_MARGIN_MS = 10_000;
/** After systemd has started the new process, the probe (perl) still has to log its start. */
const PROBE_START_MARGIN_MS = 10_000;
const POLL_MS = 200;

// An installed service with Restart=always: what an administrator writes for a daemon that must
// keep running. Installing needs root, so prepare() writes it out of band before the session (a
// person would have done that once, earlier); the session only starts it.
export default defineLaunchMode({
  name: 'systemd-unit',
  summary: "'systemctl start unit': an installed system service with Restart=always (written beforehand as root)",
  protection: 'system-service',
  holdsTerminal: false,
  needs: ['system-units'],
  onOwnHost: { ok: false, why: 'installing a system unit needs root on the server, and run --host never uses root there' },
  line: ({ unitName, user }) => asRoot(user, `systemctl start ${unitName}`),
  async prepare(ctx) {
    const unit = [
      '[Unit]',
      `Description=hangup-lab probe of cell ${ctx.cell.id}`,
      '[Service]',
      // The cell's user, as for a person's own daemon; a root cell's unit runs as root.
      ...(ctx.cell.user === 'root' ? [] : [`User=${ctx.cellUser}`]),
      `ExecStart=${ctx.probe}`,
      'Restart=always',
      `RestartSec=${RESTART_SEC}`,
      `TimeoutStartSec=${TIMEOUT_START_SEC}`,
    ].join('\n');
    const r = await ctx.target.sh(`cat > ${unitFilePath(ctx.unitName)} <<'HL_UNIT'\n${unit}\nHL_UNIT\nsystemctl daemon-reload 2>&1`);
    if (r.exitCode !== 0) throw new Error(`systemd-unit: installing ${unitFilePath(ctx.unitName)} failed: ${(r.stdout + r.stderr).trim()}`);
  },
  afterWindow: restartCheck,
  // Restart=always would bring the probe back after any user cleanup: stop the unit, then
  // uninstall it so the container's next cells see no trace.
  cleanup: ctx =>
    rootCleanup(ctx, [
      ...stopSystemUnit(ctx.unitName),
      `systemctl disable ${ctx.unitName}`,
      `rm -f ${unitFilePath(ctx.unitName)}`,
      'systemctl daemon-reload',
    ]),
});

/** What `systemctl show` says about the unit, the parts the restart question needs. */
export interface UnitState {
  activeState: string;
  subState: string;
  /** why the unit last stopped or failed: success, signal, start-limit-hit, … */
  result: string;
  mainPid: number;
  nRestarts: number;
  restartMs: number;
  timeoutStartMs: number;
  startLimitBurst: number;
  startLimitIntervalMs: number;
}

export const UNIT_PROPERTIES = [
  'ActiveState',
  'SubState',
  'Result',
  'MainPID',
  'NRestarts',
  'RestartUSec',
  'TimeoutStartUSec',
  'StartLimitBurst',
  'StartLimitIntervalUSec',
] as const;

/** The unit's state from `systemctl show -p …` (KEY=VALUE lines); null when a property is missing or unreadable. */
export function parseUnitState(text: string): UnitState | null {
  const p = new Map(
    text
      .split('\n')
      .map(l => l.trim())
      .filter(l => l.includes('='))
      .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  if (!UNIT_PROPERTIES.every(k => p.has(k))) return null;
  const int = (k: string) => (/^\d+$/.test(p.get(k)!) ? Number(p.get(k)) : NaN);
  const state: UnitState = {
    activeState: p.get('ActiveState')!,
    subState: p.get('SubState')!,
    result: p.get('Result')!,
    mainPid: int('MainPID'),
    nRestarts: int('NRestarts'),
    restartMs: parseTimespanMs(p.get('RestartUSec')!),
    timeoutStartMs: parseTimespanMs(p.get('TimeoutStartUSec')!),
    startLimitBurst: int('StartLimitBurst'),
    startLimitIntervalMs: parseTimespanMs(p.get('StartLimitIntervalUSec')!),
  };
  return Number.isNaN(state.mainPid) || Number.isNaN(state.nRestarts) || Number.isNaN(state.restartMs) ? null : state;
}

/** One line of what systemd said, for a check's detail. */
export function describeUnitState(s: UnitState): string {
  return `${s.activeState}/${s.subState}, Result=${s.result}, MainPID=${s.mainPid}, NRestarts=${s.nRestarts}`;
}

/**
 * How long systemd may take, by the unit's own settings, to restart a killed main process: it
 * waits RestartSec, then runs a start job that may last TimeoutStartSec (an infinite one is capped
 * at the cell's patience for questions after the window); plus a margin for a loaded machine.
 */
export function restartBoundMs(s: UnitState): number {
  const timeoutStart = Number.isFinite(s.timeoutStartMs) && s.timeoutStartMs > 0 ? Math.min(s.timeoutStartMs, 15_000) : 15_000;
  return s.restartMs + timeoutStart + LOAD_MARGIN_MS;
}

export type RestartState =
  | { state: 'restarted'; pid: number }
  /** systemd itself says it will not restart the unit (failed, stopped, start limit hit) */
  | { state: 'refused'; why: string }
  | { state: 'pending' };

/**
 * Has systemd restarted the unit whose main process `killedPid` was killed, will it not, or is it
 * still on its way? Decided from systemd's own state only, never from how long it took: waiting in
 * auto-restart (RestartSec), a start job in flight, or the old state not yet updated are all
 * "pending", however long they last.
 */
export function restartState(before: UnitState, now: UnitState, killedPid: number): RestartState {
  if (now.result === 'start-limit-hit') {
    return { state: 'refused', why: `start limit hit (StartLimitBurst=${now.startLimitBurst} in ${now.startLimitIntervalMs} ms)` };
  }
  if (now.nRestarts > before.nRestarts && now.activeState === 'active' && now.mainPid > 0 && now.mainPid !== killedPid) {
    return { state: 'restarted', pid: now.mainPid };
  }
  // With Restart=always a killed main process sends the unit to auto-restart (activating), never
  // through failed/inactive; these are where systemd leaves a unit it will not start again.
  if ((now.activeState === 'failed' || now.activeState === 'inactive') && now.subState !== 'auto-restart') {
    const restarts = now.nRestarts === before.nRestarts ? 'NRestarts unchanged' : `NRestarts ${before.nRestarts}→${now.nRestarts}`;
    return { state: 'refused', why: `the unit ended ${now.activeState} (Result=${now.result}, ${restarts})` };
  }
  return { state: 'pending' };
}

/**
 * Does the unit do what Restart=always promises? SIGKILL the surviving probe out of band, then wait
 * on systemd's own state (NRestarts, ActiveState, MainPID) as long as the unit's settings allow,
 * and for the new probe to log its start. Two witnesses: systemd says it restarted the unit, and
 * the probe says it started again. The answer is "no" only when systemd says it will not restart;
 * a bound that expires first leaves the question unanswered, with what was seen. The kill's moment
 * is read in the target, on the same monotonic clock as the probe's log, so the delay does not
 * include docker exec's own latency.
 */
async function restartCheck(ctx: AfterWindowContext): Promise<Omit<Check, 'atMs'>> {
  const name = 'restart';
  const show = async () => parseUnitState((await ctx.target.sh(`systemctl show ${ctx.unitName} ${UNIT_PROPERTIES.map(p => `-p ${p}`).join(' ')}`)).stdout);
  const before = await show();
  if (!before) return { name, ok: null, detail: `systemctl show ${ctx.unitName} did not answer with the unit's state` };
  if (before.activeState !== 'active') return { name, ok: null, detail: `the unit was not running before the kill (${describeUnitState(before)})` };
  const boundMs = restartBoundMs(before);
  // Listen before the kill: the new start line may come before the kill's exec returns.
  const restarted = ctx.waitForLog(/ start /, boundMs + PROBE_START_MARGIN_MS);
  const kill = await ctx.target.sh(
    `perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e '$t = clock_gettime(CLOCK_MONOTONIC) * 1000; kill("KILL", ${ctx.probePid}) or exit 1; printf("%.1f\\n", $t)'`,
  );
  const killedAtMs = Number(kill.stdout.trim());
  if (kill.exitCode !== 0 || Number.isNaN(killedAtMs)) {
    await restarted;
    return { name, ok: null, detail: `could not SIGKILL the probe (pid ${ctx.probePid}): it was already gone` };
  }
  const settings = `RestartSec=${before.restartMs / 1000}, TimeoutStartSec=${before.timeoutStartMs / 1000}`;
  const deadline = Date.now() + boundMs;
  let seen = before;
  let decided: RestartState = { state: 'pending' };
  while (Date.now() < deadline) {
    seen = (await show()) ?? seen;
    decided = restartState(before, seen, ctx.probePid);
    if (decided.state !== 'pending') break;
    await sleep(POLL_MS);
  }
  if (decided.state === 'refused') {
    await restarted;
    return { name, ok: false, detail: `systemd will not restart it after SIGKILL of pid ${ctx.probePid}: ${decided.why}` };
  }
  if (decided.state === 'pending') {
    return { name, ok: null, detail: `no answer from systemd within ${boundMs} ms after SIGKILL of pid ${ctx.probePid} (${settings}); last seen: ${describeUnitState(seen)}` };
  }
  const line = await restarted;
  const start = line === null ? null : parseProbeLine(line);
  const restarts = `NRestarts ${before.nRestarts}→${seen.nRestarts}`;
  if (start?.kind !== 'start') {
    return { name, ok: null, detail: `systemd restarted it as pid ${decided.pid} (${restarts}), but the probe logged no start within ${boundMs + PROBE_START_MARGIN_MS} ms of the kill` };
  }
  const pid = Number(start.fields.pid);
  if (!Number.isInteger(pid) || pid === ctx.probePid) {
    return { name, ok: null, detail: `systemd restarted it as pid ${decided.pid} (${restarts}), but the probe's start line names pid ${start.fields.pid ?? '?'}` };
  }
  return {
    name,
    ok: true,
    detail: `came back as pid ${pid} after ${Math.round(start.t - killedAtMs)} ms (${restarts}, MainPID ${decided.pid}; ${settings})`,
  };
}
