// ssh's arguments for a login of the user's own (inspect, run --host's observer and its sessions):
// their config, agent and known_hosts decide; only what the harness must force is said. One
// builder, so the three logins cannot drift apart in the order that decides who wins.

/** What the user gave for their login: the port, --identity and each --ssh-option `K=V`. */
export interface OwnLogin {
  port: number | null;
  identity?: string;
  sshOptions: readonly string[];
}

/**
 * BatchMode first and then `forced`, because for ssh the first value of an option wins: the user's
 * options cannot make it prompt or undo what the harness forces. ConnectTimeout after the user's,
 * so theirs wins. `flags` (e.g. -T) come before the port and the identity.
 */
export function ownLoginArgs(l: OwnLogin, forced: readonly string[] = [], flags: readonly string[] = []): string[] {
  return [
    '-o', 'BatchMode=yes',
    ...forced,
    ...l.sshOptions.flatMap(opt => ['-o', opt]),
    '-o', 'ConnectTimeout=15',
    ...flags,
    ...(l.port !== null ? ['-p', String(l.port)] : []),
    ...(l.identity ? ['-i', l.identity] : []),
  ];
}
