// Leaving CDK: synthesize the stack once as plain Terraform (HCL), keep `cdk.tf` and its
// `assets/` folder (the hook executor), and from then on run `terraform apply` or
// `tofu apply` in that folder: no CDK, no node_modules, only `node` >= 20 for the hooks.
// `cdktf synth --hcl` does the same from the CLI.
import { App } from 'cdktf';
import { QuickstartStack } from '../quickstart/stack';

const app = new App({
  outdir: 'hcl.out',
  hclOutput: true,
  // built-in terraform_data hooks: the HCL needs no provider at all
  context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' },
});
new QuickstartStack(app, 'quickstart');
app.synth();
