import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * The framework is found from the copy the app loaded, not by resolving it from the library
 * (src/core/framework.ts): with pnpm's global virtual store, no folder above the library holds
 * the app's node_modules, and cdktn is not a peer. This lays out that case by hand: the library
 * (bundled from the sources, frameworks left out) in a folder of its own with only `constructs`
 * beside it, and an app whose node_modules has cdktn and constructs; the app synthesizes.
 */

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vbs-framework-lookup-'));
  const library = path.join(dir, 'store', 'node_modules', 'cdktf-vbs-backup');
  buildSync({
    entryPoints: [path.join(ROOT, 'src', 'index.ts')], outfile: path.join(library, 'lib', 'index.js'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', external: ['cdktf', 'cdktn', 'constructs'],
  });
  // the executor asset the synth adds: any file will do, it is copied, not run
  fs.mkdirSync(path.join(library, 'hook'));
  fs.writeFileSync(path.join(library, 'hook', 'vbs-backup-hook.js'), '// stands in for the bundle\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'constructs'), path.join(dir, 'store', 'node_modules', 'constructs'), 'dir');
  fs.mkdirSync(path.join(dir, 'app', 'node_modules'), { recursive: true });
  for (const name of ['cdktn', 'constructs']) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'app', 'node_modules', name), 'dir');
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runApp(script: string) {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: path.join(dir, 'app'), encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the library cannot resolve cdktn from where it lies (the control)', () => {
  const library = path.join(dir, 'store', 'node_modules', 'cdktf-vbs-backup', 'lib');
  const r = runApp(`try { require.resolve('cdktn', { paths: [${JSON.stringify(library)}] }); console.log('found'); } catch (e) { console.log(e.code); }`);
  expect(r).toEqual({ code: 0, stdout: 'MODULE_NOT_FOUND\n', stderr: '' });
});

test('a cdktn app whose library cannot resolve cdktn synthesizes with the cdktn the app loaded', () => {
  const outdir = path.join(dir, 'app', 'cdktf.out');
  const r = runApp(`
    const { App, TerraformStack } = require('cdktn');
    const L = require(${JSON.stringify(path.join(dir, 'store', 'node_modules', 'cdktf-vbs-backup', 'lib', 'index.js'))});
    const app = new App({ outdir: ${JSON.stringify(outdir)} });
    const stack = new TerraformStack(app, 's');
    L.BackupPolicy.fromPolicyName(stack, 'Shared', 'shared-ops').addTrigger('RunOnce');
    app.synth();
    const json = JSON.parse(require('fs').readFileSync(${JSON.stringify(path.join(outdir, 'stacks', 's', 'cdk.tf.json'))}, 'utf8'));
    console.log(Object.keys(json.resource.terraform_data).length + ' terraform_data');`);
  expect(r).toEqual({ code: 0, stdout: '1 terraform_data\n', stderr: '' });
});
