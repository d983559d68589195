import { VALIDATION_ERROR_MARKER } from './validation';
import type { BackupValidationError } from './validation';

/**
 * Tells the library's errors apart from others. The error classes themselves are not exported
 * (jsii, which makes the Python package, cannot export a subclass of `Error`), as in aws-cdk-lib
 * (`Errors.isValidationError`).
 */
export class BackupErrors {
  /**
   * Whether `x` is a validation error of this library: a prop, argument or context value that
   * breaks a rule, found when a construct is made or the stack is synthesized. Its message
   * names the construct path, the prop as written, the value given and what is allowed:
   * `<construct path>: <prop> <value> <problem>; allowed: <rule>`. True also for an error of
   * another copy of the library in the same process.
   *
   * @param x anything caught
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii's type for "anything" (it has no `unknown`)
  public static isValidationError(x: any): x is BackupValidationError {
    return x !== null && typeof x === 'object' && VALIDATION_ERROR_MARKER in x;
  }

  private constructor() {}
}
