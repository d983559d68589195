import { IConstruct } from 'constructs';
import { fw } from '../core/framework';
import { resourcesIn } from '../core/hook-resource';
import { isLiteral, BackupValidationError } from '../core/validation';

/** A Terraform resource as `replace_triggered_by` names it (structural: no framework type in the declarations). */
type WatchedResource = IConstruct & { readonly terraformResourceType: string; readonly friendlyUniqueId: string };

const RERUN_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * When a trigger runs its policy again. Terraform runs a hook again by replacing its
 * resource, so each rule is a set of replacing values (`triggers`) on the run resource, or,
 * for `whenChanged`, its `lifecycle.replace_triggered_by`. Whatever the rule, a trigger also
 * runs again when the policy it points at changes identity (another policy id, name or managed
 * policy, project or endpoint). A re-run never fires the trigger's run-before-destroy.
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

  /**
   * Run again whenever a Terraform resource inside one of these constructs is updated or
   * replaced (Terraform's `lifecycle.replace_triggered_by`), and on nothing else: e.g.
   * `Rerun.whenChanged(migration)` takes a backup after every migration. The resources are
   * those inside each construct when the stack is synthesized, so resources added after the
   * trigger is made count too (data sources are not resources); the run also waits for them.
   * A construct with none at synth is an error.
   */
  public static whenChanged(...constructs: IConstruct[]): Rerun {
    return new Rerun('whenChanged', {}, constructs);
  }

  private constructor(
    /** The rule: `once`, `onChange`, `everyApply` or `whenChanged`. */
    private readonly kind: 'once' | 'onChange' | 'everyApply' | 'whenChanged',
    /** For `onChange`: the watched values. */
    private readonly values: Readonly<Record<string, string>>,
    /** For `whenChanged`: the watched constructs. */
    private readonly constructs: readonly IConstruct[] = [],
  ) {}

  /**
   * Whether the rule watches resources (`whenChanged`), checked when the trigger `scope` is
   * made: at least one construct, none that contains the trigger.
   * @throws BackupValidationError for a `whenChanged` without constructs, or with one that
   *   contains the trigger
   * @internal
   */
  public _watches(scope: IConstruct): boolean {
    if (this.kind !== 'whenChanged') {
      return false;
    }
    if (this.constructs.length === 0) {
      throw new BackupValidationError(scope, 'rerun', 'Rerun.whenChanged()', 'watches nothing', 'Rerun.whenChanged with at least one construct that holds a Terraform resource');
    }
    for (const construct of this.constructs) {
      if (construct === scope || scope.node.scopes.includes(construct)) {
        throw new BackupValidationError(scope, 'rerun: Rerun.whenChanged', construct.node.path || '<app>', 'contains this trigger', 'constructs that do not contain the trigger (a cycle otherwise)');
      }
    }
    return true;
  }

  /**
   * The resources whose update or replacement re-runs the trigger `scope` (`whenChanged`), as
   * the tree is now: called when the stack is synthesized. Empty for the other rules.
   * @throws BackupValidationError for a construct with no resource
   * @internal
   */
  public _watchedResources(scope: IConstruct): WatchedResource[] {
    if (!this._watches(scope)) {
      return [];
    }
    const watched: WatchedResource[] = [];
    for (const construct of this.constructs) {
      const resources = resourcesIn(scope, construct);
      if (resources.length === 0) {
        throw new BackupValidationError(
          scope,
          'rerun: Rerun.whenChanged',
          construct.node.path || '<app>',
          'holds no Terraform resource',
          'constructs with at least one resource inside when the stack is synthesized (data sources do not count: they are read, never updated)',
        );
      }
      for (const resource of resources) {
        if (!watched.includes(resource)) watched.push(resource);
      }
    }
    return watched;
  }

  /**
   * Validates, naming `scope`'s path, and renders the replacing values: nothing for `once`,
   * `rerun_<key>` per value for `onChange`, `rerun_every_apply = timestamp()` for
   * `everyApply`.
   * @internal
   */
  public _triggers(scope: IConstruct): Record<string, string> {
    switch (this.kind) {
      case 'once':
      case 'whenChanged':
        return {};
      case 'everyApply':
        return { rerun_every_apply: fw(scope).Fn.timestamp() };
      case 'onChange': {
        const keys = Object.keys(this.values);
        if (keys.length === 0) {
          throw new BackupValidationError(
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
            throw new BackupValidationError(
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
