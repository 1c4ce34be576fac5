// JSON Schemas of the files hangup-lab reads, generated from the zod schemas that check them, so
// an editor (or another tool reading results.json) validates against exactly what the harness
// accepts. Written to schemas/ by `npm run schemas` (scripts/schemas.ts); test/schemas.test.ts
// fails when they are stale. Tooling, not part of the harness: nothing in harness/ imports it.
import { z } from 'zod';
import { runResultSchema } from '../harness/results-schema.js';
import { scenarioFileSchema } from '../harness/scenario/schema.js';

/**
 * `io: 'input'` for both: a scenario's defaults make those fields optional to write, which is what
 * an editor should check; and results.json objects are not strict (a reader ignores unknown keys),
 * which the output view would deny with `additionalProperties: false` on every object.
 */
function jsonSchema(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return { $schema, title, description, ...rest };
}

/** Each schema file's text, by its path in the repository. */
export function jsonSchemas(): Record<string, string> {
  const scenario = {
    ...jsonSchema(scenarioFileSchema, 'hangup-lab scenario', 'A scenario file (scenarios/*.yaml) or a claims file (scenarios/claims/*.yaml).'),
    // One of the two spellings of the targets; zod has no way to say "exactly one of" that
    // toJSONSchema can carry, and loadScenario refuses both at once.
    oneOf: [{ required: ['targets'] }, { required: ['target'] }],
  };
  const results = jsonSchema(runResultSchema, 'hangup-lab results.json', 'The results of one run (or of merged shards): every cell, its verdict and what was observed.');
  return {
    'schemas/results.schema.json': `${JSON.stringify(results, null, 2)}\n`,
    'schemas/scenario.schema.json': `${JSON.stringify(scenario, null, 2)}\n`,
  };
}
