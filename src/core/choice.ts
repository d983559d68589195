import { IConstruct } from 'constructs';
import { BackupValidationError } from './validation';

/** One app-wide choice (the hook resource, the hook runtime): a prop, a context key, a default. */
export interface ChoiceSpec<T extends string> {
  /** The prop as the user writes it, e.g. `hookResource`. */
  readonly prop: string;
  /** The enum users pass, e.g. `HookResource`. */
  readonly enumName: string;
  /** The `cdktf.json` context key that chooses for the whole app. */
  readonly contextKey: string;
  /** Every allowed value. */
  readonly values: readonly T[];
  /** The value when neither the prop nor the context gives one. */
  readonly fallback: T;
}

/**
 * A construct's choice: its prop if given, else the context key, else the fallback.
 *
 * @throws BackupValidationError when the prop or the context value is not one of `spec.values`,
 *   naming the prop or the context key and what is allowed
 */
export function resolveChoice<T extends string>(scope: IConstruct, spec: ChoiceSpec<T>, given: T | undefined): T {
  const allowed = spec.values.map((v) => JSON.stringify(v)).join(' or ');
  const isAllowed = (v: unknown): v is T => typeof v === 'string' && (spec.values as readonly string[]).includes(v);
  if (given !== undefined) {
    if (!isAllowed(given)) {
      throw new BackupValidationError(scope, spec.prop, given, 'is not supported', `${allowed} (the ${spec.enumName} enum)`);
    }
    return given;
  }
  const fromContext: unknown = scope.node.tryGetContext(spec.contextKey);
  if (fromContext === undefined || fromContext === null) {
    return spec.fallback;
  }
  if (!isAllowed(fromContext)) {
    throw new BackupValidationError(
      scope,
      `context "${spec.contextKey}"`,
      fromContext,
      'is not supported',
      `${allowed} (set it in cdktf.json "context", or pass the ${spec.prop} prop)`,
    );
  }
  return fromContext;
}
