// A session manager as a target runs it: what PID 1 is, what registers a login (logind through
// pam_systemd, elogind through pam_elogind) and what that gives a cell. Everything the harness
// does differently by manager is asked of its plug-in here; nothing else switches on its name.

/**
 * What a cell may need of the manager beyond a login:
 * - 'user-manager': the user's own service manager (systemd --user), reached through the login's
 *   logind session (launch modes systemd-run --user, --scope)
 * - 'system-units': systemd as PID 1, which starts transient and installed units (systemd-run, systemctl start)
 * - 'linger': a user manager that runs without any session (`loginctl enable-linger`, the linger axis)
 */
export type ManagerNeed = 'user-manager' | 'system-units' | 'linger';

export interface DeclineContext {
  /** the target's name */
  target: string;
  /** what asked: a launch mode's name, or the axis value ("linger on") */
  by: string;
}

/** How the container gives the manager its cgroups (harness/target/cgroup.ts). */
export type CgroupLayout =
  /** the host's hierarchy, bind-mounted (systemd: read-only on v1 hosts, writable on v2) */
  | 'host-hierarchy'
  /**
   * a cgroup namespace of its own, in which the image mounts a cgroup2 file system at boot:
   * the manager's session cgroups stay below the container's own (needs CAP_SYS_ADMIN)
   */
  | 'own-namespace';

/** Where logind's settings go and how the login manager is made to read them. */
export interface LogindSetup {
  /** the login manager's daemon, as messages name it (systemd-logind, elogind) */
  daemon: string;
  /** the harness's drop-in (the killUserProcesses axis and logind.extra) */
  dropIn: string;
  /** shell: restart the login manager so it reads the drop-in, and wait until it answers on the bus */
  restart: string;
  /**
   * Shell printing what the login manager logged while it started (lines "<dropIn>:<n>: <complaint>"
   * for rejected lines), then "#version <what and which version>".
   */
  startLog: string;
}

export interface SessionManager {
  name: string;
  summary: string;
  /** What it cannot give a cell, each with why (→ not-applicable, or bad input for a whole block); unlisted needs it meets. */
  lacks: Partial<Record<ManagerNeed, (c: DeclineContext) => string>>;
  cgroups: CgroupLayout;
  /** capabilities its container needs beyond the cells' own (the own-namespace cgroup mount) */
  capAdd: readonly string[];
  /** shell that succeeds once the system has booted (the SSH server's banner is awaited besides) */
  readyScript: string;
  /** the command restarting a service (the SSH server's `service`: ssh, dropbear, a socket), without redirections */
  restartService(service: string): string;
  /** shell printing the recent log lines of a service (journalctl's -u pattern), for the caller to grep */
  serviceLog(units: string): string;
  /** shell printing how stopping the service treats the processes it started (systemd: its KillMode) */
  stopMode(service: string): string;
  logind: LogindSetup;
  /** shell printing `v.NAME=version` lines for the fingerprint (the manager's own packages) */
  versionsScript: string;
}

export function defineManager(m: SessionManager): SessionManager {
  return m;
}
