import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { BadInputError, unknownName } from '../core/errors.js';
import { launches } from '../launch/registry.js';
import { workloads } from '../workload/registry.js';
import { patternMatches } from '../expect/judge.js';
import { blockCombinations, type Axes, type AxisPattern, type MatrixBlock } from '../matrix/expand.js';
import { AXIS_NAMES, VERDICTS, type AxisName, type Cell, type CellPattern, type Claim, type ClaimSet, type Expectation, type Race, type Verdict } from '../results.js';
import { clients, DEFAULT_CLIENT } from '../client/registry.js';
import { DEFAULT_SERVER, servers } from '../server/registry.js';
import { checkSessionValue } from '../session/registry.js';
import { severs } from '../sever/registry.js';
import { parseSeverValue } from '../sever/types.js';
import { TARGETS } from '../target/targets.js';
import { checkBlocks, checkExpectationCells, checkLogindExtra, checkRootLogin, checkSshdExtra } from './contradictions.js';
import { parseSshdConfigFile, type SshdConfigFile } from './sshd-config-file.js';
import { aliveText, kernelText, parseAlive, parseKernel, SYSCTLS } from './values.js';
import { scenarioSchema } from './schema.js';

export { scenarioFileSchema, scenarioSchema } from './schema.js';

/** Signals a probe can die of; an expectation naming another is a typo. */
export const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGPIPE', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGCONT', 'SIGSTOP', 'SIGTTIN', 'SIGTTOU', 'SIGXCPU', 'SIGXFSZ', 'SIGIO', 'SIGPWR', 'SIGSYS', 'SIGSEGV', 'SIGBUS', 'SIGABRT'] as const;

export interface Scenario {
  file: string;
  name: string;
  description: string;
  /** the blocks to expand (one when the scenario has no `matrices:`) */
  blocks: MatrixBlock[];
  /** every axis with every value any block uses, in order (for reports) */
  axes: Axes;
  /** free-form sshd lines, the same on every server */
  sshdExtra: string[];
  /** free-form "Key=Value" lines for logind's [Login] section, the same on every server */
  logindExtra: string[];
  /** a user's own sshd_config installed as every target's config (sshd.config or --sshd-config) */
  sshdConfig: SshdConfigFile | null;
  expectations: Expectation[];
  /** cases that race in the system under test: their disagreeing repetitions are a rate, not flaky */
  races: Race[];
  /** the article's claims, when this is a claims file */
  claims: ClaimSet | null;
  run: { concurrency: number; sessionTimeoutMs?: number; afterSessionMs?: number; latencyRepeats: number; repeat?: number; strict: boolean };
}

export interface LoadOptions {
  /** --sshd-config: overrides the scenario's sshd.config (a path relative to the working directory) */
  sshdConfig?: string;
  /**
   * Accept cells that can never run (a sever that cannot apply to their session and launch): the
   * demo shows one cell, and "this cannot apply, and why" is an answer it gives on purpose.
   */
  allowNotApplicable?: boolean;
}

/** Load and validate a scenario; every error is one line naming the file, the field and the fix. */
export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
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
    // The position leads the line already; the parser's own "at line N, column M:" would repeat it.
    const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new BadInputError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${what}`);
  }
  const raw = doc.toJS() as unknown;
  // A single `target:` reads more naturally in small scenarios; it means a one-element list.
  if (raw && typeof raw === 'object' && 'target' in raw && !('targets' in raw)) {
    const { target, ...rest } = raw as Record<string, unknown>;
    return fromParsed(file, { ...rest, targets: [target] }, opts);
  }
  return fromParsed(file, raw, opts);
}

type Parsed = z.infer<typeof scenarioSchema>;

/** How each axis's values are checked; a string is the reason a value is wrong. */
function validators(): Record<AxisName, (v: string) => true | string> {
  const among = (kind: string, known: readonly string[]) => (v: string) => known.includes(v) || unknownName(kind, v, known);
  const parses = (fn: (v: string) => unknown) => (v: string) => {
    try {
      fn(v);
      return true as const;
    } catch (e) {
      return (e as Error).message;
    }
  };
  return {
    target: among('target', Object.keys(TARGETS)),
    server: among('server implementation', servers.names),
    client: among('client implementation', clients.names),
    user: among('user', ['lab', 'root']),
    session: checkSessionValue,
    launch: among('launch mode', launches.names),
    workload: among('workload', workloads.names),
    sever: v => {
      const { name, param } = parseSeverValue(v);
      if (!severs.names.includes(name)) return unknownName('sever method', name, severs.names);
      const spec = severs.get(name).param;
      if (param === null) return true;
      if (!spec) return `sever "${name}" takes no parameter; write "${name}"`;
      const n = Number(param);
      if (!/^\d+$/.test(param) || n < spec.min || n > spec.max) {
        return `"${v}": the parameter of ${name} is ${spec.meaning}, a whole number from ${spec.min} to ${spec.max}`;
      }
      return true;
    },
    clientAlive: parses(parseAlive),
    serverAlive: parses(parseAlive),
    tcpKeepAlive: among('tcpKeepAlive value', ['yes', 'no']),
    kernel: parses(parseKernel),
    killUserProcesses: among('killUserProcesses value', ['yes', 'no']),
    linger: among('linger value', ['on', 'off']),
    huponexit: among('huponexit value', ['on', 'off']),
  };
}

/**
 * One spelling per value, so equal settings are one cell and one container: "net.ipv4.tcp_retries2=3"
 * and "tcp_retries2=3" are the same kernel.
 */
function canonical(axis: AxisName, value: string): string {
  return axis === 'kernel' ? kernelText(parseKernel(value)) : value;
}

/** YAML booleans read as the axis's own words. */
function text(axis: AxisName, v: string | number | boolean): string {
  if (typeof v !== 'boolean') return String(v);
  if (axis === 'tcpKeepAlive' || axis === 'killUserProcesses') return v ? 'yes' : 'no';
  return v ? 'on' : 'off';
}

/** What each step of reading a parsed scenario needs: how it reports a problem, how it checks a value. */
interface Reader {
  fail: (where: string, msg: string) => never;
  check: ReturnType<typeof validators>;
}

function fromParsed(file: string, raw: unknown, opts: LoadOptions): Scenario {
  const s = validated(file, raw);
  const r: Reader = {
    fail: (where, msg) => {
      throw new BadInputError(`${file}: ${where}: ${msg}`);
    },
    check: validators(),
  };
  checkKernel(s, r);
  const { sshdConfig, configWhere } = sshdConfigOf(file, s, raw, opts, r);
  const { blocks, topInclude } = blocksOf(s, r);
  if (!opts.allowNotApplicable) {
    checkBlocks(
      blocks,
      b => (s.matrices ? `matrices[${b}]` : 'axes'),
      (b, i) => (i < topInclude.length ? `include[${i}]` : `matrices[${b}].include[${i - topInclude.length}]`),
      r.fail,
    );
  }
  // Every value any cell can carry, includes too: a report must never hide a value as "fixed".
  const combos = blocks.flatMap(blockCombinations);
  checkRootLogin(combos, s.sshd.extra, sshdConfig?.permitRootLogin ? { where: `${configWhere} ${sshdConfig.file}`, ...sshdConfig.permitRootLogin } : null, r.fail);
  const axes = axesOf(blocks);
  const expectations = expectationsOf(s, combos, opts, r);
  const races = s.races.map((race, i): Race => ({ where: patternOf(r, combos, race.where, `races[${i}].where`), why: race.why }));
  const claims = claimsOf(s, combos, r);
  return {
    file,
    name: s.name,
    description: s.description,
    blocks,
    axes,
    sshdExtra: s.sshd.extra,
    logindExtra: s.logind.extra,
    sshdConfig,
    expectations,
    races,
    claims,
    run: s.run,
  };
}

/** The file checked against the schema; the first problem is one line in the harness's path notation. */
function validated(file: string, raw: unknown): Parsed {
  const parsed = scenarioSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // The same path notation as the harness's own messages: matrices[0].axes.sever[2].
  const where = issue.path.length
    ? issue.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('')
    : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = /(^|\.)axes$/.test(where) ? AXIS_NAMES.filter(a => a !== 'target') : [];
    const hint = known.length ? `: ${unknownName('axis', key, known)}` : `: unknown field "${key}"; remove it or check its spelling`;
    throw new BadInputError(`${file}: ${where}${hint}${key === 'target' ? ' (the target is set with target: or targets: at the top level)' : ''}`);
  }
  throw new BadInputError(`${file}: ${where}: ${issue.message}`);
}

function checkKernel(s: Parsed, { fail }: Reader): void {
  for (const key of Object.keys(s.kernel)) {
    if (!(SYSCTLS as readonly string[]).includes(key)) fail('kernel', unknownName('sysctl', key, SYSCTLS));
  }
  if (Object.keys(s.kernel).length && (s.axes.kernel || s.matrices?.some(m => m.axes.kernel))) {
    fail('kernel', 'set kernel sysctls either at the top level or as the `kernel` axis, not both');
  }
}

/**
 * A user's own sshd_config: its global keepalive settings are the defaults of the sshd axes, so
 * the cells say what the file says (the fingerprint then checks sshd agrees). Sets them in `s`.
 */
function sshdConfigOf(file: string, s: Parsed, raw: unknown, opts: LoadOptions, { fail }: Reader): { sshdConfig: SshdConfigFile | null; configWhere: string } {
  const configPath = opts.sshdConfig ?? (s.sshd.config === undefined ? undefined : path.resolve(path.dirname(file), s.sshd.config));
  const configWhere = opts.sshdConfig === undefined ? `${file}: sshd.config` : '--sshd-config';
  const sshdConfig = configPath === undefined ? null : parseSshdConfigFile(configPath, configWhere);
  checkSshdExtra(s.sshd.extra, fail);
  checkLogindExtra(s.logind.extra, fail);
  if (sshdConfig) {
    const given = raw as { sshd?: Record<string, unknown> };
    for (const key of ['ClientAliveInterval', 'ClientAliveCountMax', 'TCPKeepAlive'] as const) {
      if (given.sshd && key in given.sshd) {
        fail(`sshd.${key}`, `${sshdConfig.file} is the sshd config; set ${key} there, or vary it as an axis (clientAlive/tcpKeepAlive) to ask "what if"`);
      }
    }
    s.sshd.ClientAliveInterval = sshdConfig.global.ClientAliveInterval;
    s.sshd.ClientAliveCountMax = sshdConfig.global.ClientAliveCountMax;
    s.sshd.TCPKeepAlive = sshdConfig.global.TCPKeepAlive;
  }
  return { sshdConfig, configWhere };
}

/** Defaults: the top-level settings, as one-value axes. */
function defaultAxes(s: Parsed): Axes {
  return {
    target: s.targets,
    server: [DEFAULT_SERVER],
    client: [DEFAULT_CLIENT],
    user: ['lab'],
    session: [],
    launch: [],
    workload: [],
    sever: [],
    clientAlive: [aliveText(s.sshd.ClientAliveInterval, s.sshd.ClientAliveCountMax)],
    serverAlive: [aliveText(s.client.ServerAliveInterval, s.client.ServerAliveCountMax)],
    tcpKeepAlive: [s.sshd.TCPKeepAlive ? 'yes' : 'no'],
    kernel: [kernelText(Object.fromEntries(Object.entries(s.kernel).map(([k, v]) => [k, String(v)])))],
    killUserProcesses: [s.logind.KillUserProcesses ? 'yes' : 'no'],
    linger: ['off'],
    huponexit: ['off'],
  };
}

/** One axis value as written, checked and in its one spelling; `where` names it in the error. */
function valueOf({ fail, check }: Reader, axis: AxisName, v: string | number | boolean, where: string): string {
  const value = text(axis, v);
  const ok = check[axis](value);
  if (ok !== true) fail(where, ok);
  return canonical(axis, value);
}

function axesFrom(r: Reader, given: Parsed['axes'], where: string): Partial<Axes> {
  return Object.fromEntries(
    Object.entries(given)
      .filter(([, vs]) => vs !== undefined)
      .map(([axis, vs]) => [axis, vs!.map((v, i) => valueOf(r, axis as AxisName, v, `${where}.${axis}[${i}]`))]),
  );
}

function patternsFrom(r: Reader, list: Record<string, string | number | boolean>[], where: string): AxisPattern[] {
  return list.map((p, i) =>
    Object.fromEntries(
      Object.entries(p).map(([axis, v]) => {
        if (!(AXIS_NAMES as readonly string[]).includes(axis)) r.fail(`${where}[${i}]`, unknownName('axis', axis, AXIS_NAMES));
        return [axis, valueOf(r, axis as AxisName, v, `${where}[${i}].${axis}`)];
      }),
    ),
  );
}

/** The matrix blocks (one when the scenario has no `matrices:`), each with the top-level axes, excludes and includes. */
function blocksOf(s: Parsed, r: Reader): { blocks: MatrixBlock[]; topInclude: AxisPattern[] } {
  const { fail } = r;
  const defaults = defaultAxes(s);
  defaults.target.forEach((v, i) => {
    const ok = r.check.target(v);
    if (ok !== true) fail(`targets[${i}]`, ok);
  });
  if (s.matrices && s.include.length) {
    fail('include', 'with matrices:, put each include inside the block it belongs to (matrices[i].include)');
  }
  const topAxes = axesFrom(r, s.axes, 'axes');
  const top = { ...defaults, ...topAxes };
  const topExclude = patternsFrom(r, s.exclude, 'exclude');
  const topInclude = patternsFrom(r, s.include, 'include');
  const rawBlocks = s.matrices ?? [{ axes: {}, exclude: [], include: [], latencyRepeats: undefined }];
  const topNamed = Object.keys(topAxes) as AxisName[];
  const blocks = rawBlocks.map((b, i): MatrixBlock => {
    const where = s.matrices ? `matrices[${i}]` : 'axes';
    const own = axesFrom(r, b.axes, `${where}.axes`);
    const axes = { ...top, ...own };
    const matrixAxes = [...new Set<AxisName>(['target', ...topNamed, ...(Object.keys(own) as AxisName[])])];
    for (const required of ['session', 'launch', 'workload', 'sever'] as const) {
      if (!axes[required].length) {
        fail(s.matrices ? `${where}.axes.${required}` : `axes.${required}`, `missing; list the values to run${s.matrices ? ' (here or under the top-level axes:)' : ''}`);
      }
    }
    return {
      name: (b as { name?: string }).name ?? where,
      axes,
      matrixAxes,
      exclude: [...topExclude, ...patternsFrom(r, b.exclude, `${where}.exclude`)],
      include: [...topInclude, ...patternsFrom(r, b.include, `${where}.include`)],
      latencyRepeats: b.latencyRepeats ?? s.run.latencyRepeats,
    };
  });
  return { blocks, topInclude };
}

type Combination = Record<string, string>;

/** A where-pattern: known axes, valid values (one or a list), matching at least one cell. */
function patternOf(r: Reader, combos: readonly Combination[], given: Record<string, string | number | boolean | (string | number | boolean)[]>, where: string): CellPattern {
  const pattern: CellPattern = Object.fromEntries(
    Object.entries(given).map(([axis, v]) => {
      if (!(AXIS_NAMES as readonly string[]).includes(axis)) r.fail(where, unknownName('axis', axis, AXIS_NAMES));
      const list = Array.isArray(v) ? v : [v];
      return [axis, list.map((x, j) => valueOf(r, axis as AxisName, x, `${where}.${axis}${Array.isArray(v) ? `[${j}]` : ''}`))];
    }),
  );
  // A pattern that selects nothing is almost always a typo, and would pass silently forever.
  if (!combos.some(c => patternMatches(c as Record<AxisName, string>, pattern))) {
    r.fail(where, 'matches no cell of the matrix; check its axes and values against the matrix');
  }
  return pattern;
}

function verdictsOf({ fail }: Reader, v: string | string[], where: string): Verdict[] {
  return (Array.isArray(v) ? v : [v]).map((x, j) => {
    if (!(VERDICTS as readonly string[]).includes(x)) fail(`${where}${Array.isArray(v) ? `[${j}]` : ''}`, unknownName('verdict', x, VERDICTS));
    return x as Verdict;
  });
}

function signalOf({ fail }: Reader, sig: string, where: string): string {
  if (!(SIGNALS as readonly string[]).includes(sig)) fail(where, unknownName('signal', sig, SIGNALS));
  return sig;
}

function expectationsOf(s: Parsed, combos: readonly Combination[], opts: LoadOptions, r: Reader): Expectation[] {
  return s.expect.map((e, i): Expectation => {
    const where = `expect[${i}]`;
    const wherePattern = patternOf(r, combos, e.where, `${where}.where`);
    const verdicts = verdictsOf(r, e.verdict, `${where}.verdict`);
    if (!opts.allowNotApplicable) checkExpectationCells(combos, wherePattern, verdicts, `${where}.where`, r.fail);
    if (e.signal !== undefined) {
      signalOf(r, e.signal, `${where}.signal`);
      if (!verdicts.includes('killed')) r.fail(`${where}.signal`, `a signal only applies to the verdict "killed"; add killed to verdict or remove signal`);
    }
    return { index: i, where: wherePattern, verdict: verdicts, signal: e.signal ?? null, why: e.why };
  });
}

/** The article's claims, when this is a claims file (scenarios/claims/). */
function claimsOf(s: Parsed, combos: readonly Combination[], r: Reader): ClaimSet | null {
  if (s.claims && !s.article) r.fail('article', 'a file with claims names the article they come from (its file name or its URL)');
  if (!s.claims) return null;
  const article = s.article!;
  return {
    article,
    title: s.title ?? s.name,
    claims: s.claims.map((c, i): Claim => {
      const where = `claims[${i}]`;
      const { verdict, signal, sender, ...rest } = c.confirms;
      // The patterns are compiled when cells are judged: a bad one is bad input here, not a crash there.
      for (const [field, pattern] of [['sender', sender], ['probeState', rest.probeState], ['stdout', rest.stdout]] as const) {
        if (pattern === undefined) continue;
        try {
          new RegExp(pattern);
        } catch (e) {
          r.fail(`${where}.confirms.${field}`, `not a regular expression: ${(e as Error).message}`);
        }
      }
      return {
        id: c.id,
        article: c.source ?? article,
        claim: c.claim,
        where: patternOf(r, combos, c.where, `${where}.where`),
        confirms: {
          ...rest,
          ...(verdict !== undefined ? { verdict: verdictsOf(r, verdict, `${where}.confirms.verdict`) } : {}),
          ...(signal !== undefined ? { signal: signalOf(r, signal, `${where}.confirms.signal`) } : {}),
          ...(sender !== undefined ? { sender } : {}),
        },
        explain: c.explain,
      };
    }),
    untestable: s.untestable.map(u => ({ article, ...u })),
  };
}

/** Every value any cell of these blocks can carry, includes too: a report must never hide a value as "fixed". */
function axesOf(blocks: readonly MatrixBlock[]): Axes {
  return Object.fromEntries(
    AXIS_NAMES.map(a => [a, [...new Set(blocks.flatMap(b => [...b.axes[a], ...b.include.flatMap(p => (p[a] === undefined ? [] : [p[a]!]))]))]]),
  ) as Axes;
}

/**
 * The scenario narrowed to the named blocks (`run --block`), e.g. only the keepalive and NAT
 * questions of faults.yaml; an unknown name is bad input naming the known ones. The plan is then
 * the plan of those blocks: results of a narrowed run merge only with runs narrowed alike.
 */
export function selectBlocks(scenario: Scenario, names: readonly string[], flag = '--block'): Scenario {
  const known = scenario.blocks.map((b, i) => b.name ?? `matrices[${i}]`);
  for (const n of names) {
    if (!known.includes(n)) throw new BadInputError(`${scenario.file}: ${flag} ${unknownName('block', n, known)}`);
  }
  const blocks = scenario.blocks.filter((_, i) => names.includes(known[i]!));
  return { ...scenario, blocks, axes: axesOf(blocks) };
}

/**
 * Detection-latency cases run several times (run.latencyRepeats, or the block's own): a network-level sever with a keepalive on either
 * side, where the time to notice is the measurement (issue: distributions, not one sample).
 */
export function latencyRepeats(cell: Omit<Cell, 'id' | 'caseId' | 'rep'>, block: MatrixBlock): number {
  const sever = severs.get(parseSeverValue(cell.sever).name);
  const keepaliveOn = cell.clientAlive !== 'off' || cell.serverAlive !== 'off';
  return sever.layer !== 'process' && keepaliveOn ? block.latencyRepeats : 1;
}
