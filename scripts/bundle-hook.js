#!/usr/bin/env node
// Bundles the CLI (lib/cli/bin.js, already compiled by tsc) into one self-contained file,
// lib/hook/vbs-backup-hook.js, that the constructs ship into cdktf.out as a Terraform asset.
// Only `node` is needed where `terraform apply` runs: undici is inlined, the emulator left out.
//
// Every hook is a fresh `node` process, so the file is shaped for cold start (design.md:
// within 1.5x of `node -e ''`):
// - node built-ins that undici requires at load time but a hook never uses (http2, assert,
//   crypto, http) are replaced by lazy stand-ins that load the real module on first use;
// - the bundle is wrapped by a small loader that compiles it with a V8 code cache kept in a
//   private per-user folder under the temp folder, so later runs skip parsing and compiling.
//
// Usage: node scripts/bundle-hook.js [--entry lib/cli/bin.js] [--outfile lib/hook/vbs-backup-hook.js]
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

/** Built-ins undici loads eagerly that the hook does not need up front. */
const LAZY_BUILTINS = ['node:http2', 'node:assert', 'node:crypto', 'node:http'];

/**
 * node's default of `http.maxHeaderSize` (16 KiB since node 14). It can be changed only with
 * `--max-http-header-size` (command line or NODE_OPTIONS), or by a config file (node >= 23);
 * when either is in sight the stand-in asks the real node:http instead.
 */
const DEFAULT_MAX_HEADER_SIZE = 16384;

/**
 * The stand-in of a built-in: a Proxy that loads the real module on first property access.
 * - `node:assert` is a function: a passing `assert(value)` returns at once (undici calls it on
 *   hot paths); a failing one, or any property, loads node:assert and behaves exactly like it.
 * - `node:http2.constants` (protocol numbers and header names, which client-h2 destructures
 *   at load time) is inlined from the building node; the rest of http2 stays lazy.
 * - `node:http.maxHeaderSize` (which undici's client reads at load time and for each new
 *   client) is node's default unless the process was started with an option that changes it;
 *   then, like every other property, it comes from the real node:http. undici's other use of
 *   node:http, `IncomingMessage`, is made lazy by {@link lazyIncomingMessage}.
 */
function lazyBuiltinSource(id) {
  const lines = [
    "'use strict';",
    'let real;',
    `const load = () => (real ??= require(${JSON.stringify(id)}));`,
  ];
  const own = [];
  if (id === 'node:http2') {
    lines.push(`const constants = ${JSON.stringify(require('node:http2').constants)};`);
    own.push("if (key === 'constants') return constants;");
  }
  if (id === 'node:http') {
    lines.push(
      "const tuned = /max-http-header-size|config-file/.test(process.execArgv.join(' ') + ' ' + (process.env.NODE_OPTIONS || ''));",
    );
    own.push(`if (key === 'maxHeaderSize' && !tuned && real === undefined) return ${DEFAULT_MAX_HEADER_SIZE};`);
  }
  const target = id === 'node:assert' ? '() => undefined' : 'Object.create(null)';
  lines.push(
    `module.exports = new Proxy(${target}, {`,
    ...(id === 'node:assert'
      ? ['  apply: (_, self, args) => (args.length > 0 && args[0] ? undefined : Reflect.apply(load(), self, args)),']
      : []),
    `  get: (_, key) => { ${own.join(' ')} return load()[key]; },`,
    '  has: (_, key) => key in load(),',
    '  ownKeys: () => Reflect.ownKeys(load()),',
    '  getOwnPropertyDescriptor: (_, key) => {',
    '    const d = Reflect.getOwnPropertyDescriptor(load(), key);',
    '    if (d) d.configurable = true;',
    '    return d;',
    '  },',
    '});',
  );
  return lines.join('\n');
}

/** What undici's core/util.js destructures from node:http at load time. */
const INCOMING_MESSAGE_IMPORT = "const { IncomingMessage } = require('node:http')";

/**
 * undici's core/util.js with its load-time `IncomingMessage` import made lazy. undici uses the
 * class only in `destroy(stream)`, to tell whether a stream is an `http.IncomingMessage`; an
 * instance can exist only once node:http is loaded, so the check first compares the
 * constructor's name and loads node:http (already loaded then, so free) only when it matches.
 * The result is the same identity test. Source without the import is returned unchanged (the
 * stand-in then loads node:http at load time: slower, still correct; a test notices).
 * @param {string} source
 */
function lazyIncomingMessage(source) {
  const check = 'Object.getPrototypeOf(stream).constructor === IncomingMessage';
  // Exactly the import and the one check, or the file is left as it is.
  if (source.split('IncomingMessage').length !== 3 || !source.includes(INCOMING_MESSAGE_IMPORT) || !source.includes(check)) {
    return source;
  }
  return source
    .replace(INCOMING_MESSAGE_IMPORT, '// IncomingMessage: loaded lazily, see scripts/bundle-hook.js')
    .replace(check, 'isIncomingMessageClass(Object.getPrototypeOf(stream).constructor)')
    + `
function isIncomingMessageClass (C) {
  return typeof C === 'function' && C.name === 'IncomingMessage' && C === require('node:http').IncomingMessage
}
`;
}

/** esbuild plugin: resolves LAZY_BUILTINS to their stand-ins (which require the real ones). */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/ }, (args) => ({
      contents: lazyIncomingMessage(fs.readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
    build.onResolve({ filter: /^node:/ }, (args) => {
      if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
      return LAZY_BUILTINS.includes(args.path) ? { path: args.path, namespace: 'lazy-builtin' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: lazyBuiltinSource(args.path),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * The loader around the bundle (`BUNDLE_ID` and `SOURCE` are prepended). It runs the bundle as
 * the CommonJS module it was built as, compiled with V8 cached data when a valid cache exists.
 *
 * The cache is trusted code, so it lives only in a folder this user owns and nobody else can
 * write (mode 0700, checked on every run); anything unexpected (no such folder, other owner,
 * unreadable, rejected by V8) falls back to a plain compile. A cache is written, atomically,
 * only when there was none or V8 rejected it, after the run so it holds the functions the run
 * compiled. It is keyed by the bundle, node version, architecture, V8-relevant flags and the
 * command word (each command compiles different functions).
 *
 * `--liftoff-only` is set before compiling: cached data is valid only for the V8 flags it was
 * made with, and the CLI sets that flag anyway for one-shot runs (src/cli/runtime.ts).
 */
const LOADER = String.raw`
(function boot() {
  const fs = require('node:fs');
  const path = require('node:path');
  const vm = require('node:vm');
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    // an engine without the flag keeps its default
  }
  let file;
  let data;
  try {
    file = cacheFile();
    if (file) data = fs.readFileSync(file);
  } catch {
    data = undefined;
  }
  const script = new vm.Script(SOURCE, { filename: __filename, cachedData: data });
  if (file && (data === undefined || script.cachedDataRejected)) process.once('exit', () => save(file, script));
  script.runInThisContext()(exports, require, module, __filename, __dirname);

  function cacheFile() {
    if (process.env.VBS_HOOK_CODE_CACHE === 'off') return undefined;
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = path.join(tmpdir(), 'cdktf-vbs-backup-' + (uid === undefined ? 'user' : uid));
    let st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!st) {
      fs.mkdirSync(dir, { mode: 0o700 });
      st = fs.lstatSync(dir);
    }
    if (!st.isDirectory() || (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0))) return undefined;
    const word = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] || '') ? process.argv[2] : 'other';
    const flags = process.execArgv.join(' ') + '|' + (process.env.NODE_OPTIONS || '');
    return path.join(dir, 'hook-' + BUNDLE_ID + '-' + process.version + '-' + process.arch + '-' + fnv1a(flags) + '-' + word + '.cache');
  }

  // os.tmpdir() without loading node:os on POSIX (same lookup: TMPDIR, TMP, TEMP, /tmp).
  function tmpdir() {
    if (process.platform === 'win32') return require('node:os').tmpdir();
    const env = process.env;
    const dir = env.TMPDIR || env.TMP || env.TEMP || '/tmp';
    return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
  }

  function save(target, compiled) {
    const tmp = target + '.' + process.pid + '.tmp';
    try {
      fs.writeFileSync(tmp, compiled.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, target);
      prune(path.dirname(target), path.basename(target));
    } catch {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }

  // Caches of other bundles (older library versions, other node versions) unused for a week.
  function prune(dir, keep) {
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(dir)) {
      if (name === keep || !name.startsWith('hook-')) continue;
      const p = path.join(dir, name);
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (st && st.isFile() && st.mtimeMs < weekAgo) fs.unlinkSync(p);
    }
  }

  function fnv1a(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16).padStart(8, '0');
  }
})();
`;

/**
 * Bundles `entry` into `outfile` (the hook executor). Resolves with the output size in bytes.
 * @param {{ entry?: string, outfile?: string }} [options]
 */
async function bundleHook(options = {}) {
  const entry = path.resolve(options.entry ?? path.join(root, 'lib', 'cli', 'bin.js'));
  const outfile = path.resolve(options.outfile ?? path.join(root, 'lib', 'hook', 'vbs-backup-hook.js'));
  const result = await esbuild.build({
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
    plugins: [lazyBuiltins],
    write: false,
    logLevel: 'warning',
  });
  const bundle = result.outputFiles[0].text.replace(/^#!.*\n/, '');
  // The bundle becomes the body of the CommonJS wrapper function the loader calls.
  const source = `(function (exports, require, module, __filename, __dirname) {${bundle}\n})`;
  const id = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const text = [
    '#!/usr/bin/env node',
    "'use strict';",
    '// cdktf-vbs-backup hook executor, generated by scripts/bundle-hook.js: a loader and the bundled CLI.',
    `const BUNDLE_ID = ${JSON.stringify(id)};`,
    `const SOURCE = ${JSON.stringify(source)};`,
    LOADER.trim(),
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  fs.writeFileSync(outfile, text, { mode: 0o755 });
  return Buffer.byteLength(text);
}

module.exports = { bundleHook, lazyBuiltinSource, lazyIncomingMessage, LAZY_BUILTINS };

if (require.main === module) {
  const { values } = parseArgs({ options: { entry: { type: 'string' }, outfile: { type: 'string' } } });
  bundleHook(values)
    .then((size) => {
      const out = path.resolve(values.outfile ?? path.join(root, 'lib', 'hook', 'vbs-backup-hook.js'));
      process.stdout.write(`bundled ${path.relative(root, out)} (${(size / 1024).toFixed(0)} KiB)\n`);
    })
    .catch((err) => {
      process.stderr.write(`bundle-hook: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
