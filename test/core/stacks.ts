import type { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPolicy, BackupVault, FailureMode, HookResource, Rerun, Retention, Schedule } from '../../src';
import { FRAMEWORKS, FrameworkName, POLICY_ID, PROJECT_ID, VOLUME_A, VOLUME_B } from './synth';

/**
 * A stack with every hook kind: a managed policy (apply and destroy), its volumes (`for_each`,
 * a literal id and a token), a trigger with a run-before-destroy, a trigger of an existing
 * policy ordered after the managed one, and a spec with a token inside (rendered with
 * `jsonencode` by Terraform); and vault triggers (`hook-backup`): one by name with a
 * run-before-destroy, watching the managed policy (the run key over `self` and the watched
 * resources), one by id with a token `keepLast` and resource ids (its environment a map).
 */
export function everyHookKind(stack: TerraformStack, framework: FrameworkName, hookResource?: HookResource): void {
  const { TerraformVariable } = FRAMEWORKS[framework];
  const volume = new TerraformVariable(stack, 'volume', { type: 'string', default: VOLUME_B });
  const team = new TerraformVariable(stack, 'team', { type: 'string', default: 'db' });
  const policy = new BackupPolicy(stack, 'Nightly', {
    policyName: 'nightly-db',
    schedule: Schedule.daily(['02:00', '14:00'], { timeZone: 'UTC+08:00' }),
    retention: Retention.days(30),
    volumeIds: [VOLUME_A],
    tags: { team: team.stringValue, tier: 'gold' },
    connection: { projectId: PROJECT_ID, region: 'eu-de' },
    hookResource,
  });
  policy.addVolume(volume.stringValue);
  policy.addTrigger('Deploy', { backupBeforeDestroy: true, rerun: Rerun.everyApply(), hookResource });
  BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID).addTrigger('Release', {
    rerun: Rerun.onChange({ release: '1.4.2' }),
    executeAfter: [policy],
    waitForCompletion: true,
    failureMode: FailureMode.CONTINUE,
    hookResource,
  });
  const keep = new TerraformVariable(stack, 'keep', { type: 'number', default: 3 });
  BackupVault.fromVaultName(stack, 'Migrated', 'nightly-db').addTrigger('AfterPolicy', {
    rerun: Rerun.whenChanged(policy),
    backupBeforeDestroy: true,
    keepLast: 7,
    incremental: false,
    hookResource,
  });
  BackupVault.fromVaultId(stack, 'Vault', POLICY_ID, { projectId: PROJECT_ID }).addTrigger('Kept', {
    resourceIds: [VOLUME_A, volume.stringValue],
    keepLast: keep.numberValue,
    hookResource,
  });
}

/**
 * A vault trigger whose ordering and rerun name constructs that get their resources only after
 * the trigger is made (taken at synth): `Later_Migration` watched and waited for,
 * `Deploy_Switch` waiting for the trigger. Its two resources are the user's `terraform_data`.
 */
export function lateResources(stack: TerraformStack, framework: FrameworkName): void {
  const { TerraformResource } = FRAMEWORKS[framework];
  const later = new Construct(stack, 'Later');
  const deploy = new Construct(stack, 'Deploy');
  const trigger = BackupVault.fromVaultName(stack, 'LateVault', 'late-db').addTrigger('Backup', {
    rerun: Rerun.whenChanged(later),
    executeAfter: [later],
    backupBeforeDestroy: true,
  });
  trigger.executeBefore(deploy);
  new TerraformResource(later, 'Migration', { terraformResourceType: 'terraform_data' });
  new TerraformResource(deploy, 'Switch', { terraformResourceType: 'terraform_data' });
}
