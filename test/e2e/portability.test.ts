/**
 * Real Terraform, offline: a synthesized output is self-contained. Copied to another folder
 * (the original moved away), it initialises and applies from there with nothing but `node`:
 * no absolute path of the synth machine, no node_modules.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Retention, Schedule } from '../../src';
import { Emulator } from '../../src/emulator';
import {
  Terraform, VOLUMES, apiEnv, makeTempDir, ok, policiesNamed, policyNamed, startE2eEmulator, synthStack,
} from './harness';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const STACK = 'portable';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator({ jobSeconds: 1 });
});

afterAll(() => emulator?.stop());

function build(stack: Construct): void {
  const policy = new BackupPolicy(stack, 'Policy', {
    policyName: 'e2e-portable',
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    volumeIds: [VOLUMES[0], VOLUMES[1]],
    tags: { app: 'portable' },
  });
  new BackupPolicyTrigger(stack, 'Trigger', { policy, waitForCompletion: true, timeoutSeconds: 60 });
}

/** Every file under `dir`, relative to it, with whether it is a symbolic link. */
function listFiles(dir: string, base = dir): { file: string; link: boolean }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(full, base);
    return [{ file: path.relative(base, full), link: e.isSymbolicLink() }];
  });
}

test('a copied cdktf.out applies from its new place with the original moved away, and refers to no synth-machine path', async () => {
  const synthRoot = makeTempDir('vbs-e2e-synth');
  const targetRoot = makeTempDir('vbs-e2e-copy');
  const movedAway = `${synthRoot}-moved-away`;
  let tf: Terraform | undefined;
  try {
    // given an output synthesized in one temp dir
    const outdir = path.join(synthRoot, 'cdktf.out');
    const stackDir = synthStack(outdir, STACK, build);
    const json = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
    for (const machinePath of new Set([ROOT, fs.realpathSync(ROOT), synthRoot, fs.realpathSync(synthRoot)])) {
      expect({ path: machinePath, found: json.includes(machinePath) }).toEqual({ path: machinePath, found: false });
    }
    expect(json).not.toContain('node_modules');
    expect(json).toContain('${path.module}/assets/');
    // nor does any other file of the output (manifest, the bundled executor)
    const machinePaths = [ROOT, synthRoot];
    const mentions = listFiles(outdir)
      .filter(({ file }) => machinePaths.some((p) => fs.readFileSync(path.join(outdir, file), 'utf8').includes(p)))
      .map(({ file }) => file);
    expect(mentions).toEqual([]);

    // when it is copied elsewhere and the original renamed away
    const copied = path.join(targetRoot, 'deploy', 'cdktf.out');
    fs.cpSync(outdir, copied, { recursive: true });
    fs.renameSync(synthRoot, movedAway);
    const copiedStack = path.join(copied, 'stacks', STACK);
    const files = listFiles(copiedStack);
    expect(files.filter((f) => f.link)).toEqual([]);
    expect(files.map((f) => f.file).filter((f) => f.startsWith('assets'))).toEqual([
      expect.stringMatching(/^assets\/[^/]+\/[^/]+\/vbs-backup-hook\.js$/),
    ]);
    expect(fs.existsSync(path.join(targetRoot, 'node_modules'))).toBe(false);

    // then init and apply work from there, run from another working directory (-chdir)
    tf = new Terraform(targetRoot, apiEnv(emulator));
    const chdir = `-chdir=${path.relative(targetRoot, copiedStack)}`;
    ok(await tf.run([chdir, 'init', '-input=false', '-no-color']), 'init of the copy');
    const apply = ok(await tf.run([chdir, 'apply', '-auto-approve', '-input=false', '-no-color']), 'apply of the copy');
    expect(apply.output).not.toContain(movedAway);
    const policy = policyNamed(emulator, 'e2e-portable');
    expect(policy.volume_ids).toHaveLength(2);
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    expect(fs.existsSync(path.join(copiedStack, 'terraform.tfstate'))).toBe(true);

    ok(await tf.run([chdir, 'destroy', '-auto-approve', '-input=false', '-no-color']), 'destroy of the copy');
    expect(policiesNamed(emulator, 'e2e-portable')).toHaveLength(0);
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
  } finally {
    tf?.dispose();
    for (const dir of [synthRoot, movedAway, targetRoot]) fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the executor shipped in the output runs with node alone: no node_modules anywhere above it', () => {
  const root = makeTempDir('vbs-e2e-bare');
  try {
    const stackDir = synthStack(path.join(root, 'out'), 'bare', build);
    const [asset] = listFiles(stackDir).map((f) => f.file).filter((f) => f.endsWith('vbs-backup-hook.js'));
    // every folder from the asset up to / has no node_modules: a require() of a dependency would fail
    for (let dir = path.dirname(path.join(stackDir, asset)); ; dir = path.dirname(dir)) {
      expect({ dir, nodeModules: fs.existsSync(path.join(dir, 'node_modules')) }).toEqual({ dir, nodeModules: false });
      if (path.dirname(dir) === dir) break;
    }
    // and it answers --help (it loads fully) with a clean environment
    const help = execFileSync('node', [path.join(stackDir, asset), '--help'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(help).toContain('vbs-backup');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
