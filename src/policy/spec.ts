import { IConstruct } from 'constructs';
import { fw } from '../core/framework';
import { MARKER_TAG_KEY, MAX_POLICY_TAGS, PolicySpec } from '../contract/hook';
import { isLiteral, UUID_PATTERN, BackupValidationError } from '../core/validation';

export type { PolicySpec };

/**
 * The spec as `VBS_HOOK_SPEC` JSON. With tokens inside (names from variables...) it is
 * Terraform's `jsonencode`, resolved at apply. Without, it is computed here, byte for byte what
 * Terraform would compute (sorted keys, compact, Go's escaping), which keeps large stacks fast
 * to synthesize and the plan readable. Its revision (first 16 hex of its sha256) is computed by
 * Terraform from the resource's spec trigger (src/policy/policy.ts).
 */
export function renderSpec(scope: IConstruct, spec: PolicySpec): string {
  const { Fn, Token } = fw(scope);
  const containsTokens = (value: unknown): boolean => {
    if (Token.isUnresolved(value)) {
      return true;
    }
    if (Array.isArray(value)) {
      return value.some(containsTokens);
    }
    if (value !== null && typeof value === 'object') {
      return Object.entries(value).some(([key, item]) => Token.isUnresolved(key) || containsTokens(item));
    }
    return false;
  };
  return containsTokens(spec) ? Fn.jsonencode(spec) : terraformJson(spec);
}

/** Terraform's `jsonencode` of a literal value: keys sorted, no spaces, `<>&` escaped as Go does. */
export function terraformJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) {
        sorted[key] = sortKeys(item);
      }
    }
    return sorted;
  }
  return value;
}

const TAG_KEY_PATTERN = /^[A-Za-z0-9_-]{1,36}$/;
const TAG_VALUE_PATTERN = /^[A-Za-z0-9_-]{0,43}$/;

/** Users may set every tag VBS allows but the marker. */
export const MAX_USER_TAGS = MAX_POLICY_TAGS - 1;

/**
 * Validates user tags against the VBS rules, naming `scope`'s path. Keys and values that are
 * tokens are skipped.
 */
export function validateTags(scope: IConstruct, tags: Record<string, string>): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_USER_TAGS) {
    throw new BackupValidationError(
      scope,
      'tags',
      keys,
      `has ${keys.length} tags`,
      `at most ${MAX_USER_TAGS}: VBS allows ${MAX_POLICY_TAGS} tags per policy and cdktf-vbs-backup uses one, "${MARKER_TAG_KEY}", to recognise the policy it manages`,
    );
  }
  for (const key of keys) {
    if (!isLiteral(scope, key)) {
      continue;
    }
    if (key === MARKER_TAG_KEY) {
      throw new BackupValidationError(
        scope,
        'tag key',
        key,
        'is reserved',
        `any other key: "${MARKER_TAG_KEY}" marks the policies cdktf-vbs-backup manages`,
      );
    }
    if (!TAG_KEY_PATTERN.test(key)) {
      throw new BackupValidationError(
        scope,
        'tag key',
        key,
        'is not a valid VBS tag key',
        '1 to 36 characters, each a letter, a digit, "_" or "-"',
      );
    }
    const value = tags[key];
    if (isLiteral(scope, value) && (typeof value !== 'string' || !TAG_VALUE_PATTERN.test(value))) {
      throw new BackupValidationError(
        scope,
        `tag "${key}" value`,
        value,
        'is not a valid VBS tag value',
        '0 to 43 characters, each a letter, a digit, "_" or "-"',
      );
    }
  }
}

/**
 * Validates one volume id against the ones already in the policy, naming `scope`'s path.
 * A literal id must be a UUID; a token may be anything but the same token twice.
 */
export function validateVolumeId(scope: IConstruct, volumeId: string, existing: readonly string[]): void {
  if (isLiteral(scope, volumeId) && (typeof volumeId !== 'string' || !UUID_PATTERN.test(volumeId))) {
    throw new BackupValidationError(
      scope,
      'volume id',
      volumeId,
      'is not an EVS volume id',
      'a UUID like "0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11", or a token such as volume.id',
    );
  }
  if (existing.includes(volumeId)) {
    throw new BackupValidationError(
      scope,
      'volume id',
      volumeId,
      'is already in the policy',
      'each volume once',
    );
  }
}
