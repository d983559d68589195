/**
 * `npm run demo`: the quickstart, end to end, on this machine alone.
 *
 * Starts the embedded VBS emulator on a free port, synthesizes the quickstart stack (the repo's
 * cdktf.json app, with its context), runs real `terraform init` and `apply` (terraform_data
 * hooks: no provider download), shows what the cloud saw, then destroys and stops the emulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { startEmulator } from 'cdktf-vbs-backup/emulator';
import { QuickstartStack } from './stack';
import { freshTerraform, say, showTerraform, runDemo } from '../support/demo';
import { Terraform, requireTerraform } from '../support/terraform';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const TOKEN = 'quickstart-demo-token';

async function main(): Promise<number> {
  say(`cdktf-vbs-backup quickstart (${requireTerraform()}, node ${process.version})`);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  const emulator = await startEmulator({ tokens: [{ token: TOKEN, projectId: PROJECT_ID }], jobSeconds: 3 });
  let tf: Terraform | undefined;
  try {
    say(`1. Started the embedded VBS emulator at ${emulator.url} (project ${PROJECT_ID}).`);

    const outdir = path.join(ROOT, 'cdktf.out');
    const app = new App({ outdir, context: cdktfJson.context });
    new QuickstartStack(app, 'quickstart');
    app.synth();
    const stackDir = path.join(outdir, 'stacks', 'quickstart');
    say(`2. Synthesized the quickstart stack into ${path.relative(ROOT, stackDir)} (hook resource: ${cdktfJson.context['cdktf-vbs-backup:hookResource']}).`);

    tf = await freshTerraform(stackDir, { VBS_ENDPOINT: emulator.url, HW_REGION_NAME: 'eu-de', HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN });
    say('3. terraform init: done (no provider to download).');

    say('4. terraform apply: creates the policy, then runs it right after the migration and waits:');
    const apply = await tf.apply();
    showTerraform(apply);
    if (apply.code !== 0) throw new Error('terraform apply failed (see above)');

    const [policy] = emulator.policies(PROJECT_ID).filter((p) => p.backup_policy_name === 'quickstart-nightly');
    if (!policy) throw new Error('the policy was not created');
    const jobs = emulator.jobs(PROJECT_ID, policy.backup_policy_id);
    say(`5. What the cloud saw: policy "${policy.backup_policy_name}" (id ${policy.backup_policy_id}), ` +
      `${policy.policy_resource_count} volumes, ${emulator.executeCount(policy.backup_policy_id)} backup run, ${jobs.length} jobs:`);
    for (const job of jobs) say(`   - volume ${job.resource_id}: ${job.status} (${job.backup_name})`);

    const again = await tf.apply();
    if (again.code !== 0) throw new Error(`second terraform apply failed:\n${again.output}`);
    say(`6. terraform apply again: nothing changed, backup runs so far: ${emulator.executeCount(policy.backup_policy_id)} (Rerun.once()).`);

    const destroy = await tf.destroy();
    showTerraform(destroy);
    if (destroy.code !== 0) throw new Error('terraform destroy failed (see above)');
    const left = emulator.policies(PROJECT_ID).filter((p) => p.backup_policy_name === 'quickstart-nightly').length;
    say(`7. terraform destroy: the policy is ${left === 0 ? 'deleted' : 'STILL THERE'}.`);
    if (left !== 0) throw new Error('the policy was not deleted');
    say('Done: one backup run, its jobs, and a clean teardown.');
    return 0;
  } finally {
    tf?.dispose();
    await emulator.stop();
  }
}

runDemo('quickstart', main);
