import { BackupErrors, BackupPolicy, BackupVault, Retention, Schedule } from '../../src';
import { BackupValidationError } from '../../src/core/validation';
import { newStack, thrownBy } from './synth';


describe('BackupErrors.isValidationError', () => {
  test('is true for a bad prop, whose message names the construct path, the prop as written, the value and the rule', () => {
    const stack = newStack();
    const error = thrownBy(() => new BackupPolicy(stack, 'Nightly', { policyName: 'bad name', schedule: Schedule.daily(['02:00']), retention: Retention.count(7) }));
    expect(BackupErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'stack/Nightly: policyName "bad name" is not a valid backup policy name; allowed: 1 to 64 characters, each a letter, a digit, "_" or "-"',
    );
    expect((error as Error).name).toBe('BackupValidationError');
  });

  test('is true for a vault prop (one error type for both services)', () => {
    const error = thrownBy(() => BackupVault.fromVaultId(newStack(), 'Vault', 'not-a-uuid'));
    expect(BackupErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^stack\/Vault: vaultId "not-a-uuid" /);
  });

  test('is true for an error of another copy of the library (the marker is a global symbol)', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('cdktf-vbs-backup/ValidationError'), { value: true });
    expect(BackupErrors.isValidationError(foreign)).toBe(true);
  });

  test.each([
    ['a plain Error', new Error('stack/Nightly: policyName "x" is bad; allowed: y')],
    ['a TypeError', new TypeError('x')],
    ['a string', 'BackupValidationError'],
    ['undefined', undefined],
    ['null', null],
    ['an object', { name: 'BackupValidationError' }],
  ])('is false for %s', (_, value) => {
    expect(BackupErrors.isValidationError(value)).toBe(false);
  });

  test('narrows the type for TypeScript users', () => {
    const error: unknown = thrownBy(() => BackupVault.fromVaultName(newStack(), 'Vault', ''));
    if (!BackupErrors.isValidationError(error)) throw new Error('expected a validation error');
    const narrowed: BackupValidationError = error;
    expect(narrowed.message).toContain('stack/Vault: vaultName "" ');
  });
});
