#!/usr/bin/env node
// Builds the Python package (dist/python: the wheel and the sdist, `cdktf-vbs-backup`, module
// `cdktf_vbs_backup`) with jsii-pacmak from what `npm run build` left: the jsii assembly (.jsii)
// and lib/. pacmak packs the npm tarball (`npm pack --ignore-scripts`: lib/ as it is, no second
// build) into the wheel, where the jsii kernel loads it. Code examples in doc comments stay as
// written (TypeScript): they are not translated.
//
// Then writes dist/python/build-stamp.json, a hash of .jsii and lib/, so test/python/apps.test.ts
// uses the wheel only when it holds this build (and builds it again otherwise).
//
// Usage: npm run build && npm run package:python
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'dist', 'python');
const STAMP = path.join(OUT, 'build-stamp.json');

/** A hash of the jsii assembly and every file under lib/ (paths and contents). */
function buildHash() {
  const hash = createHash('sha256');
  const files = ['.jsii', ...fs.readdirSync(path.join(root, 'lib'), { recursive: true }).map((f) => path.join('lib', f))]
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

/** Builds dist/python from .jsii and lib/, and stamps it. */
function packagePython() {
  for (const needed of ['.jsii', 'lib/index.js', 'lib/hook/vbs-backup-hook.js']) {
    if (!fs.existsSync(path.join(root, needed))) {
      throw new Error(`${needed} is missing: run \`npm run build\` before \`npm run package:python\``);
    }
  }
  const hash = buildHash();
  // The wheel's `vbs-backup` console script has the jsii runtime execute the package's "bin" file
  // itself (npm, unlike it, marks bins executable when it installs them): give it its exec bit.
  for (const bin of Object.values(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).bin)) {
    fs.chmodSync(path.join(root, bin), 0o755);
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  execFileSync(process.execPath, [
    require.resolve('jsii-pacmak/bin/jsii-pacmak'),
    '--targets', 'python',
    '--force', // pacmak's own fingerprint covers the assembly only, not lib/
    '--no-npmignore', // package.json "files" says what is packed
    '--pack-command', 'npm pack --ignore-scripts',
    '--rosetta-unknown-snippets', 'verbatim',
  ], { cwd: root, stdio: 'inherit' });
  const wheels = fs.readdirSync(OUT).filter((f) => f.endsWith('.whl'));
  if (wheels.length !== 1) throw new Error(`expected one wheel in dist/python, found ${wheels.join(', ') || 'none'}`);
  fs.writeFileSync(STAMP, `${JSON.stringify({ wheel: wheels[0], build: hash }, null, 2)}\n`);
  process.stdout.write(`dist/python/${wheels[0]} (${fs.statSync(path.join(OUT, wheels[0])).size} bytes)\n`);
}

module.exports = { buildHash, STAMP, OUT };

if (require.main === module) {
  try {
    packagePython();
  } catch (error) {
    process.stderr.write(`package:python: ${error.message}\n`);
    process.exit(1);
  }
}
