import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The API reference in docs/api is generated from the doc comments; it must match the sources.
test('docs/api matches the doc comments of the sources (npm run docs regenerates it)', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'api-docs.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/out of date/);
  expect(r.status).toBe(0);
}, 120_000);
