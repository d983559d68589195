import { Construct } from 'constructs';
import { BackupPolicy } from '../../src/policy';
import { BackupPolicyTrigger, Rerun } from '../../src/trigger';
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

    test('a construct with no resource (a data source only) is refused, naming it', () => {
      const stack = newStack();
      const empty = new Construct(stack, 'Empty');
      new module.TerraformDataSource(empty, 'Lookup', { terraformResourceType: 'terraform_remote_state' });
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
      expect(() => new BackupPolicyTrigger(stack, 'Backup', { policy, rerun: Rerun.whenChanged(empty) })).toThrow(
        'stack/Backup: rerun: Rerun.whenChanged "stack/Empty" holds no Terraform resource; allowed: constructs with at least one resource inside (data sources do not count: they are read, never updated)',
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
