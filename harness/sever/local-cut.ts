// A network sever on a server of the user's own (`run --host --allow-local-firewall`): the harness
// has no root there, so the cut goes in this machine's firewall instead, for the session's one TCP
// connection (its exact 4-tuple, read from the local ssh client's own socket), and is removed at
// heal, at the end of the run, and on a signal (core/cleanup.ts). What the cut looks like from the
// server is the same silence (DROP) or reset (REJECT); what differs is where it is made, and so
// what is between: a local proxy (docker-proxy for a published port) sees it, the server does not.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { onCleanup } from '../core/cleanup.js';
import { connectionRules, type Endpoint, type RuleAction } from './iptables.js';
import type { SeverContext } from './types.js';

const run = promisify(execFile);

interface LocalCut {
  rules: string[];
  remove: () => Promise<void>;
}

/** The one established TCP connection of a local process (the ssh client): both ends, or null. */
export function connectionOf(pid: number, readFile = (p: string) => fs.readFileSync(p, 'utf8'), listFds = (p: string) => fs.readdirSync(p), readLink = (p: string) => fs.readlinkSync(p)): { local: Endpoint; remote: Endpoint } | null {
  const inodes = new Set(
    listFds(`/proc/${pid}/fd`).flatMap(fd => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readLink(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  const rows = readFile(`/proc/${pid}/net/tcp`).split('\n').slice(1).map(l => l.trim().split(/\s+/)).filter(f => f.length > 9);
  // State 01: ESTABLISHED. One such socket: ssh holds exactly one connection (no ControlMaster: client/openssh.ts).
  const mine = rows.filter(f => inodes.has(f[9]!) && f[3] === '01');
  if (mine.length !== 1) return null;
  const end = (hexPair: string): Endpoint => {
    const [ip, port] = hexPair.split(':') as [string, string];
    const n = parseInt(ip, 16);
    return { ip: [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.'), port: parseInt(port, 16) };
  };
  return { local: end(mine[0]![1]!), remote: end(mine[0]![2]!) };
}

/** This machine's two rules for the client's connection: its packets out, the server's in. */
export function localRules(c: { local: Endpoint; remote: Endpoint }, action: RuleAction): string[] {
  // connectionRules speaks as the server (INPUT from the client); here this machine is the client.
  return connectionRules(c.remote, c.local, action);
}

async function iptables(op: '-I' | '-D', rule: string): Promise<void> {
  await run('iptables', ['-w', op, ...rule.split(' ')], { timeout: 15_000 });
}

/** Put the cut in; its removal is registered before the first rule goes in. */
export async function applyLocalCut(ctx: SeverContext, action: RuleAction): Promise<void> {
  const c = connectionOf(ctx.session.client.pid);
  if (!c) throw new Error("could not find the ssh client's one TCP connection in /proc: nothing was cut");
  const rules = localRules(c, action);
  const remove = onCleanup(async () => {
    // Every copy; iptables fails when none is left.
    for (const rule of rules) while (await iptables('-D', rule).then(() => true, () => false));
  });
  const cut: LocalCut = { rules, remove };
  ctx.state.localCut = cut;
  for (const rule of rules) await iptables('-I', rule);
  ctx.pathBroke();
  ctx.mark(`cut in this machine's firewall: ${rules.join(' ; ')}`);
}

export async function healLocalCut(ctx: SeverContext): Promise<void> {
  await (ctx.state.localCut as LocalCut | undefined)?.remove();
}
