/**
 * Real Terraform, offline, cdktn app written as HCL: the VBS -> CBR switch of a stack that
 * manages its policy (`new BackupPolicy`, README "From VBS to CBR"). Before: a managed policy and
 * its trigger, applied. Huawei's migration: the policy's disks in a vault of the same name, the
 * VBS policy gone. After: the policy removed and the trigger on the vault. The next apply backs
 * the vault up once, warns once about the old trigger's before-destroy, changes nothing on VBS.
 */
import { TerraformResource } from 'cdktn';
import { Construct } from 'constructs';
import { BackupPolicy, BackupVault, RemovalPolicy, Rerun, Retention, Schedule } from '../../src';
import { CbrClient, VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { apiClient, apiEnv, hookLines, ok, policyNamed, startE2eEmulator, withStack } from './harness';
import { backupsByCheckpoint, cbrClient, checkpointsMade, disks, makeVault } from './vault-support';

jest.setTimeout(120_000);

let emulator: Emulator;
let vbs: VbsClient;
let cbr: CbrClient;

beforeAll(async () => {
  emulator = await startE2eEmulator({ jobSeconds: 0 });
  vbs = apiClient(emulator);
  cbr = cbrClient(emulator);
});

afterAll(async () => {
  await vbs?.close();
  await cbr?.close();
  await emulator?.stop();
});

const DISKS = disks('e1');
const OPTIONS = { waitForCompletion: true, backupBeforeDestroy: true } as const;

function migrationIn(stack: Construct): TerraformResource {
  const migration = new TerraformResource(stack, 'Migration', { terraformResourceType: 'terraform_data' });
  migration.addOverride('triggers_replace', { schema: 'v7' });
  return migration;
}

const before = (stack: Construct): void => {
  const migration = migrationIn(stack);
  new BackupPolicy(stack, 'NightlyDb', {
    policyName: 'e2e-nightly-db', schedule: Schedule.daily(['02:00']), retention: Retention.count(7), volumeIds: DISKS,
    removalPolicy: RemovalPolicy.RETAIN,
  }).addTrigger('AfterMigration', { ...OPTIONS, executeAfter: [migration], rerun: Rerun.whenChanged(migration) });
};

const after = (stack: Construct): void => {
  const migration = migrationIn(stack);
  BackupVault.fromVaultName(stack, 'NightlyDb', 'e2e-nightly-db')
    .addTrigger('AfterMigration', { ...OPTIONS, executeAfter: [migration], rerun: Rerun.whenChanged(migration) });
};

test('a managed policy switched to its vault: the next apply backs the vault up once, warns once, nothing done on VBS; destroy: one more', async () => {
  await withStack('vault-switch', apiEnv(emulator), before, async (sut) => {
    ok(await sut.apply(), 'apply before the migration');
    const policy = policyNamed(emulator, 'e2e-nightly-db');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);

    const vaultId = await makeVault(cbr, 'e2e-nightly-db', DISKS);
    await vbs.deletePolicy(policy.backup_policy_id);
    const since = Math.max(0, ...emulator.requests().map((r) => r.seq));

    sut.resynth(after);
    const switched = ok(await sut.apply(), 'apply after the migration');
    expect(switched.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, \d+ destroyed\./);
    const warnings = hookLines(switched.output).filter((l) => l.startsWith('WARNING:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('README section "From VBS to CBR"');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    expect(Object.values(backupsByCheckpoint(emulator, vaultId))).toEqual([['available', 'available']]);
    expect(emulator.executeCount()).toBe(1);
    expect(emulator.requests().filter((r) => r.seq > since && r.method !== 'GET').map((r) => `${r.operation} ${r.status}`)).toEqual(['createCheckpoint 200']);
    // no resource of the policy is left in the state
    expect((await sut.resources()).map((r) => r.name).filter((n) => !/^Migration|^NightlyDb_AfterMigration_(Run|BeforeDestroy)_/.test(n))).toEqual([]);
    process.stdout.write(`\nmanaged policy switched: ${warnings[0]}\n`);

    ok(await sut.apply(), 're-apply');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    ok(await sut.destroy(), 'destroy');
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(2);
    expect(emulator.executeCount()).toBe(1);
  }, { framework: 'cdktn', output: 'hcl' });
});

test('switched with new construct ids: the old trigger\'s resources go without their hooks (no warning), the vault is backed up once', async () => {
  const disksOf = disks('e2');
  const policyId = await vbs.createPolicy({
    backup_policy_name: 'e2e-renamed', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  });
  await vbs.associateVolumes(policyId, disksOf);
  const beforeRenamed = (stack: Construct): void => {
    BackupPolicy.fromPolicyName(stack, 'Policy', 'e2e-renamed').addTrigger('Backup', OPTIONS);
  };
  const afterRenamed = (stack: Construct): void => {
    BackupVault.fromVaultName(stack, 'Vault', 'e2e-renamed').addTrigger('Backup', OPTIONS);
  };
  await withStack('vault-switch-ids', apiEnv(emulator), beforeRenamed, async (sut) => {
    ok(await sut.apply(), 'apply before the migration');
    expect(emulator.executeCount(policyId)).toBe(1);
    const vaultId = await makeVault(cbr, 'e2e-renamed', disksOf);
    await vbs.deletePolicy(policyId);

    sut.resynth(afterRenamed);
    const switched = ok(await sut.apply(), 'apply after the migration');
    expect(switched.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 2 destroyed\./);
    expect(hookLines(switched.output).filter((l) => l.startsWith('WARNING:'))).toEqual([]);
    expect(checkpointsMade(emulator, vaultId)).toHaveLength(1);
    expect(emulator.executeCount(policyId)).toBe(1);
  }, { framework: 'cdktn', output: 'hcl' });
});

/**
 * The one hook command (`hook-backup`, src/cli/hook-backup.ts) in both directions, same construct
 * ids, the VBS policy and the vault both there (Flexible Engine, which still sells VBS; or a switch
 * made before the migration, and its rollback). Per direction, counted by the emulator: the
 * switch runs the old side's before-destroy once and the new side once, a re-apply nothing, the
 * destroy the new side's before-destroy once.
 */
describe('both directions, same construct ids, the policy and the vault both there', () => {
  const onPolicy = (stack: Construct): void => {
    BackupPolicy.fromPolicyName(stack, 'NightlyDb', 'e2e-both-ways').addTrigger('AfterMigration', OPTIONS);
  };
  const onVault = (stack: Construct): void => {
    BackupVault.fromVaultName(stack, 'NightlyDb', 'e2e-both-ways').addTrigger('AfterMigration', OPTIONS);
  };

  let policyId: string;
  let vaultId: string;
  beforeAll(async () => {
    const disksOf = disks('e3');
    policyId = await vbs.createPolicy({
      backup_policy_name: 'e2e-both-ways', scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
    });
    await vbs.associateVolumes(policyId, disksOf);
    vaultId = await makeVault(cbr, 'e2e-both-ways', disksOf);
  });

  /** Runs of the policy and checkpoints of the vault so far. */
  const counts = () => ({ executes: emulator.executeCount(policyId), checkpoints: checkpointsMade(emulator, vaultId).length });

  test('policy -> vault: the old trigger runs the policy before destroy once, the vault is backed up once; destroy backs the vault up', async () => {
    const start = counts();
    const since = (now: { executes: number; checkpoints: number }) => ({ executes: now.executes - start.executes, checkpoints: now.checkpoints - start.checkpoints });
    await withStack('switch-to-vault', apiEnv(emulator), onPolicy, async (sut) => {
      ok(await sut.apply(), 'apply on the policy');
      expect(since(counts())).toEqual({ executes: 1, checkpoints: 0 });
      sut.resynth(onVault);
      const switched = ok(await sut.apply(), 'apply on the vault');
      expect(switched.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 2 destroyed\./);
      expect(hookLines(switched.output).filter((l) => l.startsWith('WARNING:') || l.startsWith('error:'))).toEqual([]);
      expect(since(counts())).toEqual({ executes: 2, checkpoints: 1 });
      ok(await sut.apply(), 're-apply');
      expect(since(counts())).toEqual({ executes: 2, checkpoints: 1 });
      ok(await sut.destroy(), 'destroy');
      expect(since(counts())).toEqual({ executes: 2, checkpoints: 2 });
    });
  });

  test('vault -> policy: the old trigger backs the vault up before destroy once, the policy runs once; destroy runs the policy', async () => {
    const start = counts();
    const since = (now: { executes: number; checkpoints: number }) => ({ executes: now.executes - start.executes, checkpoints: now.checkpoints - start.checkpoints });
    await withStack('switch-to-policy', apiEnv(emulator), onVault, async (sut) => {
      ok(await sut.apply(), 'apply on the vault');
      expect(since(counts())).toEqual({ executes: 0, checkpoints: 1 });
      sut.resynth(onPolicy);
      const switched = ok(await sut.apply(), 'apply on the policy');
      expect(switched.output).toMatch(/Apply complete! Resources: 2 added, 0 changed, 2 destroyed\./);
      const lines = hookLines(switched.output);
      expect(lines.filter((l) => l.startsWith('WARNING:') || l.startsWith('error:'))).toEqual([]);
      expect(lines.filter((l) => l.startsWith('vault backup trigger (before destroy): '))).toHaveLength(1);
      expect(since(counts())).toEqual({ executes: 1, checkpoints: 2 });
      ok(await sut.apply(), 're-apply');
      expect(since(counts())).toEqual({ executes: 1, checkpoints: 2 });
      ok(await sut.destroy(), 'destroy');
      expect(since(counts())).toEqual({ executes: 2, checkpoints: 2 });
    }, { framework: 'cdktn', output: 'hcl' });
  });
});
