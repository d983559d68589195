import type * as cdktf from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import type { IBackupPolicy } from '../policy/policy';
import { connectionEnvironment, mergeConnections, validateConnection, VbsConnection } from '../core/connection';
import { DEFAULT_TRIGGER_TIMEOUT_SECONDS, HOOK_COMMANDS, HOOK_ENV, WHEN_BUSY_CHOICES } from '../contract/hook';
import { HookResource, IHookResource, resolveHookResource } from '../core/hook-kind';
import { addDependency, HookTerraformResource, resourcesIn } from '../core/hook-resource';
import { createTriggerHooks } from './hooks';
import { checkIntegerRange, VbsValidationError } from '../core/validation';
import { FailureMode, Rerun } from './rerun';
import { WhenBusy } from './when-busy';

/** Options of a trigger made with `policy.addTrigger(id, options)`. */
export interface BackupPolicyTriggerOptions {
  /**
   * Run after these: the trigger depends on every Terraform resource inside each construct.
   * More can be added with `executeAfter()`.
   *
   * @default - no ordering beyond the policy itself
   */
  readonly executeAfter?: IConstruct[];

  /**
   * Run before these: every Terraform resource inside each construct depends on the trigger.
   * More can be added with `executeBefore()`.
   *
   * @default - nothing waits for the trigger
   */
  readonly executeBefore?: IConstruct[];

  /**
   * When the policy is run again: `Rerun.once()`, `Rerun.onChange({...})`,
   * `Rerun.whenChanged(...constructs)` (whenever a resource inside them is updated or
   * replaced) or `Rerun.everyApply()`.
   *
   * @default Rerun.once()
   */
  readonly rerun?: Rerun;

  /**
   * Wait until every backup job the run started reaches a final state (and fail, per
   * `failureMode`, if one did not succeed).
   *
   * @default false
   */
  readonly waitForCompletion?: boolean;

  /**
   * Bound on the whole hook in seconds, waiting included: a whole number from 1 to 86400.
   *
   * @default 1800
   */
  readonly timeoutSeconds?: number;

  /**
   * What a failed run does to the apply.
   *
   * @default FailureMode.FAIL
   */
  readonly failureMode?: FailureMode;

  /**
   * What to do when a run of the policy is unfinished (VBS refuses a second run with
   * `AutoBackup.0225`): a scheduled run, or another stack's trigger on the same policy.
   * `WAIT_THEN_RUN` waits for it (within `timeoutSeconds`) and then runs; `JOIN_RUNNING` counts
   * that run as this trigger's backup; `FAIL` fails per `failureMode`.
   *
   * @default WhenBusy.WAIT_THEN_RUN
   */
  readonly whenBusy?: WhenBusy;

  /**
   * Also run the policy when the stack is destroyed, before the resources the trigger runs
   * after. A separate resource whose triggers exclude the rerun values, so a re-run never
   * fires it.
   *
   * @default false
   */
  readonly backupBeforeDestroy?: boolean;

  /**
   * Where to run the policy; fields set here win over the policy's connection.
   *
   * @default - the policy's connection
   */
  readonly connection?: VbsConnection;

  /**
   * The resource type that carries the hooks.
   *
   * @default - the `cdktf-vbs-backup:hookResource` context value, else `HookResource.TERRAFORM_DATA`
   *   (under cdktf and cdktn alike)
   */
  readonly hookResource?: HookResource;
}

/** Properties of a {@link BackupPolicyTrigger}. */
export interface BackupPolicyTriggerProps extends BackupPolicyTriggerOptions {
  /** The policy to run. */
  readonly policy: IBackupPolicy;
}

/**
 * Runs a backup policy as part of a deployment: a `run` hook resource whose create runs
 * `hook-trigger`, ordered after and before other constructs, re-created (so run again) by its
 * rerun rule; with `backupBeforeDestroy`, a `before_destroy` hook resource that runs the policy
 * when it is destroyed (ADR 3).
 */
export class BackupPolicyTrigger extends Construct {
  /** The policy this trigger runs. */
  public readonly policy: IBackupPolicy;
  /** The resource whose create runs the policy. */
  public readonly runResource: IHookResource;
  /** The resource whose destroy runs the policy, with `backupBeforeDestroy`. */
  public readonly beforeDestroyResource?: IHookResource;

  private readonly hookResources: HookTerraformResource[];

  constructor(scope: Construct, id: string, props: BackupPolicyTriggerProps) {
    super(scope, id);
    this.policy = props.policy;
    validateConnection(this, props.connection, props.policy.connection);
    const timeoutSeconds = props.timeoutSeconds ?? DEFAULT_TRIGGER_TIMEOUT_SECONDS;
    checkIntegerRange(this, 'timeoutSeconds', timeoutSeconds, 1, 86400);
    const whenBusy = props.whenBusy ?? WhenBusy.WAIT_THEN_RUN;
    if (!(WHEN_BUSY_CHOICES as readonly string[]).includes(whenBusy)) {
      throw new VbsValidationError(this, 'whenBusy', whenBusy, 'is not a WhenBusy value', 'WhenBusy.WAIT_THEN_RUN, WhenBusy.JOIN_RUNNING or WhenBusy.FAIL');
    }
    const rule = props.rerun ?? Rerun.once();
    const rerun = rule._triggers(this);
    const kind = resolveHookResource(this, props.hookResource);
    const connection = mergeConnections(props.policy.connection, props.connection);

    // Only what differs from the executor's defaults (src/cli/hook-env.ts): less to write per hook.
    const failureMode = props.failureMode ?? FailureMode.FAIL;
    const settings: Record<string, string> = {
      ...(props.waitForCompletion ? { [HOOK_ENV.wait]: 'true' } : {}),
      ...(timeoutSeconds !== DEFAULT_TRIGGER_TIMEOUT_SECONDS ? { [HOOK_ENV.timeout]: String(timeoutSeconds) } : {}),
      ...(failureMode !== FailureMode.FAIL ? { [HOOK_ENV.failureMode]: failureMode } : {}),
      ...(whenBusy !== WhenBusy.WAIT_THEN_RUN ? { [HOOK_ENV.whenBusy]: whenBusy } : {}),
    };

    // Replaced, so run again, when a watched resource changes; the before-destroy resource
    // never watches anything (ADR 3). None of the trigger's own resources can be inside a
    // watched construct: one that contains the trigger is refused.
    const hooks = createTriggerHooks(this, {
      kind,
      command: HOOK_COMMANDS.trigger,
      target: { ...props.policy.policyReference, ...connectionEnvironment(connection) },
      rerun,
      watched: rule._watchedResources(this),
      settings,
      backupBeforeDestroy: props.backupBeforeDestroy ?? false,
    });
    this.runResource = hooks.run;
    this.beforeDestroyResource = hooks.beforeDestroy;
    this.hookResources = hooks.beforeDestroy ? [hooks.run, hooks.beforeDestroy] : [hooks.run];

    // The policy must exist before it runs, and outlive the run-before-destroy.
    this.executeAfter(...props.policy.hookResources, ...(props.executeAfter ?? []));
    this.executeBefore(...(props.executeBefore ?? []));
  }

  /**
   * Runs the policy after these constructs: the trigger's resources depend on every
   * Terraform resource inside each (as they are now).
   */
  public executeAfter(...constructs: IConstruct[]): void {
    for (const construct of constructs) {
      for (const resource of this.foreignResourcesIn(construct, 'executeAfter')) {
        for (const hook of this.hookResources) {
          addDependency(hook, resource);
        }
      }
    }
  }

  /**
   * Runs the policy before these constructs: every Terraform resource inside each (as they
   * are now) depends on the trigger's resources.
   */
  public executeBefore(...constructs: IConstruct[]): void {
    for (const construct of constructs) {
      for (const resource of this.foreignResourcesIn(construct, 'executeBefore')) {
        for (const hook of this.hookResources) {
          addDependency(resource, hook);
        }
      }
    }
  }

  /** The resources in `construct` that are not this trigger's own. */
  private foreignResourcesIn(construct: IConstruct, property: 'executeAfter' | 'executeBefore'): cdktf.TerraformResource[] {
    // Ordering the trigger against itself is a cycle; so is running before a scope around it (the
    // policy it depends on is in there). Running after a scope around it means "after the rest".
    if (construct === this || (property === 'executeBefore' && this.node.scopes.includes(construct))) {
      throw new VbsValidationError(this, property, construct.node.path || '<app>', 'contains this trigger', 'constructs that do not contain the trigger (a cycle otherwise)');
    }
    return resourcesIn(this, construct).filter((resource) => !(this.hookResources as cdktf.TerraformResource[]).includes(resource));
  }
}
