/**
 * Deploys an example stack with real Terraform against an emulator: used by `npm run example`
 * and by the examples' tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import type { Emulator } from 'cdktf-vbs-backup/emulator';
import { AppOf, FrameworkName, Output, stackDir, synthApp } from './frameworks';
import { Terraform, TerraformResult } from './terraform';

export const EXAMPLE_PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const EXAMPLE_TOKEN = 'example-token';

/** How an example is synthesized: with which framework's app, into which output. */
export interface ExampleFlavour<F extends FrameworkName> {
  /** @default 'cdktf' */
  readonly framework?: F;
  /** @default 'json' */
  readonly output?: Output;
}

/** A synthesized example in a temp folder, with Terraform set up against an emulator. */
export class DeployedExample<F extends FrameworkName = 'cdktf'> {
  public readonly tf: Terraform;
  private initialized = false;

  private constructor(
    private readonly outdir: string,
    public readonly stackDir: string,
    emulator: Emulator,
    private readonly flavour: ExampleFlavour<F>,
  ) {
    this.tf = new Terraform(stackDir, {
      VBS_ENDPOINT: emulator.url,
      CBR_ENDPOINT: emulator.url,
      HW_REGION_NAME: 'eu-de',
      HW_PROJECT_ID: EXAMPLE_PROJECT_ID,
      HW_AUTH_TOKEN: EXAMPLE_TOKEN,
    });
  }

  /**
   * Synthesizes `build(app)` (which must add exactly the stack `name`) with terraform_data hooks,
   * with a cdktf app into JSON unless `flavour` says otherwise (a cdktn app, HCL).
   */
  static synth<F extends FrameworkName = 'cdktf'>(
    name: string,
    emulator: Emulator,
    build: (app: AppOf<F>) => Construct,
    flavour: ExampleFlavour<F> = {},
  ): DeployedExample<F> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `vbs-example-${name}-`));
    synthApp(outdir, build, flavour);
    return new DeployedExample(outdir, stackDir(outdir, name), emulator, flavour);
  }

  /**
   * Deploys what `synth(outdir)` writes (the stack `name`), for examples that synthesize
   * themselves; no re-synth.
   */
  static synthWith(name: string, emulator: Emulator, synth: (outdir: string) => void): DeployedExample<'cdktf'> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `vbs-example-${name}-`));
    synth(outdir);
    return new DeployedExample(outdir, stackDir(outdir, name), emulator, {});
  }

  /** Re-synthesizes in place (same state file) after a change of props. */
  resynth(name: string, build: (app: AppOf<F>) => Construct): void {
    synthApp(this.outdir, build, this.flavour);
    if (stackDir(this.outdir, name) !== this.stackDir) throw new Error(`stack ${name} is not the one deployed`);
  }

  async apply(): Promise<TerraformResult> {
    await this.init();
    return this.tf.apply();
  }

  /** `terraform validate` (after `init`). */
  async validate(): Promise<TerraformResult> {
    await this.init();
    return this.tf.run(['validate', '-no-color']);
  }

  private async init(): Promise<void> {
    if (this.initialized) return;
    const init = await this.tf.init();
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
    this.initialized = true;
  }

  destroy(): Promise<TerraformResult> {
    return this.tf.destroy();
  }

  dispose(): void {
    this.tf.dispose();
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}
