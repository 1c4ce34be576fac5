import { parseProbeLine } from '../observe/probe-log.js';
import { asRoot, rootCleanup, stopSystemUnit, unitFilePath } from './systemd.js';
import { defineLaunchMode, type AfterWindowContext } from './types.js';

/** systemd waits this long before it restarts the process (RestartSec=1 in the unit). */
const RESTART_SEC = 1;
/** RestartSec plus the probe's own start-up (perl) with a wide margin. */
const RESTART_TIMEOUT_MS = 5000;

// An installed service with Restart=always: what an administrator writes for a daemon that must
// keep running. Installing needs root, so prepare() writes it out of band before the session (a
// person would have done that once, earlier); the session only starts it.
export default defineLaunchMode({
  name: 'systemd-unit',
  summary: "'systemctl start unit': an installed system service with Restart=always (written beforehand as root)",
  holdsTerminal: false,
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

/**
 * Does the unit do what Restart=always promises? SIGKILL the surviving probe out of band and wait
 * for a new probe to log its start. The kill's moment is read in the target, on the same monotonic
 * clock as the probe's log, so the delay does not include docker exec's own latency.
 */
async function restartCheck(ctx: AfterWindowContext) {
  const name = 'restart';
  // Listen before the kill: the new start line may come before the kill's exec returns.
  const restarted = ctx.waitForLog(/ start /, RESTART_TIMEOUT_MS);
  const kill = await ctx.target.sh(
    `perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e '$t = clock_gettime(CLOCK_MONOTONIC) * 1000; kill("KILL", ${ctx.probePid}) or exit 1; printf("%.1f\\n", $t)'`,
  );
  const killedAtMs = Number(kill.stdout.trim());
  if (kill.exitCode !== 0 || Number.isNaN(killedAtMs)) {
    await restarted;
    return { name, ok: null, detail: `could not SIGKILL the probe (pid ${ctx.probePid}): it was already gone` };
  }
  const line = await restarted;
  const start = line === null ? null : parseProbeLine(line);
  if (start?.kind !== 'start') {
    return { name, ok: false, detail: `no new probe started within ${RESTART_TIMEOUT_MS} ms after SIGKILL of pid ${ctx.probePid}` };
  }
  const pid = Number(start.fields.pid);
  return {
    name,
    ok: Number.isInteger(pid) && pid !== ctx.probePid,
    detail: `came back as pid ${start.fields.pid ?? '?'} after ${Math.round(start.t - killedAtMs)} ms (RestartSec=${RESTART_SEC})`,
  };
}
