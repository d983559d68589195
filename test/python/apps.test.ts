/**
 * The Python package end to end (issue 20): the wheel `npm run package:python` builds from the
 * jsii assembly, installed by the README's own install lines into fresh venvs with packages
 * from PyPI (cdktn 0.24 with constructs 10.7; cdktf 0.21), runs the Python example apps
 * (examples/python-cdktn, examples/python-cdktf: the README's main.py) as the framework's CLI
 * runs them (the `app` command of their cdktf.json, with CDKTF_OUTDIR and CDKTF_CONTEXT_JSON
 * set), and the stacks they synthesize apply with real Terraform against the emulator: per
 * trigger (a vault trigger and a policy trigger) one backup run on create, none on a re-apply,
 * one more on destroy (`backupBeforeDestroy`), counted by the emulator's request log. A bad prop
 * fails the Python synth with the message TypeScript prints.
 *
 * The README's Python blocks are checked here: the install lines run as written (pip finds
 * `cdktf-vbs-backup` in dist/python through PIP_FIND_LINKS, everything else on PyPI), main.py
 * and cdktf.json are the examples' files byte for byte.
 *
 * Needs `npm run build` first (lib/ and .jsii), `python3` with venv and pip, PyPI (or pip's
 * cache) and terraform; it fails loudly without any of them, in CI and anywhere else. The wheel
 * is made again unless dist/python holds the one of this build (scripts/package-python.js).
 * Venvs are kept between runs under node_modules/.cache (keyed by the install line, the Python
 * version and the wheel's requirements), with this build's wheel installed into them afresh.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App, TerraformStack } from 'cdktf';
import { BackupPolicy, Retention, Schedule } from 'cdktf-vbs-backup';
import { Emulator } from '../../src/emulator';
import { PROJECT_ID, Terraform, apiEnv, makeTempDir, ok, policyNamed, startE2eEmulator } from '../e2e/harness';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const WHEEL_DIR = path.join(ROOT, 'dist', 'python');
const VENV_CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdktf-vbs-backup-python');
const STACK = 'python-backups';
const VAULT = 'python-db';
const POLICY = 'python-nightly';
const VAULT_DISKS = ['5c1e0d2a-8f3b-4a6c-9d7e-1f2a3b4c5d71', '5c1e0d2a-8f3b-4a6c-9d7e-1f2a3b4c5d72'];

jest.setTimeout(900_000);

type Framework = 'cdktn' | 'cdktf';
const FRAMEWORKS: readonly Framework[] = ['cdktn', 'cdktf'];

/** Runs a command; throws with its whole output when it fails. */
async function sh(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** python3 with venv and pip, or a loud failure saying what is missing. */
function requirePython(): string {
  try {
    return execFileSync('python3', ['-c', 'import sys, venv, ensurepip; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim();
  } catch (err) {
    const banner = '!'.repeat(78);
    process.stderr.write(
      `\n${banner}\nPYTHON NOT FOUND: the Python suite needs python3 (>= 3.10) with the venv and ensurepip modules\n` +
        `(Debian: apt-get install python3 python3-venv). This suite does not pass without it${process.env.CI ? ' (CI=true)' : ''}.\n${banner}\n`,
    );
    throw new Error(`python3 with venv is missing: ${(err as Error).message}`);
  }
}

/** scripts/package-python.js: the hash of a build (.jsii and lib/) and the stamp that names the wheel of one. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a build script, plain CommonJS
const packaging = require('../../scripts/package-python.js') as { buildHash(): string; STAMP: string };

/**
 * The wheel of the current build: `npm run package:python` makes it when dist/python holds none,
 * or one of another build (its stamp's hash differs from that of .jsii and lib/ now).
 */
async function currentWheel(): Promise<string> {
  if (!fs.existsSync(path.join(ROOT, '.jsii')) || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error('lib/ or .jsii is missing: run `npm run build` first (`npm test` does)');
  }
  const stamped = (): { wheel: string; build: string } | undefined =>
    fs.existsSync(packaging.STAMP) ? (JSON.parse(fs.readFileSync(packaging.STAMP, 'utf8')) as { wheel: string; build: string }) : undefined;
  const build = packaging.buildHash();
  if (stamped()?.build !== build) {
    await sh('npm', ['run', '--silent', 'package:python'], ROOT);
  }
  const stamp = stamped();
  if (stamp?.build !== build) throw new Error(`npm run package:python left no wheel of this build in ${WHEEL_DIR}`);
  return path.join(WHEEL_DIR, stamp.wheel);
}

/** The `Requires-Dist` lines of the wheel's METADATA (read with Python's zipfile). */
async function requiresDist(wheel: string): Promise<string[]> {
  const script =
    'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n' +
    "m = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')]\nprint(z.read(m[0]).decode())";
  const { stdout } = await sh('python3', ['-c', script, wheel], ROOT);
  return stdout.split('\n').filter((l) => l.startsWith('Requires-Dist:')).map((l) => l.slice('Requires-Dist:'.length).trim());
}

/** The README's Python section: its checked blocks by name (`<!-- python-check: NAME -->`). */
function readmeBlocks(): Record<string, string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Python\n');
  if (start < 0) throw new Error('README.md has no "## Python" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks: Record<string, string> = {};
  for (const m of section.matchAll(/<!-- python-check: (\S+) -->\n```\w+\n([\s\S]*?)```\n/g)) {
    if (m[1] in blocks) throw new Error(`README.md: two Python blocks named ${m[1]}`);
    blocks[m[1]] = m[2];
  }
  return blocks;
}

const README = readmeBlocks();
/** The README's block `name`, or a failure naming it. */
function block(name: string): string {
  const text = README[name];
  if (text === undefined) throw new Error(`README.md "## Python" has no block marked <!-- python-check: ${name} -->`);
  return text;
}

/**
 * A venv made by the README's install block for `framework` (run with bash as written, in a cache
 * folder; pip finds this package in dist/python), with this build's wheel installed.
 */
async function venvFor(framework: Framework, wheel: string, pythonVersion: string): Promise<string> {
  const install = block(`install-${framework}`);
  const key = crypto.createHash('sha256').update([install, pythonVersion, ...(await requiresDist(wheel))].join('\n')).digest('hex').slice(0, 16);
  const home = path.join(VENV_CACHE, `${framework}-${key}`);
  // the block makes its folder (`mkdir backups && cd backups`) and the venv in it
  const venv = path.join(home, 'backups', '.venv');
  const pip = path.join(venv, 'bin', 'pip');
  const env = { ...process.env, PIP_FIND_LINKS: WHEEL_DIR, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  const done = path.join(home, 'complete');
  if (!fs.existsSync(done)) {
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true });
    await sh('bash', ['-euo', 'pipefail', '-c', install], home, env);
    fs.writeFileSync(done, install);
  } else {
    // a kept venv: this build's wheel replaces the one of an earlier build (same version)
    await sh(pip, ['install', '--force-reinstall', '--no-deps', wheel], home, env);
  }
  await sh(pip, ['check'], home, env);
  return venv;
}

/** The installed distributions of a venv, by lower-case name. */
async function installed(venv: string): Promise<Record<string, string>> {
  const { stdout } = await sh(path.join(venv, 'bin', 'pip'), ['list', '--format=json', '--disable-pip-version-check'], venv);
  return Object.fromEntries((JSON.parse(stdout) as { name: string; version: string }[]).map((p) => [p.name.toLowerCase(), p.version]));
}

/**
 * Runs the app in `dir` as the framework's CLI does: the `app` command of its cdktf.json in a
 * shell, in the activated venv, with CDKTF_OUTDIR and CDKTF_CONTEXT_JSON (the cdktf.json
 * context) set. Resolves with the exit code and output (it does not throw).
 */
async function synth(dir: string, venv: string, outdir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app: string; context?: Record<string, unknown> };
  const env = {
    ...process.env,
    ...extraEnv,
    VIRTUAL_ENV: venv,
    PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTEXT_JSON: JSON.stringify(config.context ?? {}),
  };
  try {
    const { stdout, stderr } = await run('sh', ['-c', config.app], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Copies an example app (its main.py and cdktf.json) into a fresh folder. */
function copyExample(framework: Framework, into: string): string {
  const dir = path.join(into, `python-${framework}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of ['main.py', 'cdktf.json']) fs.copyFileSync(path.join(ROOT, 'examples', `python-${framework}`, file), path.join(dir, file));
  return dir;
}

let emulator: Emulator;
let wheel: string;
let pythonVersion: string;
let work: string;

beforeAll(async () => {
  pythonVersion = requirePython();
  wheel = await currentWheel();
  emulator = await startE2eEmulator({ vaults: [{ name: VAULT, resourceIds: VAULT_DISKS, projectId: PROJECT_ID }] });
  work = makeTempDir('vbs-python');
});
afterAll(() => {
  emulator?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the wheel requires constructs and the jsii runtime, neither cdktf nor cdktn', async () => {
  const names = (await requiresDist(wheel)).map((r) => /^[A-Za-z0-9._-]+/.exec(r)?.[0].toLowerCase());
  expect(names).toEqual(expect.arrayContaining(['constructs', 'jsii']));
  expect(names).not.toContain('cdktf');
  expect(names).not.toContain('cdktn');
  expect(path.basename(wheel)).toMatch(/^cdktf_vbs_backup-\d+\.\d+\.\d+-py3-none-any\.whl$/);
});

test("the README's main.py and cdktf.json are the examples' files; the cdktf app differs from the cdktn one in its import line only", () => {
  const cdktn = fs.readFileSync(path.join(ROOT, 'examples', 'python-cdktn', 'main.py'), 'utf8');
  const cdktf = fs.readFileSync(path.join(ROOT, 'examples', 'python-cdktf', 'main.py'), 'utf8');
  expect(block('main.py')).toBe(cdktn);
  const importLine = /^from cdktn import .*\n/m.exec(cdktn)?.[0];
  expect(importLine).toBeDefined();
  expect(block('cdktf-import')).toBe(importLine?.replace('from cdktn', 'from cdktf'));
  expect(cdktf).toBe(cdktn.replace(importLine ?? '', block('cdktf-import')));
  for (const framework of FRAMEWORKS) {
    expect(fs.readFileSync(path.join(ROOT, 'examples', `python-${framework}`, 'cdktf.json'), 'utf8')).toBe(block('cdktf.json'));
  }
  expect(JSON.parse(block('cdktf.json'))).toMatchObject({ language: 'python', app: 'python main.py' });
});

describe.each(FRAMEWORKS)('the Python %s app', (framework) => {
  let venv: string;
  let app: string;
  beforeAll(async () => {
    venv = await venvFor(framework, wheel, pythonVersion);
    app = copyExample(framework, work);
  });

  test(`its venv (the README's install line) has ${framework}, this package and constructs, and not the other framework`, async () => {
    const packages = await installed(venv);
    expect(packages).toHaveProperty(framework);
    expect(packages).toHaveProperty('cdktf-vbs-backup');
    expect(packages).not.toHaveProperty(framework === 'cdktn' ? 'cdktf' : 'cdktn');
    if (framework === 'cdktn') expect(packages.constructs).toMatch(/^10\.7\./);
    if (framework === 'cdktf') expect(packages.cdktf).toMatch(/^0\.21\./);
  });

  test('synthesizes as its CLI runs it, and applies: per trigger 1 backup run on create, 0 on re-apply, 1 more on destroy', async () => {
    emulator.reset();
    const out = path.join(app, 'cdktf.out');
    // the cdktf app runs with jsii's package cache off (packages unpacked straight into the
    // kernel's node_modules), the cdktn app with it on (linked in): the library finds the
    // framework the app loaded under both layouts
    const synthed = await synth(app, venv, out, framework === 'cdktf' ? { JSII_RUNTIME_PACKAGE_CACHE: 'disabled' } : {});
    if (synthed.code !== 0) throw new Error(`python synth of the ${framework} app failed (${synthed.code}):\n${synthed.stdout}\n${synthed.stderr}`);
    const dir = path.join(out, 'stacks', STACK);
    const config = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
    expect(config).toContain('"hook-vault-trigger"');
    expect(config).toContain('"hook-trigger"');
    expect(config).not.toContain(ROOT); // no machine path of the synth

    const vaultId = emulator.vaults(PROJECT_ID).find((v) => v.name === VAULT)?.id;
    expect(vaultId).toBeDefined();
    const checkpoints = () => emulator.requests({ operation: 'createCheckpoint', vaultId }).filter((r) => r.status === 200).length;
    let policyId = '';
    const policyRuns = () => emulator.requests({ operation: 'executePolicy', policyId }).filter((r) => r.status === 204).length;

    const tf = new Terraform(dir, apiEnv(emulator));
    try {
      ok(await tf.init(), `terraform init (${framework})`);
      ok(await tf.apply(), `apply (${framework})`);
      policyId = policyNamed(emulator, POLICY).backup_policy_id;
      expect([checkpoints(), policyRuns()]).toEqual([1, 1]);
      ok(await tf.apply(), `re-apply (${framework})`);
      expect([checkpoints(), policyRuns()]).toEqual([1, 1]);
      ok(await tf.destroy(), `destroy (${framework})`);
      expect([checkpoints(), policyRuns()]).toEqual([2, 2]);
      expect(emulator.policies(PROJECT_ID).filter((p) => p.backup_policy_name === POLICY)).toHaveLength(0);
    } finally {
      tf.dispose();
    }
  });

  test("the wheel's `vbs-backup` console script runs the CLI (`vaults --json` lists the emulator's vault)", async () => {
    emulator.reset();
    const env = { ...process.env, ...apiEnv(emulator) };
    const { stdout } = await sh(path.join(venv, 'bin', 'vbs-backup'), ['vaults', '--json'], app, env);
    const listed = JSON.parse(stdout) as { projectId: string; vaults: { name: string }[] };
    expect(listed.projectId).toBe(PROJECT_ID);
    expect(listed.vaults.map((v) => v.name)).toEqual([VAULT]);
  });

  test('a bad prop fails the Python synth with the message TypeScript prints', async () => {
    // the same policy in TypeScript, with the name the API refuses
    let expected = '';
    try {
      const stack = new TerraformStack(new App(), STACK);
      new BackupPolicy(stack, 'Nightly', { policyName: 'default-db', schedule: Schedule.daily(['02:00']), retention: Retention.count(7), volumeIds: ['5c1e0d2a-8f3b-4a6c-9d7e-1f2a3b4c5d61'] });
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(expected).toMatch(/^python-backups\/Nightly: policyName "default-db" /);

    const bad = path.join(work, `bad-${framework}`);
    fs.cpSync(app, bad, { recursive: true, filter: (src) => path.basename(src) !== 'cdktf.out' });
    const source = fs.readFileSync(path.join(bad, 'main.py'), 'utf8');
    expect(source).toContain('policy_name="python-nightly"');
    fs.writeFileSync(path.join(bad, 'main.py'), source.replace('policy_name="python-nightly"', 'policy_name="default-db"'));
    const out = path.join(bad, 'cdktf.out');
    const result = await synth(bad, venv, out);
    expect(result.code).not.toBe(0);
    // jsii raises a JavaScript error as a RuntimeError carrying its message: the traceback's last line
    expect(result.stderr.trimEnd().split('\n').pop()).toBe(`RuntimeError: ${expected}`);
    expect(fs.existsSync(path.join(out, 'stacks', STACK, 'cdk.tf.json'))).toBe(false);
  });
});
