/**
 * `npm run demo:restore`: README "Undo a failed migration", end to end, on this machine alone.
 *
 * Starts the embedded emulator with a vault of two disks, applies the stack at schema v1 and v2
 * (a backup before each migration), then at v3 whose migration fails (the backup before it was
 * made). Then, as a person on call would: `vbs-backup vault-backups --trigger` lists the runs,
 * `vbs-backup restore --dry-run` shows the plan, and `vbs-backup restore --yes --wait` puts both
 * disks back as they were before the failed migration. Checks what the emulator saw and stops.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { startEmulator } from 'cdktf-vbs-backup/emulator';
import { UndoMigrationStack, UndoMigrationStackProps } from './stack';
import { freshTerraform, say, showTerraform, runDemo } from '../support/demo';
import { Terraform, requireTerraform } from '../support/terraform';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'lib', 'cli', 'bin.js');
const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const TOKEN = 'undo-demo-token';
const VAULT = 'orders-db';
const DISKS = ['6a2c1b8e-0000-4000-8000-000000000001', '6a2c1b8e-0000-4000-8000-000000000002'];
const STACK = 'orders';
/** The trigger's construct path: the stack's id, the vault's, the trigger's. */
const TRIGGER = `${STACK}/Vault/BeforeMigration`;

async function main(): Promise<number> {
  say(`cdktf-vbs-backup: undo a failed migration (${requireTerraform()}, node ${process.version})`);
  const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).context;
  const emulator = await startEmulator({ tokens: [{ token: TOKEN, projectId: PROJECT_ID }], jobSeconds: 1, vaults: [{ name: VAULT, resourceIds: DISKS, projectId: PROJECT_ID }] });
  const env = { CBR_ENDPOINT: emulator.url, HW_REGION_NAME: 'eu-de', HW_PROJECT_ID: PROJECT_ID, HW_AUTH_TOKEN: TOKEN };
  const outdir = path.join(ROOT, 'cdktf.out');
  const stackDir = path.join(outdir, 'stacks', STACK);
  const synth = (props: UndoMigrationStackProps): void => {
    const app = new App({ outdir, context });
    new UndoMigrationStack(app, STACK, { vaultName: VAULT, ...props });
    app.synth();
  };
  // A child process (the emulator answers from this one, so never a synchronous spawn).
  const cli = (args: string[]): Promise<number> => new Promise((resolve, reject) => {
    say(`$ vbs-backup ${args.join(' ')}`);
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { text += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { text += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of text.trimEnd().split('\n')) say(`   ${line}`);
      resolve(code ?? 1);
    });
  });
  let tf: Terraform | undefined;
  try {
    say(`1. The emulator at ${emulator.url}: vault "${VAULT}" holds ${DISKS.length} disks.`);
    synth({ schemaVersion: 'v1' });
    tf = await freshTerraform(stackDir, env);
    for (const version of ['v1', 'v2']) {
      synth({ schemaVersion: version });
      say(`2. terraform apply at schema ${version}: a backup, then the migration:`);
      const apply = await tf.apply();
      showTerraform(apply);
      if (apply.code !== 0) throw new Error(`the apply at ${version} failed`);
    }
    synth({ schemaVersion: 'v3', migrationFails: true });
    say('3. terraform apply at schema v3: the backup is made, then the migration FAILS:');
    const broken = await tf.apply();
    showTerraform(broken);
    if (broken.code === 0) throw new Error('the broken migration was expected to fail the apply');

    say('4. The way back: the runs of the trigger, newest first (run 1 was made just before the failed migration):');
    if (await cli(['vault-backups', '--vault-name', VAULT, '--trigger', TRIGGER]) !== 0) throw new Error('listing the runs failed');
    say('5. The plan, sending nothing:');
    if (await cli(['restore', '--vault-name', VAULT, '--trigger', TRIGGER, '--run', 'latest', '--dry-run']) !== 0) throw new Error('the dry run failed');
    if (emulator.requests({ operation: 'restoreBackup' }).length !== 0) throw new Error('the dry run sent a restore');
    say('6. Without --yes and with no terminal to ask on, restore refuses (exit 2):');
    if (await cli(['restore', '--vault-name', VAULT, '--trigger', TRIGGER]) !== 2) throw new Error('restore without --yes did not refuse');
    say('7. Restore (in the cloud: detach each disk, or stop its server, first):');
    if (await cli(['restore', '--vault-name', VAULT, '--trigger', TRIGGER, '--run', 'latest', '--yes', '--wait']) !== 0) throw new Error('the restore failed');
    const restores = emulator.requests({ operation: 'restoreBackup' });
    say(`Done: ${restores.length} restores sent, one per disk, from the backups made before the failed migration.`);
    return restores.length === DISKS.length ? 0 : 1;
  } finally {
    tf?.dispose();
    await emulator.stop();
  }
}

runDemo('undo demo', main);
