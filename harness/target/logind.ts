// The login manager (systemd-logind, elogind) configured from the scenario: the killUserProcesses
// axis and logind.extra lines, in one drop-in, checked against what the manager itself says when
// it reads them. Where the drop-in goes and how the manager restarts are the session manager's
// (target/managers/): both read the same logind.conf keys.
import { BadInputError, InfrastructureError } from '../core/errors.js';
import type { YesNo } from '../results.js';
import type { LogindSetup } from './managers/types.js';
import type { ExecResult } from './types.js';

const LOGIND_HEADER = ['# written by hangup-lab', '[Login]'];

/** The harness's logind drop-in: its own line first, then the scenario's logind.extra, one per line. */
export function logindDropIn(killUserProcesses: YesNo, extra: readonly string[]): string {
  return [...LOGIND_HEADER, `KillUserProcesses=${killUserProcesses}`, ...extra].join('\n') + '\n';
}

/** The D-Bus property of a logind.conf line's key: times are exposed in µs ("…Sec" → "…USec"). */
export function logindProperty(line: string): string {
  return line.slice(0, line.indexOf('=')).replace(/Sec$/, 'USec');
}

/**
 * The first logind.extra line the login manager complained about, from its log of its start:
 * "/etc/systemd/logind.conf.d/50-hangup-lab.conf:4: Unknown key 'Foo' in section [Login], ignoring."
 * (systemd 252; 247 and elogind 246 say "Unknown key name 'Foo' in section 'Login'"), "…:5: Failed
 * to parse …". `dropIn` is the manager's drop-in path.
 */
export function logindRejections(journal: string, extra: readonly string[], dropIn: string): { index: number; message: string } | null {
  const firstExtraLine = LOGIND_HEADER.length + 2;
  for (const m of journal.matchAll(new RegExp(`${dropIn.replace(/[.]/g, '\\.')}:(\\d+): (.*)`, 'g'))) {
    const index = Number(m[1]) - firstExtraLine;
    // The line is not ignored here but refused: logind's "…, ignoring" would say otherwise.
    if (index >= 0 && index < extra.length) return { index, message: m[2]!.trim().replace(/, ignoring\.?$/, '').replace(/, ignoring: /, ': ') };
  }
  return null;
}

export interface LogindConfigureContext {
  targetName: string;
  scenarioFile: string;
  /** the session manager's drop-in path, restart and start log */
  setup: LogindSetup;
  killUserProcesses: YesNo;
  /** free-form "Key=Value" lines for the [Login] section, from the scenario */
  extra: readonly string[];
  sh(script: string): Promise<ExecResult>;
  copy(files: { content: string; target: string; mode: number }[]): Promise<void>;
}

/**
 * Before any login: logind reads its configuration when it starts. It only logs what it rejects
 * (and goes on without it), so the journal of this start is read back when the scenario added
 * lines of its own: a rejected line is bad input, not a silently different experiment.
 */
export async function configureLogind(ctx: LogindConfigureContext): Promise<void> {
  const { setup } = ctx;
  await ctx.copy([{ content: logindDropIn(ctx.killUserProcesses, ctx.extra), target: setup.dropIn, mode: 0o644 }]);
  const r = await ctx.sh(setup.restart);
  if (ctx.extra.length) {
    const log = await ctx.sh(setup.startLog);
    const rejected = logindRejections(log.stdout, ctx.extra, setup.dropIn);
    if (rejected) {
      const version = /^#version (.*)$/m.exec(log.stdout)?.[1] ?? '?';
      throw new BadInputError(
        `${ctx.scenarioFile}: logind.extra[${rejected.index}]: ${setup.daemon} on ${ctx.targetName} (${version}) rejects "${ctx.extra[rejected.index]}": ${rejected.message}; fix or remove it`,
      );
    }
  }
  if (r.exitCode !== 0) throw new InfrastructureError(`target ${ctx.targetName}: restarting ${setup.daemon} failed: ${r.stdout.trim()}`);
}
