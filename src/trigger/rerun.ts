import { IConstruct } from 'constructs';
import { fw } from '../core/framework';
import { isLiteral, VbsValidationError } from '../core/validation';

const RERUN_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * When a trigger runs its policy again. Terraform runs a hook again by replacing its
 * resource, so each rule is a set of replacing values (`triggers`) on the run resource.
 * Whatever the rule, a trigger also runs again when the policy it points at changes identity
 * (another policy id, name or managed policy, project or endpoint).
 */
export class Rerun {
  /** Run once, on the first apply (and again only if the policy's identity changes). */
  public static once(): Rerun {
    return new Rerun('once', {});
  }

  /**
   * Run again whenever one of these values changes, e.g.
   * `Rerun.onChange({ release: '1.4.2' })`. Values may be tokens.
   */
  public static onChange(values: Record<string, string>): Rerun {
    return new Rerun('onChange', { ...values });
  }

  /** Run on every `terraform apply` (a `timestamp()` trigger). */
  public static everyApply(): Rerun {
    return new Rerun('everyApply', {});
  }

  private constructor(
    /** The rule: `once`, `onChange` or `everyApply`. */
    public readonly kind: 'once' | 'onChange' | 'everyApply',
    /** For `onChange`: the watched values. */
    public readonly values: Readonly<Record<string, string>>,
  ) {}

  /**
   * Validates, naming `scope`'s path, and renders the replacing values: nothing for `once`,
   * `rerun_<key>` per value for `onChange`, `rerun_every_apply = timestamp()` for
   * `everyApply`.
   * @internal
   */
  public _triggers(scope: IConstruct): Record<string, string> {
    switch (this.kind) {
      case 'once':
        return {};
      case 'everyApply':
        return { rerun_every_apply: fw(scope).Fn.timestamp() };
      case 'onChange': {
        const keys = Object.keys(this.values);
        if (keys.length === 0) {
          throw new VbsValidationError(
            scope,
            'rerun',
            this.values,
            'has no values to watch',
            'Rerun.onChange with at least one value, or Rerun.once() to run only on the first apply',
          );
        }
        const triggers: Record<string, string> = {};
        for (const key of keys) {
          if (isLiteral(scope, key) && !RERUN_KEY_PATTERN.test(key)) {
            throw new VbsValidationError(
              scope,
              'rerun key',
              key,
              'is not a valid key',
              '1 to 64 characters, each a letter, a digit, "_" or "-"',
            );
          }
          triggers[`rerun_${key}`] = this.values[key];
        }
        return triggers;
      }
    }
  }
}

/** What a failed run does to the apply. */
export enum FailureMode {
  /** The apply fails; the run resource is tainted, so the next apply tries again. */
  FAIL = 'fail',
  /** A `WARNING:` line, and the apply carries on. */
  CONTINUE = 'continue',
}
