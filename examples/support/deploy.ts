/**
 * Deploys an example stack with real Terraform against an emulator: used by `npm run example`
 * and by the examples' tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import type { Emulator } from 'cdktf-vbs-backup/emulator';
import { Terraform, TerraformResult } from './terraform';

export const EXAMPLE_PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const EXAMPLE_TOKEN = 'example-token';

/** A synthesized example in a temp folder, with Terraform set up against an emulator. */
export class DeployedExample {
  public readonly tf: Terraform;
  private initialized = false;

  private constructor(private readonly outdir: string, public readonly stackDir: string, emulator: Emulator) {
    this.tf = new Terraform(stackDir, {
      VBS_ENDPOINT: emulator.url,
      HW_REGION_NAME: 'eu-de',
      HW_PROJECT_ID: EXAMPLE_PROJECT_ID,
      HW_AUTH_TOKEN: EXAMPLE_TOKEN,
    });
  }

  /** Synthesizes `build(app)` (which must add exactly the stack `name`) with terraform_data hooks. */
  static synth(name: string, emulator: Emulator, build: (app: App) => TerraformStack): DeployedExample {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `vbs-example-${name}-`));
    const app = new App({ outdir, context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' } });
    build(app);
    app.synth();
    return new DeployedExample(outdir, path.join(outdir, 'stacks', name), emulator);
  }

  /** Re-synthesizes in place (same state file) after a change of props. */
  resynth(name: string, build: (app: App) => TerraformStack): void {
    const app = new App({ outdir: this.outdir, context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' } });
    build(app);
    app.synth();
    if (path.join(this.outdir, 'stacks', name) !== this.stackDir) throw new Error(`stack ${name} is not the one deployed`);
  }

  async apply(): Promise<TerraformResult> {
    if (!this.initialized) {
      const init = await this.tf.init();
      if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
      this.initialized = true;
    }
    return this.tf.apply();
  }

  destroy(): Promise<TerraformResult> {
    return this.tf.destroy();
  }

  dispose(): void {
    this.tf.dispose();
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}
