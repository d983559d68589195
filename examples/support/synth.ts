import { Construct } from 'constructs';
import { Flavour, TERRAFORM_DATA_CONTEXT, addStack, stackDir, synthApp } from './frameworks';

/** Builds the contents of a stack (the stack already has its local backend). */
export type StackBuilder = (stack: Construct) => void;

/**
 * Synthesizes one stack named `name` into `outdir` as users do with `cdktf.json`'s context
 * `cdktf-vbs-backup:hookResource = terraform_data` (no provider to download; the flavour's
 * `context` replaces that context), with a relative
 * local backend (the default one writes an absolute path), built with the flavour's framework
 * (cdktf by default) into its output (JSON by default, or HCL).
 * @returns the stack directory (`<outdir>/stacks/<name>`)
 */
export function synthStack(outdir: string, name: string, build: StackBuilder, flavour: Flavour = {}): string {
  const framework = flavour.framework ?? 'cdktf';
  synthApp(outdir, (app) => build(addStack(framework, app, name)), flavour, flavour.context ?? TERRAFORM_DATA_CONTEXT);
  return stackDir(outdir, name);
}
