/**
 * The bundled hook executor's cold-start machinery (scripts/bundle-hook.js): the V8 code cache
 * the loader keeps in a private per-user folder, its fallbacks, and the lazy stand-ins for the
 * node built-ins undici requires at load time.
 */
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as os from 'node:os';
import * as path from 'node:path';
import { Credentials, VbsClient } from '../../src/client';
import { startEmulator, Emulator } from '../../src/emulator';
import { BUNDLE_SCRIPT, PROJECT_ID, TOKEN, buildCli, emulatorEnv, runCli } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script, loaded by its path to test its helpers
const bundler = require(BUNDLE_SCRIPT) as { lazyBuiltinSource: (id: string) => string; lazyIncomingMessage: (source: string) => string; LAZY_BUILTINS: string[] };

let emulator: Emulator;
let policyId: string;
let dir: string;

beforeAll(async () => {
  buildCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-hook-bundle-'));
  emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
  const client = new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
  policyId = await client.createPolicy({
    backup_policy_name: 'bundle', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 2, status: 'ON', remain_first_backup_of_curMonth: 'N' },
  });
  await client.close();
});
afterAll(async () => {
  await emulator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh TMPDIR for one test, and the cache folder the loader uses inside it. */
function freshTmp(name: string): { tmp: string; cacheDir: string } {
  const tmp = path.join(dir, name);
  fs.mkdirSync(tmp);
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return { tmp, cacheDir: path.join(tmp, `cdktf-vbs-backup-${uid}`) };
}

function executeWith(extra: Record<string, string>) {
  return runCli(['execute', '--policy-id', policyId], emulatorEnv(emulator.url, extra), { script: buildCli().hook });
}

function cacheFiles(cacheDir: string): string[] {
  return fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : [];
}

test('the first run writes a private code cache for its command; the next run uses it as is', async () => {
  const { tmp, cacheDir } = freshTmp('first-run');
  const first = await executeWith({ TMPDIR: tmp });
  expect(first.stderr).toContain(`started a backup run of policy bundle (id ${policyId})`);
  expect(first.code).toBe(0);

  const files = cacheFiles(cacheDir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(new RegExp(`^hook-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}-execute\\.cache$`));
  const file = path.join(cacheDir, files[0]);
  expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const before = fs.statSync(file);
  expect(before.size).toBeGreaterThan(10_000);

  const second = await executeWith({ TMPDIR: tmp });
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(new RegExp(`^${policyId} started `));
  // Accepted by V8: the loader rewrites (rename: a new inode) only a missing or rejected cache.
  const after = fs.statSync(file);
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  expect(cacheFiles(cacheDir)).toEqual(files);
});

test('each command word gets its own cache', async () => {
  const { tmp, cacheDir } = freshTmp('per-command');
  expect((await executeWith({ TMPDIR: tmp })).code).toBe(0);
  const version = await runCli(['--version'], { PATH: process.env.PATH ?? '', TMPDIR: tmp }, { script: buildCli().hook });
  expect(version.code).toBe(0);
  expect(cacheFiles(cacheDir).map((f) => f.replace(/^.*-/, ''))).toEqual(['execute.cache', 'other.cache']);
});

test('a corrupt cache is ignored and replaced', async () => {
  const { tmp, cacheDir } = freshTmp('corrupt');
  expect((await executeWith({ TMPDIR: tmp })).code).toBe(0);
  const [name] = cacheFiles(cacheDir);
  const file = path.join(cacheDir, name);
  fs.writeFileSync(file, Buffer.alloc(4096, 0x5a), { mode: 0o600 });

  const r = await executeWith({ TMPDIR: tmp });
  expect(r.stderr).toContain(`started a backup run of policy bundle (id ${policyId})`);
  expect(r.code).toBe(0);
  const replaced = fs.readFileSync(file);
  expect(replaced.length).not.toBe(4096);
  expect(replaced.equals(Buffer.alloc(replaced.length, 0x5a))).toBe(false);
  expect(cacheFiles(cacheDir)).toEqual([name]);
});

test('a cache folder other users can write to is never read or written', async () => {
  const { tmp, cacheDir } = freshTmp('shared');
  fs.mkdirSync(cacheDir);
  fs.chmodSync(cacheDir, 0o777);
  const planted = path.join(cacheDir, 'planted.txt');
  fs.writeFileSync(planted, 'x');

  const r = await executeWith({ TMPDIR: tmp });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^${policyId} started `));
  expect(cacheFiles(cacheDir)).toEqual(['planted.txt']);
});

test('VBS_HOOK_CODE_CACHE=off runs without touching the temp folder', async () => {
  const { tmp } = freshTmp('off');
  const r = await executeWith({ TMPDIR: tmp, VBS_HOOK_CODE_CACHE: 'off' });
  expect(r.code).toBe(0);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('an execute through the bundle loads none of node:http2, node:assert, node:http, node:os', async () => {
  const { tmp } = freshTmp('loads');
  const log = path.join(tmp, 'loads.txt');
  const preload = path.join(tmp, 'record.js');
  fs.writeFileSync(preload, `
    const Module = require('module');
    const fs = require('fs');
    const original = Module._load;
    Module._load = function (request) {
      fs.appendFileSync(${JSON.stringify(log)}, request + '\\n');
      return original.apply(this, arguments);
    };
  `);
  const r = await runCli(['execute', '--policy-id', policyId], emulatorEnv(emulator.url, { TMPDIR: tmp }), { script: buildCli().hook, nodeArgs: ['--require', preload] });
  expect(r.code).toBe(0);
  const loaded = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  expect(loaded).toEqual(expect.arrayContaining(['node:net', 'node:vm']));
  expect(loaded.filter((m) => /^(node:)?(http2|assert|http|os)$/.test(m))).toEqual([]);
  // Nor does node itself load them on the way (another built-in asking for them).
  const natives = await runCli(['execute', '--policy-id', policyId], emulatorEnv(emulator.url, { TMPDIR: tmp }), {
    script: buildCli().hook,
    nodeArgs: ['--require', writeNativeRecorder(tmp)],
  });
  expect(natives.code).toBe(0);
  const modules = fs.readFileSync(path.join(tmp, 'natives.txt'), 'utf8').split('\n');
  expect(modules).toEqual(expect.arrayContaining(['NativeModule net', 'NativeModule vm']));
  expect(modules.filter((m) => /^NativeModule (http2?|assert|os|_http_\w+)$/.test(m))).toEqual([]);
});

test('with --max-http-header-size in NODE_OPTIONS the hook still runs (the stand-in defers to node:http)', async () => {
  const { tmp } = freshTmp('header-size');
  const r = await executeWith({ TMPDIR: tmp, NODE_OPTIONS: '--max-http-header-size=32768' });
  expect(r.stderr).toContain(`started a backup run of policy bundle (id ${policyId})`);
  expect(r.code).toBe(0);
});

/** A --require preload that writes process.moduleLoadList (node's own record) at exit. */
function writeNativeRecorder(tmp: string): string {
  const file = path.join(tmp, 'natives.js');
  fs.writeFileSync(file, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(tmp, 'natives.txt'))}, process.moduleLoadList.join('\\n')));`);
  return file;
}

/** Evaluates a stand-in module the way the bundle does, with a require that counts real loads. */
function standIn(id: string, proc: Partial<NodeJS.Process> = process): { exports: unknown; loads: () => number } {
  let loads = 0;
  const mod = { exports: {} as unknown };
  const req = (name: string): unknown => {
    expect(name).toBe(id);
    loads++;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the require the evaluated module is given, counting its loads
    return require(name);
  };
  new Function('module', 'exports', 'require', 'process', bundler.lazyBuiltinSource(id))(mod, mod.exports, req, proc);
  return { exports: mod.exports, loads: () => loads };
}

test('the http stand-in answers maxHeaderSize without loading node:http and delegates the rest', () => {
  const realHttp = jest.requireActual<typeof import('node:http')>('node:http');
  const s = standIn('node:http', { execArgv: [], env: {} });
  const lazy = s.exports as typeof import('node:http');
  expect(lazy.maxHeaderSize).toBe(16384);
  expect(s.loads()).toBe(0);
  expect(lazy.IncomingMessage).toBe(realHttp.IncomingMessage);
  expect(lazy.STATUS_CODES[404]).toBe('Not Found');
  expect(s.loads()).toBe(1);
  expect(lazy.maxHeaderSize).toBe(realHttp.maxHeaderSize);
});

test.each([
  ['the command line', { execArgv: ['--max-http-header-size=32768'], env: {} }],
  ['NODE_OPTIONS', { execArgv: [], env: { NODE_OPTIONS: '--max-http-header-size 32768' } }],
  ['a config file', { execArgv: ['--experimental-config-file=node.config.json'], env: {} }],
])('the http stand-in asks node:http for maxHeaderSize when %s may change it', (_, proc) => {
  const s = standIn('node:http', proc);
  expect((s.exports as typeof import('node:http')).maxHeaderSize).toBe(jest.requireActual<typeof import('node:http')>('node:http').maxHeaderSize);
  expect(s.loads()).toBe(1);
});

/** Runs a module source the way the bundle does, with node:http counted and other modules real. */
function evalWithHttpCount(source: string): { exports: Record<string, unknown>; httpLoads: () => number } {
  let httpLoads = 0;
  const mod = { exports: {} as Record<string, unknown> };
  const req = (name: string): unknown => {
    if (name === 'node:http') httpLoads++;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the require the evaluated bundle is given, counting node:http loads
    return require(name);
  };
  new Function('module', 'exports', 'require', source)(mod, mod.exports, req);
  return { exports: mod.exports, httpLoads: () => httpLoads };
}

test("undici's IncomingMessage check loads node:http only for a stream whose class has that name", () => {
  const undiciUtil = fs.readFileSync(require.resolve('undici/lib/core/util.js'), 'utf8');
  // The installed undici has the shape the bundler expects (else the http stand-in loads eagerly).
  expect(bundler.lazyIncomingMessage(undiciUtil)).not.toBe(undiciUtil);
  expect(bundler.lazyIncomingMessage(undiciUtil)).not.toContain("require('node:http')\n");

  const sample = [
    "const { IncomingMessage } = require('node:http')",
    'module.exports.destroy = (stream) => {',
    '  if (Object.getPrototypeOf(stream).constructor === IncomingMessage) stream.socket = null',
    '  stream.destroyed = true',
    '}',
  ].join('\n');
  const m = evalWithHttpCount(bundler.lazyIncomingMessage(sample));
  const destroy = m.exports.destroy as (s: object) => void;
  const socketLike = { socket: 1 };
  destroy(socketLike);
  expect(socketLike).toEqual({ socket: 1, destroyed: true });
  class IncomingMessage {
    socket: unknown = 1;
  }
  const impostor = new IncomingMessage();
  destroy(impostor);
  expect(impostor.socket).toBe(1);
  expect(m.httpLoads()).toBe(1);
  const http = jest.requireActual<typeof import('node:http')>('node:http');
  const real = Object.create(http.IncomingMessage.prototype) as { socket: unknown };
  real.socket = 1;
  destroy(real);
  expect(real.socket).toBeNull();
});

test('undici sources of another shape are bundled unchanged', () => {
  const other = "const { IncomingMessage, STATUS_CODES } = require('node:http')\nmodule.exports = IncomingMessage";
  expect(bundler.lazyIncomingMessage(other)).toBe(other);
  const twice = "const { IncomingMessage } = require('node:http')\nif (Object.getPrototypeOf(stream).constructor === IncomingMessage) x(IncomingMessage)";
  expect(bundler.lazyIncomingMessage(twice)).toBe(twice);
});

test('the assert stand-in passes without loading node:assert and fails exactly like it', () => {
  const s = standIn('node:assert');
  const assert = s.exports as (value: unknown, message?: string) => void;
  expect(assert(1, 'fine')).toBeUndefined();
  expect(s.loads()).toBe(0);
  expect(() => assert(0, 'must be set')).toThrow(expect.objectContaining({ name: 'AssertionError', code: 'ERR_ASSERTION', message: 'must be set' }));
  expect(s.loads()).toBe(1);
  expect((s.exports as { strictEqual: unknown }).strictEqual).toBe(jest.requireActual<typeof import('node:assert')>('node:assert').strictEqual);
});

test('the http2 stand-in answers constants without loading node:http2 and delegates the rest', () => {
  const s = standIn('node:http2');
  const lazy = s.exports as typeof http2;
  expect(lazy.constants.HTTP2_HEADER_AUTHORITY).toBe(':authority');
  expect(lazy.constants).toEqual(http2.constants);
  expect(s.loads()).toBe(0);
  expect(lazy.connect).toBe(http2.connect);
  expect('connect' in lazy).toBe(true);
  expect(Object.keys(lazy)).toEqual(Object.keys(jest.requireActual<object>('node:http2')));
  expect(s.loads()).toBe(1);
});

test('the crypto stand-in delegates every property', () => {
  expect(bundler.LAZY_BUILTINS).toEqual(expect.arrayContaining(['node:http2', 'node:assert', 'node:crypto']));
  const s = standIn('node:crypto');
  const lazy = s.exports as typeof import('node:crypto');
  expect(s.loads()).toBe(0);
  expect(lazy.createHash('sha256').update('abc').digest('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(s.loads()).toBe(1);
});
