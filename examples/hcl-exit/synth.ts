import { App } from 'cdktf';

/**
 * Synthesizes an app as HCL, as `cdktf synth --hcl` does: `SYNTH_HCL_OUTPUT=true` while the app
 * and its stacks are made and synthesized, and `hclOutput: true`. Both are needed: a stack reads
 * the variable when it is made, and `hclOutput` alone only names the file `cdk.tf` (its content
 * would still be JSON).
 */
export function synthAsHcl(outdir: string, build: (app: App) => void): void {
  const saved = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const app = new App({
      outdir,
      hclOutput: true,
      // built-in terraform_data hooks: the HCL needs no provider at all
      context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' },
    });
    build(app);
    app.synth();
  } finally {
    if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = saved;
  }
}
