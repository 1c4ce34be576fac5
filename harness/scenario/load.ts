import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { BadInputError, unknownName } from '../errors.js';
import { launches } from '../launch/registry.js';
import type { AxisPattern, Axes } from '../matrix/expand.js';
import { sessions } from '../session/registry.js';
import { severs } from '../sever/registry.js';
import type { SshdSettings } from '../target/sshd-config.js';
import { TARGETS } from '../target/targets.js';

export const WORKLOADS = ['chatty', 'quiet'] as const;

// Kernel settings a scenario may set per container: TCP timers, which decide how long a dead peer
// goes unnoticed. Only these: anything else would change the host's behaviour under test.
const SYSCTLS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_retries2',
] as const;

const axisList = z.array(z.string()).min(1);
const pattern = z.record(z.string(), z.string());

const schema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    targets: z.array(z.string()).min(1),
    sshd: z
      .object({
        ClientAliveInterval: z.number().int().min(0).default(0),
        ClientAliveCountMax: z.number().int().min(0).default(3),
        TCPKeepAlive: z.boolean().default(true),
        extra: z.array(z.string().regex(/^[A-Za-z]+\s+\S.*$/, 'must be "Keyword value"')).default([]),
      })
      .strict()
      .default({ ClientAliveInterval: 0, ClientAliveCountMax: 3, TCPKeepAlive: true, extra: [] }),
    kernel: z.record(z.string(), z.number().int().min(0)).default({}),
    axes: z
      .object({ session: axisList, launch: axisList, workload: axisList, sever: axisList })
      .strict(),
    exclude: z.array(pattern).default([]),
    include: z.array(pattern).default([]),
    run: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(10),
        sessionTimeoutMs: z.number().int().min(1000).optional(),
        afterSessionMs: z.number().int().min(0).optional(),
      })
      .strict()
      .default({ concurrency: 10 }),
  })
  .strict();

export interface Scenario {
  file: string;
  name: string;
  description: string;
  axes: Axes;
  exclude: AxisPattern[];
  include: AxisPattern[];
  sshd: SshdSettings;
  sysctls: Record<string, string>;
  run: { concurrency: number; sessionTimeoutMs?: number; afterSessionMs?: number };
}

/** Load and validate a scenario; every error is one line naming the file, the field and the fix. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInputError(`${file}: cannot read the scenario file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    throw new BadInputError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() as unknown;
  // A single `target:` reads more naturally in small scenarios; it means a one-element list.
  if (raw && typeof raw === 'object' && 'target' in raw && !('targets' in raw)) {
    const { target, ...rest } = raw as Record<string, unknown>;
    return fromParsed(file, { ...rest, targets: [target] });
  }
  return fromParsed(file, raw);
}

function fromParsed(file: string, raw: unknown): Scenario {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new BadInputError(`${file}: ${where}: ${issue.message}`);
  }
  const s = parsed.data;
  const known: Record<keyof Axes, readonly string[]> = {
    target: Object.keys(TARGETS),
    session: sessions.names,
    launch: launches.names,
    workload: WORKLOADS,
    sever: severs.names,
  };
  const check = (axis: keyof Axes, values: string[], where: string) =>
    values.forEach((v, i) => {
      if (!known[axis].includes(v)) throw new BadInputError(`${file}: ${where}[${i}]: ${unknownName(axis, v, known[axis])}`);
    });
  check('target', s.targets, 'targets');
  for (const axis of ['session', 'launch', 'workload', 'sever'] as const) check(axis, s.axes[axis], `axes.${axis}`);
  for (const [list, name] of [
    [s.exclude, 'exclude'],
    [s.include, 'include'],
  ] as const) {
    list.forEach((p, i) =>
      Object.entries(p).forEach(([axis, v]) => {
        if (!Object.hasOwn(known, axis)) throw new BadInputError(`${file}: ${name}[${i}]: ${unknownName('axis', axis, Object.keys(known))}`);
        if (!known[axis as keyof Axes].includes(v))
          throw new BadInputError(`${file}: ${name}[${i}].${axis}: ${unknownName(axis, v, known[axis as keyof Axes])}`);
      }),
    );
  }
  for (const key of Object.keys(s.kernel)) {
    if (!(SYSCTLS as readonly string[]).includes(key)) throw new BadInputError(`${file}: kernel: ${unknownName('sysctl', key, SYSCTLS)}`);
  }
  return {
    file,
    name: s.name,
    description: s.description,
    axes: { target: s.targets, ...s.axes, workload: s.axes.workload as Axes['workload'] },
    exclude: s.exclude,
    include: s.include,
    sshd: s.sshd,
    sysctls: Object.fromEntries(Object.entries(s.kernel).map(([k, v]) => [k, String(v)])),
    run: s.run,
  };
}
