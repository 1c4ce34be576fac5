// The facts that decide what happens to a process when an SSH connection ends, each read twice: off
// the inspected host (its report) and off a measured cell (its axes, or its target's fingerprint).
// A prediction is a measured cell whose deciding facts all equal the host's, never a guess: a fact
// the host report has as unknown matches nothing.
import type { InspectReport } from '../inspect/report.js';
import type { CellResult, TargetFingerprint } from '../results.js';
import type { Detector } from '../sever/types.js';

/** A host fact that could not be read; it equals no measured value. */
export const UNKNOWN = 'unknown';
/** A cell whose results file predates the fingerprint field the fact reads. */
const NOT_RECORDED = 'not recorded';

export interface DecidingFact {
  name: string;
  /** why it decides an outcome (shown beside a fact that did not match) */
  why: string;
  host(r: InspectReport): string;
  cell(c: CellResult, fp: TargetFingerprint | undefined): string;
  /**
   * Whether it decides this cell at all: a keepalive setting only decides a sever its detector could
   * notice (the sever plug-in's declared detectors, recorded in the cell). Absent: every cell.
   */
  decides?(c: CellResult): boolean;
}

/** "openssh 9.2" of a version line ("OpenSSH_9.2p1 Debian-2+deb12u10, …"), or null. */
export function releaseOf(server: string, version: string): string | null {
  const m = /^OpenSSH_(\d+\.\d+)/.exec(version);
  return m ? `${server} ${m[1]}` : null;
}

const detects = (d: Detector) => (c: CellResult) => c.detectors.includes(d);
const onOff = (v: string) => (v === 'yes' ? 'on' : v === 'no' ? 'off' : UNKNOWN);

export const DECIDING_FACTS: readonly DecidingFact[] = [
  {
    name: 'server release',
    // The distribution's patch level does not decide, the release does: 9.2 probes a busy session
    // with ClientAlive differently from 8.4 and 10.0 (FINDINGS.md, serverloop.c), 9.8 split sshd-session.
    why: "sshd's release decides when ClientAlive probes and how its per-connection processes end",
    host: r => (r.fingerprint.server === 'openssh' ? (releaseOf('openssh', r.fingerprint.serverVersion) ?? UNKNOWN) : UNKNOWN),
    cell: (_c, fp) => (fp ? (releaseOf(fp.server, fp.serverVersion) ?? fp.serverVersion) : NOT_RECORDED),
  },
  {
    name: 'login user',
    // logind's KillExcludeUsers is root by default, and root has a user manager of its own.
    why: 'logind spares root (KillExcludeUsers=root by default); root and an ordinary user have different user managers',
    host: r => (r.host.user.uid === '0' ? 'root' : /^\d+$/.test(r.host.user.uid) ? 'lab' : UNKNOWN),
    cell: c => c.user,
  },
  {
    name: 'session manager',
    // The manager's name says what a login gets (systemd without pam_systemd: no logind session),
    // but inspect names a systemd host whose PAM stack it could not read as if pam_systemd were
    // there: that host's manager is not known.
    why: 'whether a login gets a logind session, a session scope and a user manager',
    host: r => (r.host.pamSystemd.present === UNKNOWN ? UNKNOWN : (r.fingerprint.manager ?? UNKNOWN)),
    cell: (_c, fp) => fp?.manager ?? NOT_RECORDED,
  },
  {
    name: 'KillUserProcesses',
    why: "logind kills the whole session scope when the session ends (nohup, setsid, tmux started in it too)",
    host: r => r.fingerprint.config.killUserProcesses,
    cell: c => c.killUserProcesses,
  },
  {
    name: 'linger',
    why: "without linger the user's manager, and what runs under it (systemd-run --user), stops after the last session",
    host: r => onOff(r.host.linger),
    cell: c => c.linger,
  },
  {
    name: 'huponexit',
    // Every target's login shell is bash with huponexit off unless the cell's axis set it; another
    // shell (n/a: zsh hangs up its jobs by default) matches no measured cell.
    why: 'an exiting interactive bash with huponexit on sends SIGHUP to all its jobs, on a plain exit too',
    host: r => r.host.shell.huponexit,
    cell: c => c.huponexit,
  },
  {
    name: 'ssh unit KillMode',
    why: 'what stopping or restarting the ssh service does to the sessions it started',
    host: r => (r.fingerprint.sshKillMode === '?' ? UNKNOWN : r.fingerprint.sshKillMode),
    cell: (_c, fp) => fp?.sshKillMode ?? NOT_RECORDED,
  },
  {
    name: 'ClientAlive',
    why: 'when (and whether) sshd notices a client that went silent and ends its session',
    host: r => r.fingerprint.config.clientAlive,
    cell: c => c.clientAlive,
    decides: detects('sshd-clientalive'),
  },
  {
    name: 'TCPKeepAlive',
    why: "whether the kernel's keepalive probes can end a session whose peer is gone",
    host: r => r.fingerprint.config.tcpKeepAlive,
    cell: c => c.tcpKeepAlive,
    decides: detects('tcp-keepalive'),
  },
  {
    name: 'kernel TCP timers',
    // tcp_keepalive_* time the keepalive probes, tcp_retries2 how long unacknowledged output is retried.
    why: 'how long the kernel takes to give up on a dead peer (keepalive probes, retransmissions of output)',
    host: r => r.fingerprint.config.kernel,
    cell: c => c.kernel,
    decides: c => detects('tcp-keepalive')(c) || detects('write')(c),
  },
];

/** The host's value of every deciding fact, in the list's order. */
export function hostValues(r: InspectReport): { fact: string; value: string; why: string }[] {
  return DECIDING_FACTS.map(f => ({ fact: f.name, value: f.host(r), why: f.why }));
}
