#!/usr/bin/env node
// A checkout runs the TypeScript sources through tsx: no build step between an edit and a run. The
// published package ships no sources, only dist/ (compiled by npm pack: scripts/build.mjs), and
// runs that: faster to start, and no compiler at run time.
import fs from 'node:fs';

const sources = new URL('../harness/cli.ts', import.meta.url);
if (fs.existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/harness/cli.js', import.meta.url).href);
}
