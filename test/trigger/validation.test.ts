import { Construct } from 'constructs';
import { BackupPolicy } from '../../src/policy';
import { BackupPolicyTrigger, IBackupPolicy, IBackupVault, Rerun, VaultBackupTrigger } from '../../src/trigger';
import { BackupPolicyTriggerOptions } from '../../src/trigger/trigger';
import { FRAMEWORK_NAMES, POLICY_ID, resourceNamed, synthJson, under } from '../core/synth';

/** One row per validation message. */
const cases: [string, BackupPolicyTriggerOptions, string][] = [
  [
    'timeoutSeconds',
    { timeoutSeconds: 0 },
    'stack/Backup: timeoutSeconds 0 is out of range; allowed: a whole number from 1 to 86400',
  ],
  [
    'onChange without values',
    { rerun: Rerun.onChange({}) },
    'stack/Backup: rerun {} has no values to watch; allowed: Rerun.onChange with at least one value, or Rerun.once() to run only on the first apply',
  ],
  [
    'onChange key',
    { rerun: Rerun.onChange({ 'app version': '1' }) },
    'stack/Backup: rerun key "app version" is not a valid key; allowed: 1 to 64 characters, each a letter, a digit, "_" or "-"',
  ],
  [
    'connection (checked here too)',
    { connection: { endpoint: 'not a url' } },
    'stack/Backup: connection.endpoint "not a url" is not an http(s) URL',
  ],
];

describe.each(FRAMEWORK_NAMES)('BackupPolicyTrigger validation under %s', (framework) => {
  const { newStack, module, hook } = under(framework);

  /** A trigger of an existing policy, in a fresh stack. */
  function make(options: BackupPolicyTriggerOptions) {
    const stack = newStack();
    const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
    return new BackupPolicyTrigger(stack, 'Backup', { policy, ...options });
  }

  test.each(cases)('%s', (_rule, options, message) => {
    expect(() => make(options)).toThrow(message);
  });

  describe('Rerun.whenChanged', () => {
    test('no construct: refused, naming the prop and what is allowed', () => {
      expect(() => make({ rerun: Rerun.whenChanged() })).toThrow(
        'stack/Backup: rerun "Rerun.whenChanged()" watches nothing; allowed: Rerun.whenChanged with at least one construct that holds a Terraform resource',
      );
    });

    test('a construct with no resource at synth (a data source only) is refused then, naming it', () => {
      const stack = newStack();
      const empty = new Construct(stack, 'Empty');
      new module.TerraformDataSource(empty, 'Lookup', { terraformResourceType: 'terraform_remote_state' });
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
      new BackupPolicyTrigger(stack, 'Backup', { policy, rerun: Rerun.whenChanged(empty) });
      expect(() => synthJson(stack)).toThrow(
        'stack/Backup: rerun: Rerun.whenChanged "stack/Empty" holds no Terraform resource; allowed: constructs with at least one resource inside when the stack is synthesized (data sources do not count: they are read, never updated)',
      );
    });

    test('a construct that contains the trigger is refused (a cycle)', () => {
      const stack = newStack();
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
      expect(() => new BackupPolicyTrigger(stack, 'Backup', { policy, rerun: Rerun.whenChanged(stack) })).toThrow(
        'stack/Backup: rerun: Rerun.whenChanged "stack" contains this trigger; allowed: constructs that do not contain the trigger (a cycle otherwise)',
      );
    });
  });

  test.each([1, 86400])('timeoutSeconds %d is allowed', (timeoutSeconds) => {
    expect(() => make({ timeoutSeconds })).not.toThrow();
  });

  test('a fractional timeout is rejected', () => {
    expect(() => make({ timeoutSeconds: 1.5 })).toThrow('timeoutSeconds 1.5 is out of range');
  });

  test('a token timeout is not checked and reaches the environment', () => {
    const stack = newStack();
    const timeout = new module.TerraformVariable(stack, 'timeout', { type: 'number' }).numberValue;
    const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
    new BackupPolicyTrigger(stack, 'Backup', { policy, timeoutSeconds: timeout });
    const run = resourceNamed(synthJson(stack), hook.type, 'Backup_Run');
    expect(run.provisioner[0]['local-exec'].environment.VBS_HOOK_TIMEOUT).toBe('${var.timeout}');
  });
});

describe('a target the user implements: the interfaces carry attributes only', () => {
  const { newStack, hook } = under('cdktf');

  /** An IBackupPolicy / IBackupVault of the user's: a construct with the interface's attributes. */
  class Target extends Construct {
    constructor(
      scope: Construct,
      id: string,
      public readonly attributes: { policyId?: string; policyName?: string; vaultId?: string; vaultName?: string },
    ) {
      super(scope, id);
      Object.assign(this, attributes);
    }

    public addTrigger(): never {
      throw new Error('not used');
    }
  }

  test.each([
    [{ policyId: POLICY_ID }, { VBS_HOOK_POLICY_ID: POLICY_ID }],
    [{ policyName: 'nightly' }, { VBS_HOOK_POLICY_NAME: 'nightly' }],
  ])('a policy with %j is run by that attribute', (attributes, triggers) => {
    const stack = newStack();
    const policy = new Target(stack, 'Mine', attributes) as unknown as IBackupPolicy;
    new BackupPolicyTrigger(stack, 'Backup', { policy });
    expect(resourceNamed(synthJson(stack), hook.type, 'Backup_Run')[hook.triggers]).toEqual(triggers);
  });

  test('a policy with neither id nor name is refused, naming the prop and what is allowed', () => {
    const stack = newStack();
    const policy = new Target(stack, 'Mine', {}) as unknown as IBackupPolicy;
    expect(() => new BackupPolicyTrigger(stack, 'Backup', { policy })).toThrow(
      'stack/Backup: policy "stack/Mine" has neither a policyId nor a policyName; allowed: a BackupPolicy, BackupPolicy.fromPolicyId or BackupPolicy.fromPolicyName',
    );
  });

  test.each([
    [{ vaultId: POLICY_ID }, 'VBS_HOOK_VAULT_ID', POLICY_ID],
    [{ vaultName: 'nightly-db' }, 'VBS_HOOK_VAULT_NAME', 'nightly-db'],
  ])('a vault with %j is backed up by that attribute', (attributes, name, value) => {
    const stack = newStack();
    const vault = new Target(stack, 'Mine', attributes) as unknown as IBackupVault;
    new VaultBackupTrigger(stack, 'Backup', { vault });
    expect(resourceNamed(synthJson(stack), hook.type, 'Backup_Run')[hook.triggers][name]).toBe(value);
  });

  test('a vault with neither id nor name is refused', () => {
    const stack = newStack();
    const vault = new Target(stack, 'Mine', {}) as unknown as IBackupVault;
    expect(() => new VaultBackupTrigger(stack, 'Backup', { vault })).toThrow(
      'stack/Backup: vault "stack/Mine" has neither a vaultId nor a vaultName; allowed: BackupVault.fromVaultId or BackupVault.fromVaultName',
    );
  });
});
