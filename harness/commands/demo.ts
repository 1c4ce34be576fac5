import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BadInputError, HarnessError, InfrastructureError } from '../core/errors.js';
import { REPORTS_DIR, reportsDir, shown } from '../core/paths.js';
import type { AxisName } from '../results.js';
import { portHolder, portInUseMessage } from '../core/host-port.js';
import { intFlag, parseFlags, stringFlag } from './args.js';
import type { Command, Flag } from './types.js';

/** Each axis's flag, the value a demo uses when the flag is not given, what it sets, and its values. */
const AXES: Record<AxisName, { flag: string; value: string; help: string; choices?: () => Promise<readonly string[]> }> = {
  target: { flag: 'target', value: 'debian-bookworm', help: 'the target (a Debian release and its variants)', choices: async () => Object.keys((await import('../target/targets.js')).TARGETS) },
  server: { flag: 'server', value: 'openssh', help: 'the SSH server', choices: async () => (await import('../server/registry.js')).servers.names },
  client: { flag: 'client', value: 'openssh', help: 'the SSH client', choices: async () => (await import('../client/registry.js')).clients.names },
  user: { flag: 'user', value: 'lab', help: 'the login user: lab (not root) or root' },
  session: { flag: 'session', value: 'pty', help: 'pty: an interactive login (ssh -tt); exec: ssh host cmd; exec-tty: ssh -tt host cmd', choices: async () => (await import('../session/registry.js')).sessions.names },
  launch: { flag: 'launch', value: 'nohup', help: 'how the probe is started', choices: async () => (await import('../launch/registry.js')).launches.names },
  workload: { flag: 'workload', value: 'quiet', help: 'what the probe does while it waits (chatty: writes to the terminal; reads-stdin: reads it; …)', choices: async () => (await import('../workload/registry.js')).workloads.names },
  sever: {
    flag: 'sever',
    value: 'client-kill',
    help: 'how the connection ends (NAME:N sets its number, e.g. sleep:20)',
    choices: async () => (await import('../sever/registry.js')).severs.all.map(s => (s.param ? `${s.name}[:N]` : s.name)),
  },
  clientAlive: { flag: 'client-alive', value: '1/2', help: "sshd's ClientAliveInterval/CountMax, e.g. 15/3, or off" },
  serverAlive: { flag: 'server-alive', value: 'off', help: "the client's ServerAliveInterval/CountMax, e.g. 15/3, or off" },
  tcpKeepAlive: { flag: 'tcp-keep-alive', value: 'yes', help: "sshd's TCPKeepAlive: yes or no" },
  kernel: { flag: 'kernel', value: 'default', help: "the target's TCP timers, e.g. tcp_keepalive_time=5,tcp_retries2=3, or default" },
  killUserProcesses: { flag: 'kill-user-processes', value: 'no', help: "logind's KillUserProcesses: yes or no" },
  linger: { flag: 'linger', value: 'off', help: "the user's linger (loginctl enable-linger): on or off" },
  huponexit: { flag: 'huponexit', value: 'off', help: "bash's huponexit in the login shell: on or off" },
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

/** The axes in the order of AXES (the Record type makes it name every axis; results.ts is not loaded for --help). */
const AXIS_ORDER = Object.keys(AXES) as AxisName[];

const FLAGS: Flag[] = [
  ...AXIS_ORDER.map(a => ({ name: AXES[a].flag, value: 'VALUE', help: `${AXES[a].help} (default: ${AXES[a].value})`, ...(AXES[a].choices ? { choices: AXES[a].choices } : {}) })),
  { name: 'port', value: 'N', help: "the target's sshd on 127.0.0.1:N instead of a random port, for your own ssh -p N" },
  { name: 'out', value: 'DIR', help: `where the reports and the recording go (default: ./${REPORTS_DIR}/demo)` },
];

export const demo: Command = {
  name: 'demo',
  summary: 'run one cell live and narrate it: the process tree, the sever, who noticed when, the signal, why',
  flags: FLAGS,
  notes: [
    "Every flag takes the values a scenario's axis takes; the demo is a one-cell scenario, kept as scenario.yaml next to " +
      'the reports: hangup-lab run DIR/scenario.yaml runs the same cell again. The client terminal is recorded (asciicast).',
  ],
  async run(args, ctx) {
    const { values: flags } = parseFlags(demo, args);
    const port = intFlag('demo', 'port', stringFlag(flags, 'port'), 1, 65535);
    // Before anything is written or started: a taken port must cost nothing.
    if (port !== undefined) await ensurePortFree(port);
    const given = flags as Record<string, string | undefined>;
    const values = Object.fromEntries(AXIS_ORDER.map(a => [a, given[AXES[a].flag] ?? AXES[a].value])) as Record<AxisName, string>;
    const out = path.resolve(stringFlag(flags, 'out') ?? reportsDir('demo'));
    const [{ castText, castTimestamp }, { endingLines, introLines, Narration }, { launches }, { runMatrix }, { loadScenario }, { sessions }, { TERMINAL_SIZE }, { writeReports }, { workloads }] = await Promise.all([
      import('../demo/cast.js'),
      import('../demo/narrate.js'),
      import('../launch/registry.js'),
      import('../run/matrix.js'),
      import('../scenario/load.js'),
      import('../session/registry.js'),
      import('../session/ssh-client.js'),
      import('./output.js'),
      import('../workload/registry.js'),
    ]);
    fs.mkdirSync(out, { recursive: true });

    const file = writeOneCellScenario(out, values);
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
      workload: workloads.get(values.workload).summary,
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
    ctx.say(`the client's terminal: ${shown(cast)} (asciinema play ${shown(cast)})`);
    print(['', '— the reports of this one-cell run —']);
    return writeReports(result, out, ctx);
  },
};

/**
 * The one-cell scenario, kept next to the results: `hangup-lab run` on it runs the same cell again.
 * JSON is YAML, and the loader validates it exactly as any scenario file.
 */
function writeOneCellScenario(out: string, values: Record<AxisName, string>): string {
  const file = path.join(out, 'scenario.yaml');
  const { target, ...axes } = values;
  const scenario = {
    name: 'demo',
    description: `one cell, narrated: ${values.session}/${values.launch}/${values.workload} × ${values.sever} on ${target}`,
    targets: [target],
    axes: Object.fromEntries(Object.entries(axes).map(([a, v]) => [a, [v]])),
    // One sample: a demo shows one run, latency distributions are for `run`.
    run: { concurrency: 1, latencyRepeats: 1 },
  };
  fs.writeFileSync(file, JSON.stringify(scenario, null, 2) + '\n');
  return file;
}

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
