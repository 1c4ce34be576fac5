import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { castText, castTimestamp } from '../demo/cast.js';
import { endingLines, introLines, Narration } from '../demo/narrate.js';
import { BadInputError, HarnessError, InfrastructureError } from '../core/errors.js';
import { launches } from '../launch/registry.js';
import { ROOT } from '../core/paths.js';
import { AXIS_NAMES, type AxisName } from '../results.js';
import { runMatrix } from '../run/matrix.js';
import { loadScenario } from '../scenario/load.js';
import { sessions } from '../session/registry.js';
import { TERMINAL_SIZE } from '../session/ssh-client.js';
import { portHolder, portInUseMessage } from '../core/host-port.js';
import { intFlag, parseFlags } from './args.js';
import { writeReports } from './output.js';
import type { Command } from './types.js';

/** Each axis's flag, and the value a demo uses when the flag is not given. */
const AXES: Record<AxisName, { flag: string; value: string }> = {
  target: { flag: 'target', value: 'debian-bookworm' },
  server: { flag: 'server', value: 'openssh' },
  client: { flag: 'client', value: 'openssh' },
  user: { flag: 'user', value: 'lab' },
  session: { flag: 'session', value: 'pty' },
  launch: { flag: 'launch', value: 'nohup' },
  workload: { flag: 'workload', value: 'quiet' },
  sever: { flag: 'sever', value: 'client-kill' },
  clientAlive: { flag: 'client-alive', value: '1/2' },
  serverAlive: { flag: 'server-alive', value: 'off' },
  tcpKeepAlive: { flag: 'tcp-keep-alive', value: 'yes' },
  kernel: { flag: 'kernel', value: 'default' },
  killUserProcesses: { flag: 'kill-user-processes', value: 'no' },
  linger: { flag: 'linger', value: 'off' },
  huponexit: { flag: 'huponexit', value: 'off' },
};

const flagOf = (axis: string) => AXES[axis as AxisName]?.flag ?? axis;

/**
 * The scenario file's validators judge the flags, so a demo accepts exactly what a scenario does;
 * their messages name a scenario field, which is rewritten here to name the flag instead.
 */
function asFlagError(e: BadInputError, values: Record<AxisName, string>): BadInputError {
  const m = /: (?:axes\.(\w+)|targets)\[0\]: (.*)$/.exec(e.message);
  if (!m) return e;
  const axis = (m[1] ?? 'target') as AxisName;
  return new BadInputError(`hangup-lab demo: --${flagOf(axis)} "${values[axis]}": ${m[2]}`);
}

export const demo: Command = {
  name: 'demo',
  summary: 'run ONE cell live and narrate it: the process tree, the sever, who noticed when, the signal and its sender, and why; records the client terminal (asciicast)',
  usage:
    'demo [--launch MODE] [--sever METHOD] [--session KIND] [--workload chatty|quiet] [--target NAME] [--user lab|root] [--client-alive I/C|off] [--server-alive I/C|off] [--tcp-keep-alive yes|no] [--kernel SYSCTLS|default] [--kill-user-processes yes|no] [--linger on|off] [--huponexit on|off] [--port N] [--out DIR]',
  async run(args, ctx) {
    const { values: flags } = parseFlags('demo', args, {
      ...Object.fromEntries(Object.values(AXES).map(a => [a.flag, { type: 'string' as const }])),
      out: { type: 'string' },
      // The target's sshd on 127.0.0.1:N (instead of a random port), for a teacher's own ssh -p N.
      port: { type: 'string' },
    });
    const port = intFlag('demo', 'port', flags.port, 1, 65535);
    // Before anything is written or started: a taken port must cost nothing.
    if (port !== undefined) await ensurePortFree(port);
    const given = flags as Record<string, string | undefined>;
    const values = Object.fromEntries(AXIS_NAMES.map(a => [a, given[AXES[a].flag] ?? AXES[a].value])) as Record<AxisName, string>;
    const out = path.resolve(flags.out ?? path.join(ROOT, 'reports', 'demo'));
    fs.mkdirSync(out, { recursive: true });

    // The one-cell scenario is kept next to the results: `hangup-lab run --scenario` on it runs the
    // same cell again. JSON is YAML, and the loader validates it exactly as any scenario file.
    const file = path.join(out, 'scenario.yaml');
    const { target, ...axes } = values;
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          name: 'demo',
          description: `one cell, narrated: ${values.session}/${values.launch}/${values.workload} × ${values.sever} on ${target}`,
          targets: [target],
          axes: Object.fromEntries(Object.entries(axes).map(([a, v]) => [a, [v]])),
          // One sample: a demo shows one run, latency distributions are for `run`.
          run: { concurrency: 1, latencyRepeats: 1 },
        },
        null,
        2,
      ) + '\n',
    );
    let scenario;
    try {
      scenario = loadScenario(file, { allowNotApplicable: true });
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e instanceof BadInputError ? asFlagError(e, values) : e;
    }

    const print = (lines: string[]) => {
      if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    };
    print(introLines(values, {
      session: sessions.get(values.session).summary,
      launch: launches.get(values.launch).summary,
    }));
    const narration = new Narration();
    const result = await runMatrix(scenario, {
      say: ctx.say,
      version: ctx.version,
      concurrency: 1,
      record: true,
      ...(port !== undefined ? { hostPort: port } : {}),
      // Printed as it happens; a narration that fails must never take the measurement with it.
      narrate: (_cell, event) => {
        try {
          print(narration.lines(event));
        } catch (e) {
          ctx.say(`narration failed: ${(e as Error).message}`);
        }
      },
    });
    const cell = result.cells[0];
    if (!cell) throw new HarnessError('hangup-lab demo: the run produced no cell (a bug)', 70);
    print(endingLines(cell, result.targets.find(t => t.key === cell.serverKey) ?? null));

    // Always a cast, so every demo leaves the same files: a cell decided before any session opened
    // (a sever that cannot apply) gets one without events, and its title says why.
    const cast = path.join(out, `${cell.id}.cast`);
    const recording = cell.recording ?? { width: TERMINAL_SIZE.cols, height: TERMINAL_SIZE.rows, events: [] };
    const title = `hangup-lab demo: ${cell.session}/${cell.launch}/${cell.workload} × ${cell.sever} on ${cell.target}${cell.recording ? '' : ' (no session was opened)'}`;
    fs.writeFileSync(cast, castText(recording, { timestamp: castTimestamp(result.startedAt, cell), title }));
    ctx.say(`the client's terminal: ${path.relative(process.cwd(), cast)} (asciinema play ${path.relative(process.cwd(), cast)})`);
    print(['', '— the reports of this one-cell run —']);
    return writeReports(result, out, ctx);
  },
};

/** Bound and released at once: taken now means the engine could not publish there either. */
async function ensurePortFree(port: number): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | null>(resolve => {
    const server = net.createServer();
    server.once('error', e => resolve(e));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(null)));
  });
  if (!error) return;
  if (error.code === 'EADDRINUSE') throw new InfrastructureError(portInUseMessage(port, portHolder(port)));
  throw new InfrastructureError(`hangup-lab demo: --port ${port}: cannot bind 127.0.0.1:${port} (${error.code ?? error.message}); choose another port${port < 1024 ? ' (ports below 1024 need root)' : ''}`);
}
