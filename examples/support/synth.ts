import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';

/** Builds the contents of a stack (the stack already has its local backend). */
export type StackBuilder = (stack: TerraformStack) => void;

/**
 * Synthesizes one stack named `name` into `outdir` as users do with `cdktf.json`'s context
 * `cdktf-vbs-backup:hookResource = terraform_data` (no provider to download), with a relative
 * local backend (cdktf's default one writes an absolute path).
 * @returns the stack directory (`<outdir>/stacks/<name>`)
 */
export function synthStack(outdir: string, name: string, build: StackBuilder): string {
  const app = new App({ outdir, context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' } });
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  build(stack);
  app.synth();
  return path.join(outdir, 'stacks', name);
}
