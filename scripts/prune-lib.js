#!/usr/bin/env node
// Removes from lib/ what no entry point of the package reaches, so `npm pack` ships only what a
// user can load: the JavaScript reachable by require() from "main", the "exports" and the "bin"
// (plus the hook bundle and the portable runtime's launcher, which the constructs copy by path), and the declarations reachable from
// the "types" of each export. tsc emits a .d.ts per module; most internal ones (the CLI's, the
// framework loader's, the emulator's internals) are imported by no public declaration.
// Runs at the end of `npm run build`; test/package/tarball.test.ts checks the packed list.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const HOOK_BUNDLE = 'lib/hook/vbs-backup-hook.js';
// The portable runtime's launcher (src/hook/vbs-backup-hook.sh), copied beside the bundle; no import reaches it.
const HOOK_LAUNCHER = 'lib/hook/vbs-backup-hook.sh';
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The package's entry files: [path relative to the root, 'js' | 'dts']. */
function entries() {
  const found = [[pkg.main, 'js'], [pkg.types, 'dts'], [HOOK_BUNDLE, 'js']];
  for (const target of Object.values(pkg.exports)) {
    if (typeof target === 'object') {
      found.push([target.default, 'js'], [target.types, 'dts']);
    }
  }
  for (const bin of Object.values(pkg.bin)) found.push([bin, 'js']);
  return found.map(([file, kind]) => [path.posix.normalize(file), kind]);
}

const IMPORTS = {
  js: /\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g,
  dts: /(?:\bfrom|\bimport\()\s*(["'])(\.{1,2}\/[^"']+)\1/g,
};

/** Every file reachable from `entry` through relative imports of its kind. */
function reach(entry, kind, seen) {
  if (seen.has(entry)) return;
  seen.add(entry);
  const text = fs.readFileSync(path.join(root, entry), 'utf8');
  for (const match of text.matchAll(IMPORTS[kind])) {
    const base = path.posix.join(path.posix.dirname(entry), match[2]);
    if (!base.startsWith('lib/')) continue; // ../../package.json (the CLI's version)
    const ext = kind === 'js' ? '.js' : '.d.ts';
    const file = [base.endsWith('.js') && kind === 'js' ? base : `${base}${ext}`, `${base}/index${ext}`]
      .find((candidate) => fs.existsSync(path.join(root, candidate)));
    // The hook bundle leaves out modules no hook loads (scripts/bundle-hook.js `external`): a
    // require of one that resolves to nothing next to the bundle is one of those.
    if (file === undefined && entry === HOOK_BUNDLE) continue;
    if (file === undefined) throw new Error(`${entry} imports ${match[2]}, which is not in lib/`);
    reach(file, kind, seen);
  }
}

const keep = new Set();
for (const [entry, kind] of entries()) reach(entry, kind, keep);
keep.add(HOOK_LAUNCHER);
const removed = [];
for (const file of fs.readdirSync(path.join(root, 'lib'), { recursive: true })) {
  const rel = path.posix.join('lib', file.split(path.sep).join('/'));
  if (fs.statSync(path.join(root, rel)).isFile() && !keep.has(rel)) {
    fs.rmSync(path.join(root, rel));
    removed.push(rel);
  }
}
process.stdout.write(`lib/: kept ${keep.size} files reachable from the package's entries, removed ${removed.length}\n`);
