import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TerraformStack } from 'cdktf';
import { HookResource } from '../../src';
import { makeTempDir, Terraform } from '../../examples/support/terraform';
import { everyHookKind, lateResources } from './stacks';
import { FRAMEWORK_NAMES, FRAMEWORKS, FrameworkName } from './synth';

/**
 * `terraform validate` of stacks with every hook kind (policy apply and destroy, volumes with
 * `for_each`, trigger, before-destroy) and a trigger whose ordering and rerun name constructs
 * filled after it (src/trigger/trigger.ts takes them at synth), as HCL (what `cdktf synth --hcl` writes: the
 * `SYNTH_HCL_OUTPUT` variable plus `hclOutput`) and as JSON, under both frameworks.
 * `terraform_data` needs no provider, so `terraform init` downloads nothing.
 */

function synthesize(framework: FrameworkName, hcl: boolean, outdir: string): string {
  const { App, LocalBackend, TerraformStack } = FRAMEWORKS[framework];
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = hcl ? 'true' : 'false';
  try {
    const app = new App({ outdir, hclOutput: hcl });
    const stack = new TerraformStack(app, 'hooks');
    new LocalBackend(stack, { path: 'terraform.tfstate' });
    everyHookKind(stack as TerraformStack, framework, HookResource.TERRAFORM_DATA);
    lateResources(stack as TerraformStack, framework);
    app.synth();
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
  return path.join(outdir, 'stacks', 'hooks');
}

describe.each(FRAMEWORK_NAMES)('%s', (framework) => {
  test.each([
    ['HCL', true],
    ['JSON', false],
  ])('%s output with every hook kind passes terraform validate', async (_name, hcl) => {
    const outdir = makeTempDir('vbs-validate');
    const tf = new Terraform(synthesize(framework, hcl as boolean, outdir));
    try {
      const file = path.join(tf.dir, hcl ? 'cdk.tf' : 'cdk.tf.json');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('hook-policy-apply');
      expect(text).toContain('hook-volume-detach');
      expect(text).toContain('BeforeDestroy');
      expect(text).toContain('hook-backup');
      expect(text).toContain('VBS_HOOK_RUN = substr(sha256(jsonencode([self.triggers_replace, terraform_data.');
      // resources added after the trigger named their constructs: watched and ordered
      expect(text).toMatch(hcl ? /replace_triggered_by = \[terraform_data\.Later_Migration_[0-9A-F]{8}\]/ : /"replace_triggered_by": \[\s*"terraform_data\.Later_Migration_[0-9A-F]{8}"\s*\]/);
      expect(text).toMatch(/"terraform_data\.LateVault_Backup_BeforeDestroy_[0-9A-F]{8}"/); // in Deploy_Switch's depends_on
      if (hcl) {
        expect(text).toContain('VBS_HOOK_SPEC = "${jsonencode(');
      }
      const init = await tf.init();
      expect(init.output).toContain('Terraform has been successfully initialized');
      const validate = await tf.run(['validate', '-no-color']);
      expect({ code: validate.code, output: validate.output }).toEqual({ code: 0, output: expect.stringContaining('Success! The configuration is valid') });
      expect(validate.output).not.toContain('Error');
    } finally {
      tf.dispose();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
