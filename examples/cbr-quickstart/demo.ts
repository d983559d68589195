/**
 * `npm run demo`: the CBR quickstart, end to end, on this machine alone.
 *
 * Starts the embedded emulator on a free port with a vault of two disks (standing in for the
 * vault your cloud provider's `*_cbr_vault` resource made), synthesizes the quickstart stack (the
 * repo's cdktf.json app), runs real `terraform init` and `apply` (terraform_data hooks: no provider
 * download), shows what the cloud saw, re-applies, destroys (one last backup) and stops the
 * emulator. `npm run demo:vbs` does the same for a VBS policy (examples/quickstart/demo.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { startEmulator } from 'cdktf-vbs-backup/emulator';
import { CbrQuickstartStack } from './stack';
import { freshTerraform, say, showTerraform, runDemo } from '../support/demo';
import { Terraform, requireTerraform } from '../support/terraform';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const TOKEN = 'quickstart-demo-token';
const VAULT = 'quickstart-db';
const DISKS = ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c31', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c32'];

async function main(): Promise<number> {
  say(`cdktf-vbs-backup CBR quickstart (${requireTerraform()}, node ${process.version})`);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  const emulator = await startEmulator({
    tokens: [{ token: TOKEN, projectId: PROJECT_ID }],
    jobSeconds: 2,
    vaults: [{ name: VAULT, resourceIds: DISKS, projectId: PROJECT_ID }],
  });
  let tf: Terraform | undefined;
  try {
    const [vault] = emulator.vaults(PROJECT_ID);
    say(`1. Started the embedded emulator at ${emulator.url}: vault "${VAULT}" (id ${vault.id}) holds ${DISKS.length} disks.`);

    const outdir = path.join(ROOT, 'cdktf.out');
    const app = new App({ outdir, context: cdktfJson.context });
    new CbrQuickstartStack(app, 'cbr-quickstart', { vaultName: VAULT });
    app.synth();
    const stackDir = path.join(outdir, 'stacks', 'cbr-quickstart');
    say(`2. Synthesized the quickstart stack into ${path.relative(ROOT, stackDir)}.`);

    tf = await freshTerraform(stackDir, { CBR_ENDPOINT: emulator.url, HW_REGION_NAME: 'eu-de', HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN });
    say('3. terraform init: done (no provider to download).');

    say('4. terraform apply: runs the migration, then backs up the vault and waits for its backups:');
    const apply = await tf.apply();
    showTerraform(apply);
    if (apply.code !== 0) throw new Error('terraform apply failed (see above)');
    const runs = () => emulator.checkpointCount(vault.id);
    say(`5. What the cloud saw: ${runs()} checkpoint of vault "${VAULT}", its backups:`);
    for (const b of emulator.backups(PROJECT_ID, vault.id)) say(`   - disk ${b.resource_id}: ${b.status} (${b.name})`);

    const again = await tf.apply();
    if (again.code !== 0) throw new Error(`second terraform apply failed:\n${again.output}`);
    say(`6. terraform apply again: nothing changed, checkpoints so far: ${runs()} (the migration did not run again).`);

    say('7. terraform destroy: one last backup first (backupBeforeDestroy):');
    const destroy = await tf.destroy();
    showTerraform(destroy);
    if (destroy.code !== 0) throw new Error('terraform destroy failed (see above)');
    say(`   checkpoints in all: ${runs()}; the vault is the provider's, so it stays.`);
    if (runs() !== 2) throw new Error(`expected 2 checkpoints, the emulator made ${runs()}`);
    say('Done: a backup after the migration, none on a no-op apply, one before destroy.');
    return 0;
  } finally {
    tf?.dispose();
    await emulator.stop();
  }
}

runDemo('quickstart', main);
