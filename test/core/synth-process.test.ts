import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../../examples/support/terraform';

/**
 * Synths in a child process, as a user's `cdktf synth` runs them, against the built library
 * (lib/, made by `npm run build`): with no `terraform` on the PATH, and twenty in a row to see
 * that the library keeps no app alive.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib', 'index.js');

/** Runs `script` with node (plus `nodeArgs`) in the repo root; `env` replaces the environment. */
function runNode(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeArgs, '-e', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(LIB)) throw new Error(`${LIB} is missing: run \`npm run build\` first (\`npm test\` does)`);
});

describe('a synth with terraform_data hooks needs no terraform binary', () => {
  const emptyPath = makeTempDir('vbs-empty-path');
  afterAll(() => fs.rmSync(emptyPath, { recursive: true, force: true }));

  /** A child synth whose PATH is an empty folder, so no `terraform` can be found. */
  function synthWithoutTerraform(framework: string, body: string) {
    const outdir = makeTempDir('vbs-no-tf');
    try {
      const script = `
        const fw = require(${JSON.stringify(framework)});
        const L = require(${JSON.stringify(LIB)});
        const app = new fw.App({ outdir: ${JSON.stringify(outdir)} });
        const stack = new fw.TerraformStack(app, 's');
        ${body}
        app.synth();
        const json = JSON.parse(require('fs').readFileSync(${JSON.stringify(path.join(outdir, 'stacks', 's', 'cdk.tf.json'))}, 'utf8'));
        console.log(Object.keys(json.resource.terraform_data).length + ' terraform_data');`;
      return runNode(script, { PATH: emptyPath, HOME: outdir });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  const hooks = `
    const policy = new L.BackupPolicy(stack, 'P', {
      policyName: 'p', schedule: L.Schedule.daily(['02:00']), retention: L.Retention.count(7),
      volumeIds: ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11'], hookResource: L.HookResource.TERRAFORM_DATA,
    });
    policy.addTrigger('T', { backupBeforeDestroy: true, hookResource: L.HookResource.TERRAFORM_DATA });`;

  test.each(['cdktf', 'cdktn'])('under %s', (framework) => {
    const result = synthWithoutTerraform(framework, hooks);
    expect(result).toEqual({ code: 0, stdout: '4 terraform_data\n', stderr: '' });
  });

  test("control: cdktf's own DataResource fails the same synth (the PATH really has no terraform)", () => {
    const result = synthWithoutTerraform('cdktf', `new fw.DataResource(stack, 'd', {});`);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Could not determine version of terraform');
  });
});

describe('what a synth loads', () => {
  /** The modules a child process has loaded after synthesizing a stack with every hook kind under `framework`. */
  function modulesAfterSynth(framework: string): string[] {
    const outdir = makeTempDir('vbs-loaded');
    try {
      const script = `
        const fw = require(${JSON.stringify(framework)});
        const L = require(${JSON.stringify(LIB)});
        const app = new fw.App({ outdir: ${JSON.stringify(outdir)} });
        const stack = new fw.TerraformStack(app, 's');
        const policy = new L.BackupPolicy(stack, 'P', {
          policyName: 'p', schedule: L.Schedule.daily(['02:00']), retention: L.Retention.count(7),
          volumeIds: ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11'], connection: { projectId: 'e9993fc787d94b6c886cbaa340f9c0f4' },
        });
        policy.addTrigger('T', { backupBeforeDestroy: true });
        L.BackupPolicy.fromPolicyName(stack, 'I', 'other').addTrigger('T');
        app.synth();
        console.log(JSON.stringify(Object.keys(require.cache)));`;
      const result = runNode(script, { PATH: process.env.PATH, HOME: outdir });
      expect(result.stderr).toBe('');
      return (JSON.parse(result.stdout) as string[]).map((file) => path.relative(ROOT, file));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  test.each(['cdktf', 'cdktn'])('a %s synth loads neither undici nor the client nor the emulator', (framework) => {
    const loaded = modulesAfterSynth(framework);
    expect(loaded).toContain(path.join('lib', 'index.js'));
    // The contract layer (lib/contract/: the id formats, the connection's rules, the hook
    // variables) is the one definition of what synth and the client accept; nothing above it.
    expect(loaded).toContain(path.join('lib', 'contract', 'rules.js'));
    const heavy = loaded.filter((file) => /node_modules[\\/]undici[\\/]|^lib[\\/](client|emulator|cli)[\\/]/.test(file));
    expect(heavy).toEqual([]);
  });

  test('a cdktn synth does not load cdktf (both are installed here), nor a cdktf synth cdktn', () => {
    expect(modulesAfterSynth('cdktn').filter((file) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(file))).toEqual([]);
    expect(modulesAfterSynth('cdktf').filter((file) => /node_modules[\\/]cdktn[\\/]/.test(file))).toEqual([]);
  });
});

describe('memory', () => {
  test('twenty apps synthesized in one process: none is kept alive, retained memory does not grow', () => {
    const script = `
      const { Testing, TerraformStack } = require('cdktf');
      const L = require(${JSON.stringify(LIB)});
      const V = ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c22'];
      function synthesizedApp() {
        const app = Testing.app();
        const stack = new TerraformStack(app, 'stack');
        for (let i = 0; i < 10; i++) {
          const policy = new L.BackupPolicy(stack, 'P' + i, {
            policyName: 'p-' + i, schedule: L.Schedule.daily(['02:00']), retention: L.Retention.count(7), volumeIds: [V[0]],
          });
          policy.addVolume(V[1]);
          new L.BackupPolicyTrigger(stack, 'T' + i, { policy, backupBeforeDestroy: true, executeAfter: [policy] });
        }
        Testing.synth(stack);
        return new WeakRef(app);
      }
      const settle = () => new Promise((resolve) => setImmediate(resolve)).then(() => global.gc());
      (async () => {
        const apps = [];
        const heap = [];
        for (let i = 0; i < 20; i++) {
          apps.push(synthesizedApp());
          await settle();
          heap.push(process.memoryUsage().heapUsed);
        }
        // A WeakRef's target may outlive one collection (V8 clears it at a later cycle); a leak
        // keeps it alive through every one of a few.
        const aliveIndexes = () => apps.flatMap((a, i) => (a.deref() === undefined ? [] : [i]));
        for (let round = 0; round < 5 && aliveIndexes().length > 0; round++) await settle();
        console.log(JSON.stringify({ alive: aliveIndexes(), heap }));
      })();`;
    const result = runNode(script, { PATH: process.env.PATH }, ['--expose-gc']);
    expect(result.stderr).toBe('');
    const { alive, heap } = JSON.parse(result.stdout) as { alive: number[]; heap: number[] };
    expect(alive).toEqual([]);
    // After a warm-up of five apps, fifteen more may not add up to one app's worth of retained heap.
    const growth = heap[19] - heap[4];
    expect(growth).toBeLessThan(512 * 1024);
  });
});
