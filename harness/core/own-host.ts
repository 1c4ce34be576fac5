// What a plug-in declares about a run on a server the harness did not build and does not own
// (`run --host`): there it logs in as the user, never as root, changes no setting and touches only
// the processes of its own sessions. The run asks this trait; it never lists plug-ins by name.

/**
 * ok: it can run there, needing only the user's own login (and, when named, a program the server
 * must have, as `inspect` read it, or a flag the user must give); not ok: why not, as the
 * not-applicable reason. A plug-in that declares nothing does not run there: safe is opt-in.
 */
export type OnOwnHost =
  | { ok: true; needsProgram?: string; needsFlag?: 'allow-local-firewall' }
  | { ok: false; why: string };

/** The not-applicable reason for a plug-in that declares nothing about servers of the user's own. */
export function undeclaredOnOwnHost(kind: string, name: string): string {
  return `${kind} ${name} is not declared safe on a server hangup-lab does not own (it may need root there or act beyond its own session), so run --host does not run it`;
}
