import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The API reference in docs/api is generated from the doc comments; it must match the sources.
test('docs/api matches the doc comments of the sources (npm run docs regenerates it)', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'api-docs.js'), '--check'], { encoding: 'utf8' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toContain('docs/api is up to date');
}, 120_000);
