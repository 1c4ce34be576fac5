// npm run schemas: write the JSON Schemas of results.json and scenario files (json-schemas.ts).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../harness/core/paths.js';
import { jsonSchemas } from './json-schemas.js';

for (const [file, text] of Object.entries(jsonSchemas())) {
  fs.writeFileSync(path.join(ROOT, file), text);
  console.log(`wrote ${file}`);
}
