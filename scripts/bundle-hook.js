#!/usr/bin/env node
// Bundles the CLI (lib/cli/bin.js, already compiled by tsc) into one self-contained file,
// lib/hook/vbs-backup-hook.js, that the constructs ship into cdktf.out as a Terraform asset.
// Only `node` is needed where `terraform apply` runs. A plain esbuild bundle: CommonJS, node20.
// Beside it, a copy of the portable runtime's launcher, src/hook/vbs-backup-hook.sh (ADR 16).
//
// In it: every command but the emulator's, the vault hook (`hook-vault-trigger`) and with it the
// CBR client and commands included. esbuild keeps each module behind a lazy wrapper, so a module
// costs the start only its parse until a command requires it; the CBR part adds about 40 KiB,
// whose cost to the policy hook's cold start is within the noise (README "Performance").
//
// Left out:
// - the emulator, which only `vbs-backup emulator` loads (never a hook);
// - undici: the CLI and the hooks use the client's node-http transport (src/cli/ports.ts), and
//   only the undici transport (src/client/transport-undici.ts) requires undici, on its first
//   request. Keeping its ~1 MB out of the file keeps the hook's start short (ADR 8).
//
// Usage: node scripts/bundle-hook.js [--entry lib/cli/bin.js] [--outfile lib/hook/vbs-backup-hook.js]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const LAUNCHER = path.join(root, 'src', 'hook', 'vbs-backup-hook.sh');

/**
 * Bundles `entry` into `outfile` (the hook executor). Resolves with the output size in bytes.
 * @param {{ entry?: string, outfile?: string }} [options]
 */
async function bundleHook(options = {}) {
  const entry = path.resolve(options.entry ?? path.join(root, 'lib', 'cli', 'bin.js'));
  const outfile = path.resolve(options.outfile ?? path.join(root, 'lib', 'hook', 'vbs-backup-hook.js'));
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    external: ['../emulator', '../emulator/*', 'undici', 'cdktf', 'constructs'],
    logLevel: 'warning',
  });
  fs.chmodSync(outfile, 0o755);
  // The portable runtime's POSIX sh launcher (HookRuntime.PORTABLE) ships beside the bundle.
  fs.copyFileSync(LAUNCHER, path.join(path.dirname(outfile), path.basename(LAUNCHER)));
  return fs.statSync(outfile).size;
}

module.exports = { bundleHook };

if (require.main === module) {
  const { values } = parseArgs({ options: { entry: { type: 'string' }, outfile: { type: 'string' } } });
  bundleHook(values)
    .then((size) => {
      const out = path.resolve(values.outfile ?? path.join(root, 'lib', 'hook', 'vbs-backup-hook.js'));
      process.stdout.write(`bundled ${path.relative(root, out)} (${(size / 1024).toFixed(0)} KiB)\n`);
    })
    .catch((err) => {
      process.stderr.write(`bundle-hook: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
