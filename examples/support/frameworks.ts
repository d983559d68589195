/**
 * The two frameworks an app can be built with (cdktf and its maintained fork cdktn), and the two
 * outputs a synth can write (JSON, or HCL as `cdktf synth --hcl` does): for the support code of
 * the examples, the end-to-end suite and the benchmarks, which drive either one in-process.
 *
 * cdktn's CLI needs Node 22; its library runs on Node 20, so nothing here uses a framework's CLI.
 */
import * as path from 'node:path';
import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import { Construct } from 'constructs';

export type FrameworkName = 'cdktf' | 'cdktn';
export type Output = 'json' | 'hcl';

/** Which framework builds the app, and which output it writes. */
export interface Flavour {
  /** @default 'cdktf' */
  readonly framework?: FrameworkName;
  /** @default 'json' */
  readonly output?: Output;
  /**
   * The app's context, as `cdktf.json` "context" gives it.
   *
   * @default TERRAFORM_DATA_CONTEXT
   */
  readonly context?: Record<string, unknown>;
}

/** Every combination, for suites that run once per framework and output. */
export const FLAVOURS: readonly Required<Omit<Flavour, 'context'>>[] = [
  { framework: 'cdktf', output: 'json' },
  { framework: 'cdktf', output: 'hcl' },
  { framework: 'cdktn', output: 'json' },
  { framework: 'cdktn', output: 'hcl' },
];

/** The framework modules, by name (the same public API: App, TerraformStack, LocalBackend...). */
export const FRAMEWORKS = { cdktf, cdktn } as const;

/** The App class of a framework. */
export type AppOf<F extends FrameworkName> = InstanceType<(typeof FRAMEWORKS)[F]['App']>;

/** `cdktf-json`, `cdktn-hcl`...: for names of stacks, policies and tests. */
export function flavourName(flavour: Flavour = {}): string {
  return `${flavour.framework ?? 'cdktf'}-${flavour.output ?? 'json'}`;
}

/** The file a stack's configuration is synthesized into: `cdk.tf.json`, or `cdk.tf` for HCL. */
export function configFile(flavour: Flavour = {}): string {
  return (flavour.output ?? 'json') === 'hcl' ? 'cdk.tf' : 'cdk.tf.json';
}

/** Context every support synth sets: `terraform_data` hooks (no provider to download). */
export const TERRAFORM_DATA_CONTEXT = { 'cdktf-vbs-backup:hookResource': 'terraform_data' } as const;

/**
 * Builds an app of the flavour's framework with `build` and synthesizes it into `outdir`. HCL is
 * what `cdktf synth --hcl` does: `hclOutput: true` and `SYNTH_HCL_OUTPUT=true` while the app is
 * made and synthesized (the variable is restored afterwards). Both are needed: the stacks read
 * the variable when they are made; `hclOutput` alone only names the file `cdk.tf`.
 */
export function synthApp<F extends FrameworkName = 'cdktf'>(
  outdir: string,
  build: (app: AppOf<F>) => void,
  flavour: { readonly framework?: F; readonly output?: Output } = {},
  context: Record<string, unknown> = TERRAFORM_DATA_CONTEXT,
): void {
  const framework = FRAMEWORKS[flavour.framework ?? 'cdktf'];
  const hcl = (flavour.output ?? 'json') === 'hcl';
  const saved = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = hcl ? 'true' : 'false';
  try {
    const app = new framework.App({ outdir, context, hclOutput: hcl });
    build(app as AppOf<F>);
    app.synth();
  } finally {
    if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = saved;
  }
}

/**
 * Adds a stack named `name` to `app` with the framework's own classes, and a relative local
 * backend (the frameworks' default one writes an absolute path); returns it as the scope to
 * build in.
 */
export function addStack(framework: FrameworkName, app: Construct, name: string): Construct {
  const fw = FRAMEWORKS[framework];
  const stack = new fw.TerraformStack(app, name);
  new fw.LocalBackend(stack, { path: 'terraform.tfstate' });
  return stack;
}

/** Where `synthApp` put the stack `name`: `<outdir>/stacks/<name>`. */
export function stackDir(outdir: string, name: string): string {
  return path.join(outdir, 'stacks', name);
}
