/**
 * The one trigger implementation (issue 16): ordering, rerun rules, failure modes, busy
 * handling, the run before destroy and the hook resources, for the policy trigger
 * (src/trigger/policy-trigger.ts) and the vault trigger (src/trigger/vault-trigger.ts) alike.
 * Each of those only says what is run (the hook command, the variables naming the target,
 * its own settings) and what the run waits for.
 */
import type * as cdktf from 'cdktf';
import { IConstruct } from 'constructs';
import { DEFAULT_TRIGGER_TIMEOUT_SECONDS, HOOK_ENV, WHEN_BUSY_CHOICES } from '../contract/hook';
import { connectionEnvironment, mergeConnections, validateConnection, BackupConnection } from '../core/connection';
import { HookResource, IHookResource, resolveHookResource } from '../core/hook-kind';
import { fw } from '../core/framework';
import { HookRuntime, resolveHookRuntime } from '../core/hook-runtime';
import { addDependency, HookTerraformResource, isLiteralWord, resourcesIn } from '../core/hook-resource';
import type { Addressable } from '../core/late';
import { checkIntegerRange, BackupValidationError } from '../core/validation';
import { createTriggerHooks } from './hooks';
import { FailureMode, Rerun } from './rerun';
import { WhenBusy } from './when-busy';

/**
 * A trigger: a policy trigger ({@link BackupPolicyTrigger}) or a vault trigger
 * ({@link VaultBackupTrigger}). Both run their target when the `runResource` is created (and
 * re-created by the rerun rule), and, with `backupBeforeDestroy`, when the
 * `beforeDestroyResource` is destroyed.
 */
export interface IBackupTrigger extends IConstruct {
  /** The resource whose create runs the backup. */
  readonly runResource: IHookResource;

  /**
   * The resource whose destroy runs the backup.
   *
   * @default - none: the trigger has no `backupBeforeDestroy`
   */
  readonly beforeDestroyResource?: IHookResource;

  /**
   * Runs the backup after these constructs: the trigger's resources depend on every Terraform
   * resource inside each, as the tree is when the stack is synthesized.
   */
  executeAfter(...constructs: IConstruct[]): void;

  /**
   * Runs the backup before these constructs: every Terraform resource inside each, as the tree
   * is when the stack is synthesized, depends on the trigger's resources.
   */
  executeBefore(...constructs: IConstruct[]): void;
}

/**
 * Options of a trigger made with `policy.addTrigger(id, options)`; a vault trigger
 * (`VaultBackupTriggerOptions`) has every one of them, with the same meaning and defaults.
 */
export interface BackupPolicyTriggerOptions {
  /**
   * Run after these: the trigger depends on every Terraform resource inside each construct.
   * More can be added with `executeAfter()`.
   *
   * @default - no ordering beyond the policy (or vault) itself
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
   * When the policy is run (the vault backed up) again: `Rerun.once()`, `Rerun.onChange({...})`,
   * `Rerun.whenChanged(...constructs)` (whenever a resource inside them is updated or
   * replaced) or `Rerun.everyApply()`.
   *
   * @default Rerun.once()
   */
  readonly rerun?: Rerun;

  /**
   * Wait until every backup job the run started reaches a final state (and fail, per
   * `failureMode`, if one did not succeed). For a vault: every backup of its checkpoint
   * (`available` is success, `error` a failure naming the resource).
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
   * that run as this trigger's backup; `FAIL` fails per `failureMode`. For a vault, per
   * resource: one already being backed up (`skipped_resources`, or a busy refusal) is waited
   * for then backed up, counted as this run's, or a failure naming it.
   *
   * @default WhenBusy.WAIT_THEN_RUN
   */
  readonly whenBusy?: WhenBusy;

  /**
   * Also run the policy (back the vault up) when the stack is destroyed, before the
   * resources the trigger runs after. A separate resource whose triggers exclude the rerun values, so a re-run never
   * fires it.
   *
   * @default false
   */
  readonly backupBeforeDestroy?: boolean;

  /**
   * Where to run the policy (the vault); fields set here win over the policy's (vault's)
   * connection. For a vault, `endpoint` is the CBR base URL.
   *
   * @default - the policy's (vault's) connection
   */
  readonly connection?: BackupConnection;

  /**
   * The resource type that carries the hooks.
   *
   * @default - the `cdktf-vbs-backup:hookResource` context value, else `HookResource.TERRAFORM_DATA`
   *   (under cdktf and cdktn alike)
   */
  readonly hookResource?: HookResource;

  /**
   * How the hooks find `node` where `terraform apply` runs: `HookRuntime.NODE` (`node` from the
   * PATH) or `HookRuntime.PORTABLE` (a POSIX `sh` launcher that takes `VBS_HOOK_NODE`, a `node`
   * on the PATH, or fetches a pinned Node once into a cache: for runners without `node`).
   *
   * @default - the `cdktf-vbs-backup:hookRuntime` context value, else `HookRuntime.NODE`
   */
  readonly hookRuntime?: HookRuntime;
}

/** The prop each setting comes from, for messages. */
const SETTING_PROPS: Readonly<Record<string, string>> = {
  [HOOK_ENV.wait]: 'waitForCompletion',
  [HOOK_ENV.timeout]: 'timeoutSeconds',
  [HOOK_ENV.failureMode]: 'failureMode',
  [HOOK_ENV.whenBusy]: 'whenBusy',
  [HOOK_ENV.incremental]: 'incremental',
  [HOOK_ENV.keepLast]: 'keepLast',
};

/** What differs between the triggers: what is run, and what the run waits for. */
export interface TriggerTarget {
  /** The hook command word (`hook-trigger`, `hook-vault-trigger`). */
  readonly command: string;
  /** The hook variables naming what is run (the policy or the vault and its resources): replacing values. */
  readonly reference: Record<string, string>;
  /** The target's own connection, under the trigger's `connection`. */
  readonly connection?: BackupConnection;
  /** Settings of this kind of trigger beyond the common ones, only those not at the executor's default: environment only. */
  readonly settings: Record<string, string>;
  /** Resources that must exist before the run and outlive the run before destroy (a managed policy's). */
  readonly prerequisites: readonly IConstruct[];
  /** Give the hook `VBS_HOOK_RUN` (src/trigger/hooks.ts `runKeyExpression`). */
  readonly runKey: boolean;
}

/**
 * A trigger's hook resources and ordering, made in the trigger construct `owner` from the
 * common options: validated, rendered, ordered after the target's prerequisites and the
 * `executeAfter` constructs, before the `executeBefore` ones.
 *
 * Ordering and the watched resources of `Rerun.whenChanged` are the resources inside the named
 * constructs when the stack is synthesized, so a resource added to one after the call counts
 * too: they are taken by an aspect of the app's framework on the trigger (its public
 * `Aspects` API; `cdktf synth`, `app.synth()` and `Testing.synth` run aspects first). What is
 * known at the call (a construct that contains the trigger) is refused at the call.
 */
export class TriggerCore {
  /** The resource whose create runs the hook. */
  public readonly runResource: IHookResource;
  /** The resource whose destroy runs the hook, with `backupBeforeDestroy`. */
  public readonly beforeDestroyResource?: IHookResource;
  private readonly hookResources: HookTerraformResource[];
  /** The constructs the trigger runs after: the target's prerequisites, then `executeAfter`'s. */
  private readonly after: IConstruct[] = [];
  /** The constructs the trigger runs before (`executeBefore`). */
  private readonly before: IConstruct[] = [];

  constructor(
    private readonly owner: IConstruct,
    options: BackupPolicyTriggerOptions,
    target: TriggerTarget,
  ) {
    validateConnection(owner, options.connection, target.connection);
    const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TRIGGER_TIMEOUT_SECONDS;
    checkIntegerRange(owner, 'timeoutSeconds', timeoutSeconds, 1, 86400);
    const whenBusy = options.whenBusy ?? WhenBusy.WAIT_THEN_RUN;
    if (!(WHEN_BUSY_CHOICES as readonly string[]).includes(whenBusy)) {
      throw new BackupValidationError(owner, 'whenBusy', whenBusy, 'is not a WhenBusy value', 'WhenBusy.WAIT_THEN_RUN, WhenBusy.JOIN_RUNNING or WhenBusy.FAIL');
    }
    const rule = options.rerun ?? Rerun.once();
    const rerun = rule._triggers(owner);
    const watching = rule._watches(owner);
    const kind = resolveHookResource(owner, options.hookResource);
    const runtime = resolveHookRuntime(owner, options.hookRuntime);
    const connection = mergeConnections(target.connection, options.connection);

    // Only what differs from the executor's defaults (src/cli/hook-env.ts): less to write per hook.
    const failureMode = options.failureMode ?? FailureMode.FAIL;
    const settings: Record<string, string> = {
      ...(options.waitForCompletion ? { [HOOK_ENV.wait]: 'true' } : {}),
      ...(timeoutSeconds !== DEFAULT_TRIGGER_TIMEOUT_SECONDS ? { [HOOK_ENV.timeout]: String(timeoutSeconds) } : {}),
      ...(failureMode !== FailureMode.FAIL ? { [HOOK_ENV.failureMode]: failureMode } : {}),
      ...(whenBusy !== WhenBusy.WAIT_THEN_RUN ? { [HOOK_ENV.whenBusy]: whenBusy } : {}),
      ...target.settings,
    };

    // A destroy-time provisioner may reference only `self`, and a setting is not a replacing
    // value (a change must not replace the before-destroy resource: that would run it), so a
    // setting whose value is a token cannot reach the run before destroy.
    if (options.backupBeforeDestroy) {
      for (const [name, value] of Object.entries(settings)) {
        // Every literal setting is a plain word; a token never is (a number token reads `-1.8e+289`).
        if (!isLiteralWord(owner, value)) {
          const property = SETTING_PROPS[name] ?? name;
          throw new BackupValidationError(
            owner,
            property,
            (options as Record<string, unknown>)[property] ?? value,
            'is a token, which the run before destroy cannot read (Terraform lets a destroy-time provisioner reference only self)',
            `a literal ${property} with backupBeforeDestroy, or no backupBeforeDestroy`,
          );
        }
      }
    }

    // Replaced, so run again, when a watched resource changes; the before-destroy resource
    // never watches anything (ADR 3). None of the trigger's own resources can be inside a
    // watched construct: one that contains the trigger is refused. The list is filled at synth.
    const watched: (IConstruct & Addressable)[] = [];
    const hooks = createTriggerHooks(owner, {
      kind,
      runtime,
      command: target.command,
      target: { ...target.reference, ...connectionEnvironment(connection) },
      rerun,
      watched: watching ? watched : undefined,
      settings,
      backupBeforeDestroy: options.backupBeforeDestroy ?? false,
      runKey: target.runKey,
    });
    this.runResource = hooks.run;
    this.beforeDestroyResource = hooks.beforeDestroy;
    this.hookResources = hooks.beforeDestroy ? [hooks.run, hooks.beforeDestroy] : [hooks.run];

    // The target must exist before it runs, and outlive the run-before-destroy.
    this.executeAfter(...target.prerequisites, ...(options.executeAfter ?? []));
    this.executeBefore(...(options.executeBefore ?? []));

    // At synth, once the tree is complete: the resources inside the named constructs.
    const run = hooks.run;
    fw(owner).Aspects.of(owner).add({
      visit: (node: IConstruct) => {
        if (node !== owner) return;
        if (watching) {
          watched.splice(0, watched.length, ...rule._watchedResources(owner));
          for (const resource of watched) addDependency(run, resource);
        }
        this.order();
      },
    });
  }

  /** The trigger's resources depend on every Terraform resource inside each construct (at synth). */
  public executeAfter(...constructs: IConstruct[]): void {
    for (const construct of constructs) {
      this.refuseCycle(construct, 'executeAfter');
      this.after.push(construct);
    }
  }

  /** Every Terraform resource inside each construct (at synth) depends on the trigger's resources. */
  public executeBefore(...constructs: IConstruct[]): void {
    for (const construct of constructs) {
      this.refuseCycle(construct, 'executeBefore');
      this.before.push(construct);
    }
  }

  /** Adds the `depends_on` entries of the ordering, for the resources the constructs hold now (once each). */
  private order(): void {
    for (const construct of this.after) {
      for (const resource of this.foreignResourcesIn(construct)) {
        for (const hook of this.hookResources) addDependency(hook, resource);
      }
    }
    for (const construct of this.before) {
      for (const resource of this.foreignResourcesIn(construct)) {
        for (const hook of this.hookResources) addDependency(resource, hook);
      }
    }
  }

  /**
   * Ordering the trigger against itself is a cycle; so is running before a scope around it (the
   * target it depends on is in there). Running after a scope around it means "after the rest".
   */
  private refuseCycle(construct: IConstruct, property: 'executeAfter' | 'executeBefore'): void {
    const owner = this.owner;
    if (construct === owner || (property === 'executeBefore' && owner.node.scopes.includes(construct))) {
      throw new BackupValidationError(owner, property, construct.node.path || '<app>', 'contains this trigger', 'constructs that do not contain the trigger (a cycle otherwise)');
    }
  }

  /** The resources in `construct` that are not the trigger's own. */
  private foreignResourcesIn(construct: IConstruct): cdktf.TerraformResource[] {
    return resourcesIn(this.owner, construct).filter((resource) => !(this.hookResources as cdktf.TerraformResource[]).includes(resource));
  }
}
