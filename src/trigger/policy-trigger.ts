import { Construct, IConstruct } from 'constructs';
import { HOOK_COMMANDS } from '../contract/hook';
import type { BackupConnection } from '../core/connection';
import type { IHookResource } from '../core/hook-kind';
import { BackupPolicyTriggerOptions, TriggerCore } from './trigger';

/**
 * A VBS backup policy that triggers can run: one this stack manages (`new BackupPolicy`) or
 * one that already exists (`BackupPolicy.fromPolicyId`, `BackupPolicy.fromPolicyName`).
 *
 * Declared beside the trigger that runs it (each names the other), so that neither the
 * policy nor the trigger module imports the other back (docs/architecture.md, Layout).
 */
export interface IBackupPolicy extends IConstruct {
  /**
   * The hook variables naming the policy: exactly one of `VBS_HOOK_POLICY_ID`,
   * `VBS_HOOK_POLICY_NAME` or `VBS_HOOK_POLICY_IDENTITY` (ADR 1).
   */
  readonly policyReference: Record<string, string>;

  /**
   * A stable string naming the policy (`id:<policy id>`, `name:<name>` or
   * `managed:<identity>`). A trigger re-runs when it changes.
   */
  readonly policyIdentity: string;

  /** Where the policy lives. @default - the apply environment decides */
  readonly connection?: BackupConnection;

  /** The resources that create the policy; triggers wait for them. Empty for existing policies. */
  readonly hookResources: IHookResource[];

  /** Adds a trigger that runs this policy, as a child of this construct. */
  addTrigger(id: string, options?: BackupPolicyTriggerOptions): BackupPolicyTrigger;
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

  private readonly core: TriggerCore;

  constructor(scope: Construct, id: string, props: BackupPolicyTriggerProps) {
    super(scope, id);
    this.policy = props.policy;
    this.core = new TriggerCore(this, props, {
      command: HOOK_COMMANDS.trigger,
      reference: props.policy.policyReference,
      connection: props.policy.connection,
      settings: {},
      // The policy must exist before it runs, and outlive the run-before-destroy.
      prerequisites: props.policy.hookResources,
      runKey: false,
    });
    this.runResource = this.core.runResource;
    this.beforeDestroyResource = this.core.beforeDestroyResource;
  }

  /**
   * Runs the policy after these constructs: the trigger's resources depend on every
   * Terraform resource inside each (as they are now).
   */
  public executeAfter(...constructs: IConstruct[]): void {
    this.core.executeAfter(...constructs);
  }

  /**
   * Runs the policy before these constructs: every Terraform resource inside each (as they
   * are now) depends on the trigger's resources.
   */
  public executeBefore(...constructs: IConstruct[]): void {
    this.core.executeBefore(...constructs);
  }
}
