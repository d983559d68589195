import { IConstruct } from 'constructs';
import { fw } from './framework';
import { POLICY_NAME_PATTERN, UUID_PATTERN, isReservedPolicyName } from '../contract/wire';

/**
 * Synth-time validation helpers shared by the constructs. Every message names the construct
 * path, the property, the value given and what is allowed, so a user can fix it without
 * reading our source. Values that are unresolved tokens are never checked: Terraform only
 * knows them at apply time, and the hook (or the API) reports them then.
 */

// The UUID and policy-name formats are API facts shared with the client, the executor and the
// emulator (src/contract/wire.ts imports nothing).
// The connection's rules (region, cloud, endpoint, project id) are in src/contract/rules.ts, used
// by src/core/connection.ts at synth and by the client and the hook at apply.
export { UUID_PATTERN };

/**
 * True when `value` is known at synth time (not a token of `scope`'s framework, and not
 * containing one). Lists encoded as a token and strings with embedded tokens both count as
 * unresolved.
 */
export function isLiteral(scope: IConstruct, value: unknown): boolean {
  return !fw(scope).Token.isUnresolved(value);
}

/** Renders a given value for an error message: strings quoted, everything else as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value); // NaN, Infinity: JSON would say null
  }
  return JSON.stringify(value);
}

/** Marks a {@link BackupValidationError}, across copies of the library (src/core/errors.ts reads it). */
export const VALIDATION_ERROR_MARKER = Symbol.for('cdktf-vbs-backup/ValidationError');

/**
 * The error thrown by synth-time validation: a bad prop, argument or context value.
 *
 * Format: `<construct path>: <property> <given value> <problem>; allowed: <rule>`, the same
 * text in every language (it is all a jsii runtime passes on). Not exported from the package:
 * jsii cannot export a subclass of `Error`; `BackupErrors.isValidationError(error)`
 * (src/core/errors.ts) tells it apart.
 */
export class BackupValidationError extends Error {
  constructor(scope: IConstruct, property: string, given: unknown, problem: string, allowed: string) {
    super(`${scope.node.path}: ${property} ${describeValue(given)} ${problem}; allowed: ${allowed}`);
    this.name = 'BackupValidationError';
    Object.defineProperty(this, VALIDATION_ERROR_MARKER, { value: true });
  }
}

/** Throws when a literal `value` is not an integer in `[min, max]`. Tokens pass. */
export function checkIntegerRange(
  scope: IConstruct,
  property: string,
  value: number,
  min: number,
  max: number,
  why = '',
): void {
  if (!isLiteral(scope, value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BackupValidationError(
      scope,
      property,
      value,
      'is out of range',
      `a whole number from ${min} to ${max}${why ? ` (${why})` : ''}`,
    );
  }
}

/** Throws when a literal `value` is not a policy id (UUID). Tokens pass. */
export function checkPolicyId(scope: IConstruct, property: string, value: string): void {
  if (isLiteral(scope, value) && !UUID_PATTERN.test(value)) {
    throw new BackupValidationError(
      scope,
      property,
      value,
      'is not a backup policy id',
      'a UUID like "af8a20b0-117d-4fc3-ae53-aa3968a4f870"',
    );
  }
}

/**
 * Throws when a literal policy name breaks the VBS rules. `forCreate` adds the rule that a
 * name must not start with "default" (VBS keeps that prefix for its default policy, which a
 * tenant may not create or rename to); referring to an existing policy by name allows it.
 */
export function checkPolicyName(scope: IConstruct, property: string, value: string, forCreate: boolean): void {
  if (!isLiteral(scope, value)) {
    return;
  }
  if (typeof value !== 'string' || !POLICY_NAME_PATTERN.test(value)) {
    throw new BackupValidationError(
      scope,
      property,
      value,
      'is not a valid backup policy name',
      '1 to 64 characters, each a letter, a digit, "_" or "-"',
    );
  }
  if (forCreate && isReservedPolicyName(value)) {
    throw new BackupValidationError(
      scope,
      property,
      value,
      'starts with "default"',
      'any name that does not start with "default" in any letter case (VBS reserves it for the default policy)',
    );
  }
}
