#!/usr/bin/env node
// Generates the API reference (docs/api) from the doc comments with typedoc, or with --check
// regenerates it into a temp folder and fails when the committed copy differs.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const committed = path.join(root, 'docs', 'api');
const check = process.argv.includes('--check');
const out = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-api-docs-')) : committed;

execFileSync(process.execPath, [path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc'), '--out', out], { cwd: root, stdio: 'inherit' });

if (check) {
  const list = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
  const want = list(out);
  const have = fs.existsSync(committed) ? list(committed) : [];
  const stale = want.filter((f) => !have.includes(f) || fs.readFileSync(path.join(out, f), 'utf8') !== fs.readFileSync(path.join(committed, f), 'utf8'));
  const extra = have.filter((f) => !want.includes(f));
  fs.rmSync(out, { recursive: true, force: true });
  if (stale.length || extra.length) {
    process.stderr.write(`docs/api is out of date (${[...stale, ...extra].join(', ')}): run \`npm run docs\` and commit the result\n`);
    process.exit(1);
  }
  process.stdout.write('docs/api is up to date\n');
}
