// The scenario file's schema: the shape of what a person writes, checked by zod before
// loadScenario (load.ts) checks the values against the registries. Kept apart from the loader so
// that schemas/scenario.schema.json (npm run schemas) is generated without loading the plug-ins.
import { z } from 'zod';
import { AXIS_NAMES, type AxisName } from '../results.js';
import { confirmsSchema } from '../results-schema.js';

// YAML 1.2 reads yes/no/on/off as strings, but `true`/`false` and bare numbers are natural to
// write too: every axis value is normalised to the text form cells carry.
const axisValue = z.union([z.string(), z.boolean(), z.number()]);
const axisList = z.array(axisValue).min(1);
const pattern = z.record(z.string(), axisValue);
const axesShape = Object.fromEntries(AXIS_NAMES.filter(a => a !== 'target').map(a => [a, axisList.optional()])) as Record<
  Exclude<AxisName, 'target'>,
  z.ZodOptional<typeof axisList>
>;
const axesSchema = z.object(axesShape).strict();
// An expectation's pattern: each axis one value or a list of values (any of them).
const patternOf = (params?: { error: (issue: { input: unknown }) => string }) => z.record(z.string(), z.union([axisValue, z.array(axisValue).min(1)]), params);
const cellPattern = patternOf();
const expectation = z
  .object({
    where: cellPattern.default({}),
    verdict: z.union([z.string(), z.array(z.string()).min(1)]),
    signal: z.string().optional(),
    why: z.string().default(''),
  })
  .strict();

// A case that races in the system under test: its where names the case (an empty one would
// declare every case a race, and switch the determinism check off), its why says what races.
const RACE_FORM = 'write each race as { where: { axis: value, … }, why: "what races" }';
const shown = (v: unknown) => ((text: string) => (text.length > 40 ? `${text.slice(0, 37)}…` : text))(JSON.stringify(v) ?? String(v));
const race = z
  .object(
    {
      where: patternOf({
        error: i => (i.input === undefined ? 'missing; name the axes of the cases that race, e.g. where: { launch: nohup, sever: logout }' : `${shown(i.input)} is not a pattern; ${RACE_FORM}`),
      })
        .refine(p => Object.keys(p).length > 0, 'empty; name the axes of the cases that race (an empty where would exempt every case from the flaky check)'),
      why: z
        .string({
          error: i =>
            i.input === undefined
              ? 'missing; say what races in the system under test, e.g. "linger vs the end of the last session"'
              : `${shown(i.input)} is not text; say what races in words (quote it)`,
        })
        .min(1, 'empty; say what races in the system under test'),
    },
    { error: i => `${shown(i.input)} is not an object; ${RACE_FORM}` },
  )
  .strict();

// The saved form (results-schema.ts) with what a person may write instead: one verdict as a word,
// checked against the registries by the loader; and nothing else (a misspelt field is an error).
const confirms = confirmsSchema.extend({ verdict: z.union([z.string(), z.array(z.string()).min(1)]).optional() }).strict();
const claim = z
  .object({
    id: z.string().min(1),
    claim: z.string().min(1),
    // Where this one comes from when it is not the file's article: a thread's or a release note's
    // URL (scenarios/questions/ gathers users' questions from several threads in one file).
    source: z.string().min(1).optional(),
    where: cellPattern.default({}),
    confirms,
    explain: z.string().default(''),
  })
  .strict();

/** A scenario file after loadScenario has read `target:` as `targets:`. */
export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    targets: z.array(z.string()).min(1),
    sshd: z
      .object({
        ClientAliveInterval: z.number().int().min(0).default(0),
        ClientAliveCountMax: z.number().int().min(0).default(3),
        TCPKeepAlive: z.boolean().default(true),
        config: z.string().min(1).optional(),
        extra: z.array(z.string().regex(/^[A-Za-z]+\s+\S.*$/, 'must be "Keyword value"')).default([]),
      })
      .strict()
      .default({ ClientAliveInterval: 0, ClientAliveCountMax: 3, TCPKeepAlive: true, extra: [] }),
    kernel: z.record(z.string(), z.number().int().min(0)).default({}),
    logind: z
      .object({
        KillUserProcesses: z.boolean().default(false),
        // Free-form lines for the [Login] section of the target's logind drop-in; systemd-logind
        // itself judges keys and values when the target starts (harness/target/container.ts).
        extra: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*=.*$/, 'must be "Key=Value"')).default([]),
      })
      .strict()
      .default({ KillUserProcesses: false, extra: [] }),
    client: z
      .object({ ServerAliveInterval: z.number().int().min(0).default(0), ServerAliveCountMax: z.number().int().min(0).default(3) })
      .strict()
      .default({ ServerAliveInterval: 0, ServerAliveCountMax: 3 }),
    axes: axesSchema.default({}),
    matrices: z
      .array(
        z
          .object({
            name: z.string().optional(),
            axes: axesSchema.default({}),
            exclude: z.array(pattern).default([]),
            include: z.array(pattern).default([]),
            latencyRepeats: z.number().int().min(1).max(50).optional(),
          })
          .strict(),
      )
      .optional(),
    exclude: z.array(pattern).default([]),
    include: z.array(pattern).default([]),
    expect: z.array(expectation).default([]),
    races: z.array(race, { error: i => `${shown(i.input)} is not a list; ${RACE_FORM}` }).default([]),
    // A claims file (scenarios/claims/): the article it tests, its claims, and those it cannot.
    article: z.string().optional(),
    title: z.string().optional(),
    claims: z.array(claim).optional(),
    untestable: z.array(z.object({ claim: z.string().min(1), why: z.string().min(1) }).strict()).default([]),
    run: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(10),
        sessionTimeoutMs: z.number().int().min(1000).optional(),
        afterSessionMs: z.number().int().min(0).optional(),
        latencyRepeats: z.number().int().min(1).max(50).default(5),
        repeat: z.number().int().min(1).max(50).optional(),
        strict: z.boolean().default(false),
      })
      .strict()
      .default({ concurrency: 10, latencyRepeats: 5, strict: false }),
  })
  .strict();

/**
 * The file as a person writes it, for editors (schemas/scenario.schema.json): `target: x` is
 * shorthand for `targets: [x]`, which loadScenario rewrites before scenarioSchema reads the file.
 */
export const scenarioFileSchema = scenarioSchema.extend({ targets: scenarioSchema.shape.targets.optional(), target: z.string().optional() });
