// The settings known to surprise, for a prediction: the inspect report's own (KillUserProcesses=yes,
// ClientAlive off, ClientAliveCountMax 0, linger off, no pam_systemd, huponexit, TMOUT), and what the
// predicted rows add: a launch mode that lives under the user's manager on a host without linger,
// and a busy session that ClientAlive never probes. Each names the measured cells that show it, if
// the results hold any. What a launch or workload does is asked of its plug-in's declaration.
import type { InspectReport } from '../inspect/report.js';
import { launches } from '../launch/registry.js';
import { workloads } from '../workload/registry.js';
import { releaseOf } from './deciding.js';
import type { Measured } from './types.js';
import type { Prediction, PredictionRow } from './schema.js';

type Surprise = Prediction['surprises'][number];

/** OpenSSH 9.2 and later probe with ClientAlive only after an idle interval (FINDINGS.md, serverloop.c). */
export function probesOnlyWhenIdle(release: string | null): boolean {
  const m = /^openssh (\d+)\.(\d+)$/.exec(release ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 9 || (major === 9 && minor >= 2);
}

const writesToSession = (workload: string) => workloads.has(workload) && workloads.get(workload).writesToSession;

/** `cells`: every measured cell of the results (any workload), for evidence. */
export function predictSurprises(report: InspectReport, rows: readonly PredictionRow[], cells: readonly Measured[]): Surprise[] {
  const out: Surprise[] = report.surprises.map(s => ({ ...s, cells: [] }));
  const { fingerprint: fp, host } = report;

  if (host.linger === 'no') {
    const inManager = [...new Set(rows.map(r => r.launch))].filter(l => launches.has(l) && launches.get(l).inUserManager);
    for (const launch of inManager) {
      out.push({
        fact: `linger for ${host.user.name}, launch ${launch}`,
        value: 'off',
        why: `${launch} runs the process under the user's service manager, which stops (SIGTERM) once the user's last session has ended: it does not outlive the logout`,
        cells: cells.filter(m => m.cell.launch === launch && m.cell.linger === 'off' && m.cell.verdict === 'killed').map(m => ({ file: m.file, id: m.cell.id })),
      });
    }
  }

  const alive = fp.config.clientAlive;
  const probing = alive !== 'off' && alive !== 'unknown' && !alive.endsWith('/0');
  if (probing && probesOnlyWhenIdle(releaseOf(fp.server, fp.serverVersion))) {
    const evidence = cells.filter(
      m =>
        writesToSession(m.cell.workload) &&
        m.cell.detectors.includes('sshd-clientalive') &&
        m.cell.clientAlive !== 'off' &&
        m.cell.verdict === 'session-open' &&
        probesOnlyWhenIdle(m.fp ? releaseOf(m.fp.server, m.fp.serverVersion) : null),
    );
    out.push({
      fact: 'a busy session and ClientAlive',
      value: `${alive} on ${fp.serverVersion.split(' ')[0]}`,
      why: 'sshd 9.2 and later send a ClientAlive probe only after a whole idle interval: a process that keeps writing to the session keeps a dropped client\'s session open until TCP gives up on its output (many minutes)',
      cells: evidence.map(m => ({ file: m.file, id: m.cell.id })),
    });
  }
  return out;
}
