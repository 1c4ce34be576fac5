// Stand-ins for the target and the ssh client, so launch modes can be tested without Docker.
import type { AfterWindowContext, LaunchContext } from '../../harness/launch/types.js';
import type { Cell, UserKind, Workload } from '../../harness/results.js';
import type { SshClient } from '../../harness/session/ssh-client.js';
import { servers } from '../../harness/server/registry.js';
import systemd from '../../harness/target/managers/systemd.js';
import type { Target } from '../../harness/target/types.js';
import { probeLogPath } from '../../harness/probe/command.js';

export const ID = '0a1b2c3d4e';
export const CELL_USER = `hl${ID}`;
export const UNIT = `hl-probe-${ID}`;
export const PROBE = `/usr/local/lib/hangup-lab/probe /home/${CELL_USER}/probe.log chatty`;

export interface FakeTarget {
  target: Target;
  scripts: string[];
}

/** A target whose `sh` records each script and answers with `answer(script)`. */
export function fakeTarget(answer: (script: string) => { exitCode: number; stdout?: string; stderr?: string } = () => ({ exitCode: 0 })): FakeTarget {
  const scripts: string[] = [];
  const sh = async (script: string) => {
    scripts.push(script);
    const a = answer(script);
    return { exitCode: a.exitCode, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  const target: Target = {
    id: '0123456789ab'.repeat(4),
    ip: '172.17.0.2',
    server: servers.get('openssh'),
    manager: systemd,
    sh,
    // An argv is recorded as the script a shell would run, so tests read one list.
    exec: async argv => sh(argv.join(' ')),
    spawnExec: () => {
      throw new Error('the fake target runs no long-lived commands');
    },
  };
  return { target, scripts };
}

export function launchContext(o: { user?: UserKind; workload?: Workload; target?: Target } = {}): LaunchContext & { user: UserKind } {
  const user = o.user ?? 'lab';
  return {
    cell: { id: ID, user, workload: o.workload ?? 'chatty' } as Cell,
    target: o.target ?? fakeTarget().target,
    loginUser: user === 'root' ? 'root' : CELL_USER,
    cellUser: CELL_USER,
    unitName: UNIT,
    probe: PROBE,
    probeLog: probeLogPath(CELL_USER),
    user,
  };
}

/**
 * A terminal client: `onType` is called with each typed line and may print (now or later, via the
 * `print` it gets). waitFor and kill behave like SshClient's.
 */
export class FakeClient {
  text = '';
  killedWith: string | null = null;
  typed: string[] = [];
  private resolveExit!: () => void;
  readonly exited = new Promise<void>(r => (this.resolveExit = r));
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly onType: (line: string, print: (s: string, afterMs?: number) => void) => void) {}

  print = (s: string, afterMs = 0) => {
    if (afterMs === 0) this.text += s;
    else this.timers.push(setTimeout(() => (this.text += s), afterMs));
  };

  type(line: string) {
    this.typed.push(line);
    this.text += `${line}\r\n`;
    this.onType(line, this.print);
  }

  async waitFor(re: RegExp, what: string, timeoutMs: number, from = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.text.slice(from));
      if (m) return from + m.index + m[0].length;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 10));
    }
  }

  kill(signal: string) {
    this.killedWith = signal;
    for (const t of this.timers) clearTimeout(t);
    this.resolveExit();
  }

  asSshClient(): SshClient {
    return this as unknown as SshClient;
  }
}

export function afterWindowContext(
  base: LaunchContext,
  o: { client?: FakeClient; openFails?: boolean; log?: (re: RegExp) => string | null; probePid?: number },
): AfterWindowContext {
  return {
    ...base,
    probePid: o.probePid ?? 4242,
    async openSession() {
      if (o.openFails || !o.client) throw new Error('connection refused');
      return { client: o.client.asSshClient(), logout: async () => {}, roundTrip: async () => null };
    },
    async waitForLog(re) {
      return o.log ? o.log(re) : null;
    },
  };
}
