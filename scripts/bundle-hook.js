#!/usr/bin/env node
// Bundles the CLI (lib/cli/bin.js, already compiled by tsc) into one self-contained file,
// lib/hook/vbs-backup-hook.js, that the constructs ship into cdktf.out as a Terraform asset.
// Only `node` is needed where `terraform apply` runs: undici is inlined, the emulator left out.
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'lib', 'cli', 'bin.js');
const outfile = path.join(root, 'lib', 'hook', 'vbs-backup-hook.js');

esbuild
  .build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    // The emulator is loaded lazily by `vbs-backup emulator` only; the hook never needs it.
    external: ['../emulator', '../emulator/*', 'cdktf', 'constructs'],
    logLevel: 'warning',
  })
  .then(() => {
    const size = require('node:fs').statSync(outfile).size;
    process.stdout.write(`bundled ${path.relative(root, outfile)} (${(size / 1024).toFixed(0)} KiB)\n`);
  })
  .catch(() => process.exit(1));
