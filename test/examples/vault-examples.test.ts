/**
 * The CBR examples deploy with real Terraform (terraform_data hooks) against the embedded
 * emulator, its vaults seeded as `vbs-backup emulator --vault` seeds them, and do what their doc
 * comments and the README say, counted in checkpoints the emulator made. cdktf apps as JSON here
 * (the cdktn quickstart too); test/e2e/vault-*.test.ts cover cdktn and HCL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { CbrClient, Credentials, VbsClient } from 'cdktf-vbs-backup/client';
import { Emulator, startEmulator } from 'cdktf-vbs-backup/emulator';
import { CbrQuickstartStack } from '../../examples/cbr-quickstart/stack';
import { CbrQuickstartStack as CdktnCbrQuickstartStack } from '../../examples/cbr-quickstart-cdktn/stack';
import { ProviderVaultStack } from '../../examples/cbr-provider-vault/stack';
import { UndoMigrationStack } from '../../examples/undo-migration/stack';
import { NightlyDbStack as Before } from '../../examples/vbs-to-cbr/before';
import { NightlyDbStack as After } from '../../examples/vbs-to-cbr/after';
import { EXAMPLE_PROJECT_ID, EXAMPLE_TOKEN } from '../../examples/support/deploy';
import { withExample } from './support';
import { TERRAFORM_DATA_CONTEXT } from '../../examples/support/frameworks';
import { requireTerraform } from '../../examples/support/terraform';
import { main } from '../../src/cli/main';
import { captureIo } from '../cli/support';

jest.setTimeout(180_000);

const QUICKSTART_DISKS = ['0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c31', '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c32'];
const ORDERS_DISKS = ['6a2c1b8e-0000-4000-8000-000000000001', '6a2c1b8e-0000-4000-8000-000000000002'];
const NIGHTLY_DISKS = ['9e8d7c6b-5a49-4382-9716-0a1b2c3d4e61', '9e8d7c6b-5a49-4382-9716-0a1b2c3d4e62'];

let emulator: Emulator;
beforeAll(async () => {
  requireTerraform();
  emulator = await startEmulator({
    tokens: [{ token: EXAMPLE_TOKEN, projectId: EXAMPLE_PROJECT_ID }],
    projectIds: [EXAMPLE_PROJECT_ID],
    jobSeconds: 1,
    vaults: [
      { name: 'quickstart-db', resourceIds: QUICKSTART_DISKS, projectId: EXAMPLE_PROJECT_ID },
      { name: 'orders-db', resourceIds: ORDERS_DISKS, projectId: EXAMPLE_PROJECT_ID },
    ],
  });
});
beforeEach(() => emulator.reset());
afterAll(() => emulator?.stop());

const ok = (r: { code: number; output: string }, what: string) => {
  if (r.code !== 0) throw new Error(`${what} failed:\n${r.output}`);
  return r;
};
const vaultNamed = (name: string) => {
  const found = emulator.vaults(EXAMPLE_PROJECT_ID).filter((v) => v.name === name);
  if (found.length !== 1) throw new Error(`expected one vault named ${name}, found ${found.length}`);
  return found[0];
};
/** Checkpoints the emulator made for createCheckpoint requests on the vault, oldest first. */
const checkpoints = (vaultId: string) =>
  emulator.requests({ operation: 'createCheckpoint', vaultId }).filter((r) => r.status === 200).map((r) => r.checkpointId);
/** The statuses of each checkpoint's backups, by checkpoint. */
const backupsByCheckpoint = (vaultId: string) => {
  const out: Record<string, string[]> = {};
  for (const b of emulator.backups(EXAMPLE_PROJECT_ID, vaultId)) (out[b.checkpoint_id] ??= []).push(b.status);
  return out;
};

test('cbr-quickstart: 1 checkpoint of both disks after the migration, none on a no-op apply, a 2nd after the next migration, a 3rd on destroy', async () => {
  await withExample(emulator, 'cbr-quickstart', (app) => new CbrQuickstartStack(app, 'cbr-quickstart'), async (d) => {
    const vault = vaultNamed('quickstart-db');
    ok(await d.apply(), 'apply');
    expect(checkpoints(vault.id)).toHaveLength(1);
    expect(Object.values(backupsByCheckpoint(vault.id))).toEqual([['available', 'available']]);
    ok(await d.apply(), 're-apply');
    expect(checkpoints(vault.id)).toHaveLength(1);
    d.resynth('cbr-quickstart', (app) => new CbrQuickstartStack(app, 'cbr-quickstart', { schemaVersion: 'v3' }));
    ok(await d.apply(), 'apply of the next migration');
    expect(checkpoints(vault.id)).toHaveLength(2);
    ok(await d.destroy(), 'destroy');
    expect(checkpoints(vault.id)).toHaveLength(3);
    // keepLast: 7 deleted nothing; the vault is the provider's: the stack leaves it alone
    expect(emulator.backups(EXAMPLE_PROJECT_ID, vault.id)).toHaveLength(6);
    expect(vaultNamed('quickstart-db').id).toBe(vault.id);
  });
});

test('cbr-quickstart-cdktn: the same quickstart as a CDK Terrain app: 1 checkpoint, none on a no-op apply, one more on destroy', async () => {
  await withExample(emulator, 'cbr-quickstart', (app) => new CdktnCbrQuickstartStack(app, 'cbr-quickstart'), async (d) => {
    expect(fs.readFileSync(path.join(d.stackDir, 'cdk.tf.json'), 'utf8')).not.toContain('null_resource');
    const vault = vaultNamed('quickstart-db');
    ok(await d.apply(), 'apply');
    expect(checkpoints(vault.id)).toHaveLength(1);
    ok(await d.apply(), 're-apply');
    expect(checkpoints(vault.id)).toHaveLength(1);
    ok(await d.destroy(), 'destroy');
    expect(checkpoints(vault.id)).toHaveLength(2);
    expect(Object.values(backupsByCheckpoint(vault.id))).toEqual([['available', 'available'], ['available', 'available']]);
  }, { framework: 'cdktn' });
});

test('undo-migration: a backup before each migration; the v3 migration fails after its backup; restore --run latest puts both disks back from that backup', async () => {
  await withExample(emulator, 'orders', (app) => new UndoMigrationStack(app, 'orders'), async (d) => {
    const vault = vaultNamed('orders-db');
    ok(await d.apply(), 'apply at v1');
    d.resynth('orders', (app) => new UndoMigrationStack(app, 'orders', { schemaVersion: 'v2' }));
    ok(await d.apply(), 'apply at v2');
    d.resynth('orders', (app) => new UndoMigrationStack(app, 'orders', { schemaVersion: 'v3', migrationFails: true }));
    const broken = await d.apply();
    expect([broken.code, broken.output]).toEqual([1, expect.stringContaining('migrating to v3: FAILED')]);
    const made = checkpoints(vault.id);
    expect(made).toHaveLength(3);
    const env = { CBR_ENDPOINT: emulator.url, HW_PROJECT_ID: EXAMPLE_PROJECT_ID, HW_AUTH_TOKEN: EXAMPLE_TOKEN };
    const cap = captureIo(env);
    expect(await main(['restore', '--vault-name', 'orders-db', '--trigger', 'orders/Vault/BeforeMigration', '--run', 'latest', '--yes', '--wait', '--json'], cap.io)).toBe(0);
    const before = emulator.backups(EXAMPLE_PROJECT_ID, vault.id).filter((b) => b.checkpoint_id === made[2]);
    expect(JSON.parse(cap.stdout()).restores.map((r: Record<string, string>) => [r.targetDisk, r.backupId, r.result]))
      .toEqual(ORDERS_DISKS.map((disk) => [disk, before.find((b) => b.resource_id === disk)?.id, 'restored']));
  });
});

test('cbr-provider-vault: the trigger takes the provider vault\'s id as a token (synth only: providers cannot be downloaded)', () => {
  const app = Testing.app({ context: TERRAFORM_DATA_CONTEXT });
  const stack = new ProviderVaultStack(app, 'provider-vault');
  const synthesized = JSON.parse(Testing.synth(stack, true)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  expect(Object.keys(synthesized.resource.huaweicloud_cbr_vault)).toHaveLength(1);
  const vaultAddress = `huaweicloud_cbr_vault.${Object.keys(synthesized.resource.huaweicloud_cbr_vault)[0]}`;
  const hooks = Object.values(synthesized.resource.terraform_data);
  expect(hooks).toHaveLength(1);
  // the vault's id reaches the hook (so Terraform orders the backup after the vault exists)
  expect(JSON.stringify(hooks[0])).toContain(`\${${vaultAddress}.id}`);
  expect(warningsIn(stack)).toEqual([]);
});

test('cbr-provider-vault with backupBeforeDestroy added: a synth warning (destroying the vault deletes its backups)', () => {
  const app = Testing.app({ context: TERRAFORM_DATA_CONTEXT });
  const stack = new ProviderVaultStack(app, 'provider-vault');
  stack.vault.addTrigger('BeforeDestroy', { backupBeforeDestroy: true });
  Testing.synth(stack, true); // with validations, as app.synth() runs them
  expect(warningsIn(stack)).toEqual([expect.stringMatching(/^backupBeforeDestroy backs up a vault this stack manages \(huaweicloud_cbr_vault\.DatabaseVault, provider-vault\/DatabaseVault\): destroying the stack deletes the vault/)]);
});

/** The synth warnings (Annotations.addWarning) on the constructs of `scope`. */
function warningsIn(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

describe('vbs-to-cbr', () => {
  test('before and after differ in the line that names the policy, and its import', () => {
    const lines = (file: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'vbs-to-cbr', file), 'utf8').split('\n');
    const before = lines('before.ts');
    const after = lines('after.ts');
    expect(after).toHaveLength(before.length);
    const changed = before.map((line, i) => [line, after[i]]).filter(([b, a]) => b !== a && !b.startsWith('//'));
    expect(changed).toEqual([
      ["import { BackupPolicy, Rerun } from 'cdktf-vbs-backup';", "import { BackupVault, Rerun } from 'cdktf-vbs-backup';"],
      [
        "    BackupPolicy.fromPolicyName(this, 'NightlyDb', 'nightly-db').addTrigger('AfterMigration', {",
        "    BackupVault.fromVaultName(this, 'NightlyDb', 'nightly-db').addTrigger('AfterMigration', {",
      ],
    ]);
  });

  /**
   * Applies the before stack, then Huawei's migration (the policy's disks in a vault of the same
   * name; then the VBS policy deleted, or VBS answering that it is not available to the account),
   * then the after stack: what README "From VBS to CBR" says the next apply does, and nothing else.
   */
  async function theSwitch(vbsAfter: 'policy deleted' | 'VBS unavailable', output: 'json' | 'hcl'): Promise<string> {
    const vbs = new VbsClient({ endpoint: emulator.url, projectId: EXAMPLE_PROJECT_ID, credentials: Credentials.token(EXAMPLE_TOKEN) });
    const cbr = new CbrClient({ endpoint: emulator.url, projectId: EXAMPLE_PROJECT_ID, credentials: Credentials.token(EXAMPLE_TOKEN) });
    let warning = '';
    try {
      const policyId = await vbs.createPolicy({
        backup_policy_name: 'nightly-db',
        scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
      });
      await vbs.associateVolumes(policyId, NIGHTLY_DISKS);
      await withExample(emulator, 'vbs-to-cbr', (app) => new Before(app, 'vbs-to-cbr'), async (d) => {
        ok(await d.apply(), 'apply of the stack before the migration');
        expect(emulator.executeCount(policyId)).toBe(1);

        const vault = await cbr.createVault({
          vault: {
            name: 'nightly-db',
            billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 },
            resources: NIGHTLY_DISKS.map((id) => ({ id, type: 'OS::Cinder::Volume' as const })),
          },
        });
        if (vbsAfter === 'policy deleted') {
          await vbs.deletePolicy(policyId);
        } else {
          // the gateway no longer routes VBS for the account (APIGW.0101: the API does not exist)
          emulator.addFault({ operation: 'listPolicies', times: 100, status: 404, body: { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment', request_id: 'r' } });
        }
        const since = Math.max(0, ...emulator.requests().map((r) => r.seq));

        d.resynth('vbs-to-cbr', (app) => new After(app, 'vbs-to-cbr'));
        const switched = ok(await d.apply(), 'apply of the stack after the migration');
        // the old trigger's two resources replaced by the new trigger's, the migration untouched
        expect(switched.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 2 destroyed\./);
        const warnings = switched.output.split('\n').filter((l) => /\(local-exec\): WARNING:/.test(l));
        expect(warnings).toHaveLength(1);
        warning = warnings[0].replace(/^.*\(local-exec\): /, '');
        if (vbsAfter === 'policy deleted') expect(warning).toContain("no backup policy named 'nightly-db'");
        expect(warning).toContain('README section "From VBS to CBR"');
        // the vault backed up once, both disks; no run of any VBS policy, nothing changed on VBS
        expect(checkpoints(vault.id)).toHaveLength(1);
        expect(Object.values(backupsByCheckpoint(vault.id))).toEqual([['available', 'available']]);
        expect(emulator.executeCount()).toBe(1);
        const writes = emulator.requests().filter((r) => r.seq > since && r.method !== 'GET');
        expect(writes.map((r) => `${r.operation} ${r.status}`)).toEqual(['createCheckpoint 200']);

        ok(await d.apply(), 're-apply after the switch');
        expect(checkpoints(vault.id)).toHaveLength(1);
        ok(await d.destroy(), 'destroy');
        expect(checkpoints(vault.id)).toHaveLength(2);
        expect(emulator.executeCount()).toBe(1);
      }, { output });
    } finally {
      await vbs.close();
      await cbr.close();
    }
    return warning;
  }

  test('the switch (cdktf, JSON): the old trigger\'s before-destroy meets the migrated policy gone, warns and carries on; the vault is backed up once', async () => {
    const warning = await theSwitch('policy deleted', 'json');
    process.stdout.write(`\nthe switch, the VBS policy gone: ${warning}\n`);
  });

  test('the switch (cdktf, HCL): the same when VBS answers that it is not available to the account', async () => {
    const warning = await theSwitch('VBS unavailable', 'hcl');
    expect(warning).toContain('VBS is not available to this account');
    process.stdout.write(`\nthe switch, VBS not available: ${warning}\n`);
  });
});
