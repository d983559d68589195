/**
 * Test support for the CLI: a private build of the hook path (src/cli, src/client, src/contract,
 * src/emulator compiled file by file with esbuild into a temp folder with the same layout as
 * lib/), spawning it, and an in-process io that captures output.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { RedactingIo } from '../../src/cli/runtime';
import { Credentials, VbsClient } from '../../src/client';
import { Emulator, startEmulator } from '../../src/emulator';

const ROOT = path.resolve(__dirname, '..', '..');
/** The script `npm run build` bundles the hook executor with. */
export const BUNDLE_SCRIPT = path.join(ROOT, 'scripts', 'bundle-hook.js');
/** The version in package.json, which `--version` prints. */
export const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A built copy of the CLI. */
export interface BuiltCli {
  /** Folder standing for the package root (holds package.json and lib/). */
  readonly root: string;
  /** lib/cli/bin.js inside it. */
  readonly bin: string;
  /** lib/hook/vbs-backup-hook.js inside it (bundled by scripts/bundle-hook.js). */
  readonly hook: string;
}

let built: BuiltCli | undefined;

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * Compiles the hook path of the current sources into a temp package (once per test file) and
 * bundles the hook executor from it with scripts/bundle-hook.js.
 */
export function buildCli(): BuiltCli {
  if (built) return built;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-cli-test-'));
  const entryPoints = ['cli', 'client', 'contract', 'emulator'].flatMap((d) => tsFiles(path.join(ROOT, 'src', d)));
  buildSync({
    entryPoints, outdir: path.join(root, 'lib'), outbase: path.join(ROOT, 'src'),
    format: 'cjs', platform: 'node', target: 'node20', bundle: false, logLevel: 'error',
    // As tsc compiles it (module commonjs): a lazy `await import('./x')` becomes a require.
    supported: { 'dynamic-import': false },
  });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const hook = path.join(root, 'lib', 'hook', 'vbs-backup-hook.js');
  // The real bundler, run on the private build.
  execFileSync(process.execPath, [BUNDLE_SCRIPT, '--entry', path.join(root, 'lib', 'cli', 'bin.js'), '--outfile', hook], { stdio: 'pipe' });
  built = { root, bin: path.join(root, 'lib', 'cli', 'bin.js'), hook };
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  return built;
}

/** What a CLI process did. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A clean environment: nothing from the developer's shell (no HW_/OS_ variables). */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: os.tmpdir() };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Runs `node <script> ...args` to its end (killed after `timeoutMs`, which fails the result).
 * `onStderrLine` sees each line of stderr as it comes: a test acts on a progress line (ends the
 * emulator's running jobs when the process says it waits for them) instead of sleeping.
 * @param script defaults to the built bin.js
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  o: { script?: string; nodeArgs?: string[]; timeoutMs?: number; onStderrLine?: (line: string) => void } = {},
): Promise<CliResult> {
  const script = o.script ?? buildCli().bin;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    let seen = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (o.onStderrLine === undefined) return;
      for (let end = stderr.indexOf('\n', seen); end >= 0; end = stderr.indexOf('\n', seen)) {
        o.onStderrLine(stderr.slice(seen, end));
        seen = end + 1;
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An in-process io capturing both streams. */
export function captureIo(env: Record<string, string | undefined> = {}): { io: RedactingIo; stdout: () => string; stderr: () => string } {
  const buf = { out: '', err: '' };
  const io = new RedactingIo(env, (t) => { buf.out += t; }, (t) => { buf.err += t; });
  return { io, stdout: () => buf.out, stderr: () => buf.err };
}

/** The project every CLI test uses. */
export const PROJECT_ID = 'e9993fc787d94b6c886cbaa340f9c0f4';
/** The token the test emulators accept. */
export const TOKEN = 'cli-test-token-0123456789';

/** Environment for a CLI run against `url` with the test token. */
export function emulatorEnv(url: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return baseEnv({ VBS_ENDPOINT: url, HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN, ...extra });
}

/** The emulator and a client on it, shared by the tests of one file. */
export interface EmulatorFixture {
  readonly emulator: Emulator;
  readonly client: VbsClient;
}

/** Builds the CLI, starts an emulator accepting TOKEN (jobs final at once) and a client on it. */
export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  buildCli();
  const emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
  return { emulator, client: new VbsClient({ endpoint: emulator.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) }) };
}

/** Stops what {@link startEmulatorFixture} started (either part may be missing if it failed). */
export async function stopEmulatorFixture(f: Partial<EmulatorFixture>): Promise<void> {
  await f.client?.close();
  await f.emulator?.stop();
}

/**
 * For a test file: a copy of the bundled hook in a temp folder (run from there as Terraform runs
 * it) and an emulator accepting TOKEN (jobs final at once), made before the file's tests and
 * removed after them. `started` receives both.
 */
export function copiedHookForFile(prefix: string, started: (f: { hookFile: string; emulator: Emulator }) => void): void {
  let dir: string | undefined;
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const hookFile = path.join(dir, 'vbs-backup-hook.js');
    fs.copyFileSync(buildCli().hook, hookFile);
    emulator = await startEmulator({ tokens: [TOKEN], jobSeconds: 0 });
    started({ hookFile, emulator });
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** A job time no test waits out: the test ends the runs itself (`finishJobs`). */
export const HOUR = 3600;

/**
 * `runCli` options that end the emulator's running jobs and backups whenever the process prints
 * a line matching `waits` (its line saying it waits for them), instead of a test sleeping.
 */
export function endJobsWhenWaiting(em: Emulator, waits: RegExp): { onStderrLine: (line: string) => void } {
  return {
    onStderrLine: (line) => {
      if (waits.test(line)) em.finishJobs();
    },
  };
}

/** What a test of the file started: stopped after each test (a test sets the fields it starts). */
export interface StartedPerTest<C extends { close(): Promise<void> }> {
  emulator?: Emulator;
  client?: C;
}

/** Registers the file's `afterEach` that closes the test's client and stops its emulator. */
export function stoppedAfterEach<C extends { close(): Promise<void> }>(): StartedPerTest<C> {
  const started: StartedPerTest<C> = {};
  afterEach(async () => {
    await started.client?.close();
    await started.emulator?.stop();
    started.client = undefined;
    started.emulator = undefined;
  });
  return started;
}
