/**
 * The package as users get it: `npm pack` of the built library, installed into fresh apps in
 * temp folders the way the README says (cdktf 0.20 with constructs, cdktf 0.21, cdktn 0.24).
 * Each app has one copy of its framework and of constructs, type-checks strictly (the library's
 * declarations included), synthesizes as JSON and as HCL, and its stacks apply against the
 * emulator with the packed hook bundle: create, no-op re-apply, destroy, exact execute counts.
 *
 * Needs `npm run build` first (`npm test` does it) and the npm registry (or npm's cache).
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

jest.setTimeout(600_000);

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

/** A fresh app: what it installs next to the tarball, and how its code builds a stack. */
interface AppSpec {
  readonly name: string;
  readonly framework: 'cdktf' | 'cdktn';
  readonly install: readonly string[];
  /** The framework version `npm ls` must show. */
  readonly version: RegExp;
  /** What the app passes to its constructs to choose the hook resource ('' = the default). */
  readonly hookProp: string;
  /** The framework's default hook resource. */
  readonly defaultHook: 'null_resource' | 'terraform_data';
  /** Also check the subpath entries here (they do not depend on the framework: one app is enough). */
  readonly subpaths?: boolean;
}

const APPS: readonly AppSpec[] = [
  // a cdktf app has no null provider here (it is an optional peer): terraform_data hooks
  { name: 'cdktf-0.20', framework: 'cdktf', install: ['cdktf@0.20', 'constructs@10'], version: /^0\.20\./, hookProp: 'hookResource: HookResource.TERRAFORM_DATA, ', defaultHook: 'terraform_data' },
  { name: 'cdktf-0.21', framework: 'cdktf', install: ['cdktf@0.21', 'constructs'], version: /^0\.21\./, hookProp: 'hookResource: HookResource.TERRAFORM_DATA, ', defaultHook: 'terraform_data' },
  // terraform_data is the default under both frameworks
  { name: 'cdktn-0.24', framework: 'cdktn', install: ['cdktn@0.24', 'constructs'], version: /^0\.24\./, hookProp: '', defaultHook: 'terraform_data', subpaths: true },
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
const installs = new Map<string, Promise<string>>();
const summary: string[] = [];

async function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(cmd, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${path.basename(cwd)}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Creates the app folder and installs the tarball and the app's framework (one install per app). */
async function install(app: AppSpec): Promise<string> {
  const dir = path.join(workDir, app.name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `app-${app.name}`, version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(dir, 'main.ts'), appSource(app));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(APP_TSCONFIG, null, 2));
  const started = Date.now();
  await sh('npm', ['install', ...NPM_FLAGS, tarball, ...app.install], dir);
  summary.push(`${app.name}: npm install ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

beforeAll(async () => {
  for (const built of ['lib/index.js', 'lib/index.d.ts', 'lib/hook/vbs-backup-hook.js']) {
    if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  requireTerraform();
  workDir = makeTempDir('vbs-package');
  // lib/ is built already; --ignore-scripts skips the prepack build
  const out = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], ROOT);
  [packed] = JSON.parse(out) as Packed[];
  tarball = path.join(workDir, packed.filename);
  summary.push(`tarball ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
  // the installs are independent (own folders; npm's cache is safe to share): all at once
  for (const app of APPS) {
    const pending = install(app);
    pending.catch(() => undefined);
    installs.set(app.name, pending);
  }
});

afterAll(async () => {
  await Promise.allSettled(installs.values());
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(`package test:\n  ${summary.join('\n  ')}\n`);
});

test('the tarball holds lib (every module of src), the hook bundle, README, LICENSE and package.json; no tests, sources or examples', () => {
  const paths = packed.files.map((f) => f.path).sort();
  expect(paths).toEqual(expect.arrayContaining([
    'LICENSE', 'README.md', 'package.json', 'lib/index.js', 'lib/index.d.ts', 'lib/hook/vbs-backup-hook.js', 'lib/cli/bin.js',
  ]));
  const allowed = (p: string) => ['LICENSE', 'README.md', 'package.json'].includes(p) || /^lib\/.+(?<!\.test)\.(js|d\.ts)$/.test(p);
  expect(paths.filter((p) => !allowed(p))).toEqual([]);
  // every source module is there, compiled with its declarations
  const sources = listTs(path.join(ROOT, 'src')).map((f) => path.relative(path.join(ROOT, 'src'), f).replace(/\.ts$/, ''));
  const missing = sources.flatMap((m) => [`lib/${m}.js`, `lib/${m}.d.ts`]).filter((p) => !paths.includes(p));
  expect(missing).toEqual([]);
  // and nothing else: no module left in lib/ from a source that is gone (the bundle aside)
  const modules = new Set([...sources, 'hook/vbs-backup-hook']);
  const stale = paths.filter((p) => p.startsWith('lib/') && !modules.has(p.slice('lib/'.length).replace(/(\.d\.ts|\.js)$/, '')));
  expect(stale).toEqual([]);
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  // and it stays small: a construct library, not a copy of its dependencies
  expect(packed.size).toBeLessThan(1024 * 1024);
});

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

describe.each(APPS)('a fresh $name app', (app) => {
  test('has one copy of its framework and of constructs, and no other framework', async () => {
    const dir = await installs.get(app.name)!;
    const copies = async (pkg: string) => {
      const out = await sh('npm', ['ls', pkg, '--all', '--parseable'], dir).catch(() => '');
      return [...new Set(out.split('\n').filter((line) => line.includes(`node_modules${path.sep}${pkg}`)))];
    };
    const other = app.framework === 'cdktf' ? 'cdktn' : 'cdktf';
    const [framework, constructs, others] = await Promise.all([copies(app.framework), copies('constructs'), copies(other)]);
    expect(framework.map((p) => path.relative(dir, p))).toEqual([path.join('node_modules', app.framework)]);
    expect(constructs.map((p) => path.relative(dir, p))).toEqual([path.join('node_modules', 'constructs')]);
    expect(others).toEqual([]);
    const version = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', app.framework, 'package.json'), 'utf8')).version as string;
    expect(version).toMatch(app.version);
    // nothing of a framework arrives with the library itself
    expect(fs.existsSync(path.join(dir, 'node_modules', 'cdktf-vbs-backup', 'node_modules'))
      ? fs.readdirSync(path.join(dir, 'node_modules', 'cdktf-vbs-backup', 'node_modules')) : []).toEqual([]);
    summary.push(`${app.name}: ${app.framework} ${version}, constructs ${readVersion(dir, 'constructs')}`);
  });

  test('type-checks strictly (skipLibCheck false, no ambient node types)', async () => {
    const dir = await installs.get(app.name)!;
    const started = Date.now();
    await sh(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], dir);
    summary.push(`${app.name}: tsc ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
      expect(await sh(process.execPath, ['subpaths.js'], dir)).toBe('policies: default_policy\n');
    });
  }

  test('synthesizes as JSON and as HCL, and both apply against the emulator: create, no-op re-apply, destroy', async () => {
    const dir = await installs.get(app.name)!;
    // transpiled on its own, so a type error (the test above) does not hide what the synth does
    const js = ts.transpileModule(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.writeFileSync(path.join(dir, 'main.js'), js);
    for (const output of ['json', 'hcl'] as const) {
      const outdir = `cdktf.out.${output}`;
      const started = Date.now();
      await sh(process.execPath, ['main.js'], dir, { CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: output === 'hcl' ? 'true' : 'false' });
      const stackDir = path.join(dir, outdir, 'stacks', 'tarball');
      const config = fs.readFileSync(path.join(stackDir, output === 'hcl' ? 'cdk.tf' : 'cdk.tf.json'), 'utf8');
      expect(config).toContain('terraform_data');
      expect(config).not.toContain('null_resource');
      expect(config).not.toContain(dir);
      summary.push(`${app.name} ${output}: synth ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // the default: terraform_data under both frameworks, no hashicorp/null provider
      const defaults = fs.readFileSync(path.join(dir, outdir, 'stacks', 'defaults', output === 'hcl' ? 'cdk.tf' : 'cdk.tf.json'), 'utf8');
      expect(defaults).toContain(app.defaultHook);
      expect(defaults.includes('hashicorp/null')).toBe(app.defaultHook === 'null_resource');
      await applyCycle(`${app.name} ${output}`, stackDir);
    }
  });
});

function readVersion(dir: string, pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
}

/**
 * validate, apply, re-apply, destroy of a synthesized stack, with the hook bundle it carries as
 * an asset (no node_modules at apply time), against its own emulator; exact execute counts.
 */
async function applyCycle(label: string, stackDir: string): Promise<void> {
  const emulator = await startE2eEmulator();
  const tf = new Terraform(stackDir, apiEnv(emulator));
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
    summary.push(`${label}: validate/apply/re-apply/destroy ${((Date.now() - started) / 1000).toFixed(1)} s, executes after each ${counts.join('/')}`);
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
