// Leaving CDK: synthesize the stack once as plain Terraform (HCL), keep `cdk.tf` and its
// `assets/` folder (the hook executor), and from then on run `terraform apply` or
// `tofu apply` in that folder: no CDK, no node_modules, only `node` >= 20 for the hooks.
// `cdktf synth --hcl` does the same from the CLI. Run: `npm run build:examples && node
// build/examples/hcl-exit/main.js`, then `terraform init && terraform apply` in
// cdktf.out/hcl-exit/stacks/quickstart.
import { QuickstartStack } from '../quickstart/stack';
import { synthAsHcl } from './synth';

synthAsHcl('cdktf.out/hcl-exit', (app) => {
  new QuickstartStack(app, 'quickstart');
});
