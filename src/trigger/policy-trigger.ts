import { Construct, IConstruct } from 'constructs';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import type { BackupConnection } from '../core/connection';
import type { IHookResource } from '../core/hook-kind';
import { BackupValidationError } from '../core/validation';
import { BackupPolicyTriggerOptions, IBackupTrigger, TriggerCore } from './trigger';

/**
 * A VBS backup policy that triggers can run: one this stack manages (`new BackupPolicy`) or
 * one that already exists (`BackupPolicy.fromPolicyId`, `BackupPolicy.fromPolicyName`).
 *
 * Declared beside the trigger that runs it (each names the other), so that neither the
 * policy nor the trigger module imports the other back (docs/architecture.md, Layout).
 */
export interface IBackupPolicy extends IConstruct {
  /**
   * The policy's id, when it is referred to by id (a UUID, or a token).
   *
   * @default - none: a policy referred to by name, or one this stack manages (its id is known
   *   only once the hook has made it)
   */
  readonly policyId?: string;

  /**
   * The policy's name: the name it is referred to by, or the name of a policy this stack
   * manages.
   *
   * @default - none: a policy referred to by id
   */
  readonly policyName?: string;

  /** Where the policy lives. @default - the apply environment decides */
  readonly connection?: BackupConnection;

  /** Adds a trigger that runs this policy, as a child of this construct. */
  addTrigger(id: string, options?: BackupPolicyTriggerOptions): BackupPolicyTrigger;
}

/**
 * How a trigger runs a policy the library manages: not part of {@link IBackupPolicy}.
 * @internal
 */
export interface ManagedPolicyTarget {
  /** The hook variables naming the policy (`VBS_HOOK_POLICY_IDENTITY`). */
  readonly reference: Record<string, string>;
  /** The resources that make the policy: a trigger waits for them, and they outlive its run before destroy. */
  readonly prerequisites: readonly IConstruct[];
}

/** The managed policies made by src/policy, by construct (module-private: no public member carries hook variables). */
const managedPolicies = new WeakMap<IConstruct, ManagedPolicyTarget>();

/**
 * Records how triggers run `policy`, a policy this stack manages (src/policy/policy.ts).
 * @internal
 */
export function registerManagedPolicy(policy: IBackupPolicy, target: ManagedPolicyTarget): void {
  managedPolicies.set(policy, target);
}

/**
 * What a trigger of `policy` runs, and after what: a managed policy's registered target, else
 * the policy named by its id or, without one, its name.
 */
function policyTarget(scope: IConstruct, policy: IBackupPolicy): ManagedPolicyTarget {
  const managed = managedPolicies.get(policy);
  if (managed !== undefined) return managed;
  if (policy.policyId !== undefined) return { reference: { [HOOK_ENV.policyId]: policy.policyId }, prerequisites: [] };
  if (policy.policyName !== undefined) return { reference: { [HOOK_ENV.policyName]: policy.policyName }, prerequisites: [] };
  throw new BackupValidationError(
    scope,
    'policy',
    policy.node.path,
    'has neither a policyId nor a policyName',
    'a BackupPolicy, BackupPolicy.fromPolicyId or BackupPolicy.fromPolicyName',
  );
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
export class BackupPolicyTrigger extends Construct implements IBackupTrigger {
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
    const target = policyTarget(this, props.policy);
    this.core = new TriggerCore(this, props, {
      command: HOOK_COMMANDS.trigger,
      reference: target.reference,
      connection: props.policy.connection,
      settings: {},
      // The policy must exist before it runs, and outlive the run-before-destroy.
      prerequisites: target.prerequisites,
      runKey: false,
    });
    this.runResource = this.core.runResource;
    this.beforeDestroyResource = this.core.beforeDestroyResource;
  }

  /**
   * Runs the policy after these constructs: the trigger's resources depend on every
   * Terraform resource inside each, as the tree is when the stack is synthesized (a resource
   * added to one later counts too).
   */
  public executeAfter(...constructs: IConstruct[]): void {
    this.core.executeAfter(...constructs);
  }

  /**
   * Runs the policy before these constructs: every Terraform resource inside each, as the
   * tree is when the stack is synthesized, depends on the trigger's resources.
   */
  public executeBefore(...constructs: IConstruct[]): void {
    this.core.executeBefore(...constructs);
  }
}
