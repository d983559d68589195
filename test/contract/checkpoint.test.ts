import { createHash } from 'node:crypto';
import { App, TerraformStack } from 'cdktf';
import {
  LABEL_PATTERN, RUN_PATTERN, TRIGGER_ID_PATTERN, ownBackupPattern, phaseRun, runNameMarker, triggerNameMarker, vaultCheckpointPrefix,
  vaultTriggerId, vaultTriggerLabel, vaultTriggerNames,
} from '../../src/contract/checkpoint';
import { BackupVault } from '../../src/vault';

const VAULT_ID = '3b5d8e2a-4c1f-4e6b-9a7d-0f2e1c3b4a5d';

describe('the checkpoint-name contract (src/contract/checkpoint.ts)', () => {
  test('the trigger id is the first 12 hex of sha256 of the construct path', () => {
    const expected = createHash('sha256').update('prod/Vault/AfterMigration').digest('hex').slice(0, 12);
    expect(vaultTriggerId('prod/Vault/AfterMigration')).toBe(expected);
    expect(vaultTriggerId('prod/Vault/AfterMigration')).toMatch(TRIGGER_ID_PATTERN);
    expect(vaultTriggerId('prod/Vault/BeforeSwitch')).not.toBe(expected);
  });

  test('the label is <stack>-<id>, other characters as _, at most 19', () => {
    expect(vaultTriggerLabel('prod', 'Nightly')).toBe('prod-Nightly');
    expect(vaultTriggerLabel('stack', 'after the v2.1 migration, nightly')).toBe('stack-after_the_v2_');
    expect(vaultTriggerLabel('a.b', 'c  d')).toMatch(LABEL_PATTERN);
  });

  test('a path as a user writes it (STACK/CONSTRUCT_PATH) gives the names the construct wrote: the CLI and synth agree', () => {
    const app = new App();
    const stack = new TerraformStack(app, 'prod-db');
    const vault = BackupVault.fromVaultId(stack, 'Vault', VAULT_ID);
    const nested = vault.addTrigger('After Migration!');
    const direct = BackupVault.fromVaultName(stack, 'Other', 'nightly').addTrigger('T');
    for (const trigger of [nested, direct]) {
      expect(vaultTriggerNames(trigger.node.path)).toEqual({ triggerId: trigger.triggerId, label: trigger.label });
    }
    expect(vaultTriggerNames('prod-db/Vault/After Migration!')).toEqual({ triggerId: nested.triggerId, label: 'prod-db-After_Migra' });
  });

  test('a path without a construct under a stack names no trigger', () => {
    expect(vaultTriggerNames('prod')).toBeUndefined();
    expect(vaultTriggerNames('prod//Backup')).toBeUndefined();
    expect(vaultTriggerNames('/Backup')).toBeUndefined();
    expect(vaultTriggerNames('prod/')).toBeUndefined();
  });

  test("a checkpoint name made from the prefix is the trigger's own, found by its run and trigger markers; another's is not", () => {
    const triggerId = vaultTriggerId('prod/Vault/Backup');
    const prefix = vaultCheckpointPrefix(vaultTriggerLabel('prod', 'Backup'), triggerId, '0123abcd');
    expect(prefix).toBe(`prod-Backup-${triggerId}-0123abcd`);
    const name = `${prefix}-20261207T101112-a1b2c3`;
    expect(name).toContain(runNameMarker(triggerId, '0123abcd'));
    expect(name).toContain(triggerNameMarker(triggerId));
    expect(name).toMatch(ownBackupPattern(triggerId));
    expect(`${name}_copy`).toMatch(ownBackupPattern(triggerId)); // a suffix the service added
    expect(name).not.toMatch(ownBackupPattern(vaultTriggerId('prod/Vault/Other')));
    expect(`${prefix}-manual`).not.toMatch(ownBackupPattern(triggerId));
  });

  test('the destroy run is d + the first 7 hex of the run; both are 8 of [0-9a-f]', () => {
    expect(phaseRun('0123abcd', 'deploy')).toBe('0123abcd');
    expect(phaseRun('0123abcd', 'destroy')).toBe('d0123abc');
    expect(phaseRun('0123abcd', 'destroy')).toMatch(RUN_PATTERN);
  });
});
