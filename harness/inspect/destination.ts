// `--host [user@]host[:port]`, `--port N` and `--ssh-option K=V` checked before anything connects:
// a bad one is one line naming the flag, the value and the fix (exit 2). Pure.
import { BadInputError } from '../core/errors.js';

export interface Destination {
  user: string | null;
  /** a name (ssh's config may alias it), an IPv4 address, or an IPv6 address without brackets */
  host: string;
  port: number | null;
}

const EXAMPLE = 'e.g. --host admin@server.example:2222 or --host server';
// A name or an IPv4 address; a leading "-" would be read by ssh as an option.
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

function port(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new BadInputError(`hangup-lab inspect: ${flag} "${text}": a port is an integer from 1 to 65535`);
  }
  return n;
}

/** `[user@]host[:port]` (IPv6: `[user@][addr]:port` or a bare address), and `--port`. */
export function parseDestination(text: string | undefined, portFlag?: string): Destination {
  if (text === undefined || text === '') throw new BadInputError(`hangup-lab inspect: --host is required; ${EXAMPLE}`);
  const bad = (why: string) => new BadInputError(`hangup-lab inspect: --host "${text}": ${why}; ${EXAMPLE}`);
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : null;
  if (user !== null && !USER.test(user)) throw bad(`"${user}" is not a user name`);
  let rest = text.slice(at + 1);
  let inlinePort: number | null = null;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1]!;
    if (bracketed[2] !== undefined) inlinePort = port('--host', bracketed[2]);
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const [h, p] = rest.split(':') as [string, string];
    rest = h;
    inlinePort = port('--host', p);
  }
  const ipv6 = rest.includes(':');
  if (ipv6 ? !/^[0-9A-Fa-f:.]+$/.test(rest) : !NAME.test(rest)) throw bad(`"${rest}" is not a host name or address`);
  const flagPort = portFlag === undefined ? null : port('--port', portFlag);
  if (inlinePort !== null && flagPort !== null && inlinePort !== flagPort) {
    throw new BadInputError(`hangup-lab inspect: --host "${text}" says port ${inlinePort} and --port says ${flagPort}; give the port once`);
  }
  return { user, host: rest, port: inlinePort ?? flagPort };
}

/** `--ssh-option K=V` as ssh's `-o K=V`: a keyword of letters, "=", a value. */
export function parseSshOption(text: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*=\S/.test(text)) {
    throw new BadInputError(`hangup-lab inspect: --ssh-option "${text}": not KEYWORD=VALUE as ssh_config(5) spells it; e.g. --ssh-option ConnectTimeout=5`);
  }
  return text;
}

/** The report's default file name for a host: its name with anything unsafe in a file name replaced. */
export function reportFileName(d: Destination): string {
  return `${d.host.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
}
