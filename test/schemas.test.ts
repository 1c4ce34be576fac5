// The checked-in JSON Schemas are what the zod schemas generate today: a schema change without
// `npm run schemas` would leave editors and other tools checking an old shape.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ROOT } from '../harness/core/paths.js';
import { jsonSchemas } from '../scripts/json-schemas.js';

t.test('schemas/ is up to date with the zod schemas', async t => {
  const generated = jsonSchemas();
  t.same(Object.keys(generated).sort(), ['schemas/results.schema.json', 'schemas/scenario.schema.json']);
  for (const [file, text] of Object.entries(generated)) {
    const onDisk = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '(missing)';
    t.ok(onDisk === text, `${file} differs from what the zod schemas generate; run npm run schemas`);
  }
});

t.test('every scenario file points editors at the scenario schema', async t => {
  for (const dir of ['scenarios', 'scenarios/claims']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).filter(f => f.endsWith('.yaml'))) {
      const first = fs.readFileSync(path.join(ROOT, dir, f), 'utf8').split('\n')[0];
      const schema = path.relative(path.join(ROOT, dir), path.join(ROOT, 'schemas/scenario.schema.json'));
      t.equal(first, `# yaml-language-server: $schema=${schema}`, `${dir}/${f}`);
    }
  }
});
