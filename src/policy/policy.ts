import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { connectionEnvironment, validateConnection, BackupConnection } from '../core/connection';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import { HookResource, IHookResource, resolveHookResource } from '../core/hook-kind';
import { HookRuntime, resolveHookRuntime } from '../core/hook-runtime';
import { createHookResource, environmentFromSelf, LateString, selfTriggerExpression } from '../core/hook-resource';
import { checkPolicyId, checkPolicyName } from '../core/validation';
import { BackupPolicyTrigger, IBackupPolicy, registerManagedPolicy } from '../trigger/policy-trigger';
import type { BackupPolicyTriggerOptions } from '../trigger/trigger';
import { RemovalPolicy, Retention } from './retention';
import { Schedule } from './schedule';
import { PolicySpec, renderSpec, validateTags, validateVolumeId } from './spec';
import { createVolumesResource } from './volumes';

/** Properties of a managed {@link BackupPolicy}. */
export interface BackupPolicyProps {
  /**
   * The policy's name in VBS: 1-64 letters, digits, `_` or `-`, not starting with "default".
   */
  readonly policyName: string;

  /** When the policy runs, e.g. `Schedule.daily(['02:00'])`. */
  readonly schedule: Schedule;

  /** How long backups are kept, e.g. `Retention.count(7)`. */
  readonly retention: Retention;

  /**
   * Whether the schedule is active (`scheduled_policy.status` ON/OFF). A disabled policy can
   * still be run by a trigger.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Keep the first backup of each month beyond the retention.
   *
   * @default false
   */
  readonly retainFirstBackupOfMonth?: boolean;

  /**
   * EVS volumes the policy backs up (UUIDs or tokens such as `volume.id`). More can be added
   * with `addVolume`. The policy's volumes are reconciled to exactly this list: each volume is
   * one instance of the policy's `Volumes` resource, attached when it appears and detached when
   * it leaves the list (unless `RemovalPolicy.RETAIN`), the others untouched.
   *
   * @default - no volumes
   */
  readonly volumeIds?: string[];

  /**
   * Tags of the policy (VBS copies them onto its backups): at most 9, keys 1-36 and values
   * 0-43 characters of letters, digits, `_` and `-`.
   *
   * @default - no tags
   */
  readonly tags?: Record<string, string>;

  /**
   * What happens to the cloud policy when this construct is destroyed.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Where the policy lives; fields not set come from the apply environment.
   *
   * @default - region, project and endpoint from the apply environment
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

/** What the policies and imported policies share: making triggers. */
abstract class BackupPolicyBase extends Construct implements IBackupPolicy {
  public abstract readonly policyId?: string;
  public abstract readonly policyName?: string;
  public abstract readonly connection?: BackupConnection;

  public addTrigger(id: string, options: BackupPolicyTriggerOptions = {}): BackupPolicyTrigger {
    return new BackupPolicyTrigger(this, id, { ...options, policy: this });
  }
}

/** An existing policy, referred to by id or by name. */
class ImportedBackupPolicy extends BackupPolicyBase {
  constructor(
    scope: Construct,
    id: string,
    public readonly connection: BackupConnection | undefined,
    public readonly policyId?: string,
    public readonly policyName?: string,
  ) {
    super(scope, id);
    validateConnection(this, connection);
  }
}

/**
 * A VBS backup policy managed by the stack: created on the first apply, updated in place
 * (same policy id) when its props change, deleted when destroyed unless
 * `RemovalPolicy.RETAIN`.
 *
 * It is one hook resource with `create_before_destroy` (ADR 2): `hook-policy-apply` on
 * create, `hook-policy-destroy` on destroy, and a marker tag that tells the destroy step
 * whether a replacement has already taken the policy over; plus a `Volumes` hook resource
 * with one instance per volume (ADR 7), which attaches and detaches that volume.
 */
export class BackupPolicy extends BackupPolicyBase {
  /** An existing policy by its id (a UUID, or a token). */
  public static fromPolicyId(scope: Construct, id: string, policyId: string, connection?: BackupConnection): IBackupPolicy {
    const imported = new ImportedBackupPolicy(scope, id, connection, policyId, undefined);
    checkPolicyId(imported, 'policyId', policyId);
    return imported;
  }

  /** An existing policy by its name, looked up when the hook runs. */
  public static fromPolicyName(scope: Construct, id: string, policyName: string, connection?: BackupConnection): IBackupPolicy {
    const imported = new ImportedBackupPolicy(scope, id, connection, undefined, policyName);
    checkPolicyName(imported, 'policyName', policyName, false);
    return imported;
  }

  /**
   * The policy's name in VBS: always set on a managed policy. Optional in the type because it is
   * in `IBackupPolicy` (jsii lets no implementing class make an optional property required).
   */
  public readonly policyName?: string;
  /**
   * First 16 hex of sha256 of the construct path (which starts with the stack name): the
   * policy's identity in its marker tag.
   */
  public readonly identity: string;
  /** Always undefined: the policy's id is known only once the hook has made it. */
  public readonly policyId?: string;
  public readonly connection?: BackupConnection;
  /** The hook resource that creates, updates and deletes the policy. */
  public readonly resource: IHookResource;
  /**
   * The hook resource with one instance per volume (`for_each`): its create attaches the
   * volume, its destroy detaches it (unless retained). Depends on {@link resource}.
   */
  public readonly volumesResource: IHookResource;
  /** What destroying this construct does to the cloud policy. */
  public readonly removalPolicy: RemovalPolicy;

  private readonly volumeIds: string[] = [];
  private readonly spec: PolicySpec;
  /** The spec rendered once, at the first synth. */
  private rendered?: string;

  constructor(scope: Construct, id: string, props: BackupPolicyProps) {
    super(scope, id);
    checkPolicyName(this, 'policyName', props.policyName, true);
    validateConnection(this, props.connection);
    const schedule = props.schedule._render(this);
    const retention = props.retention._render(this);
    const tags = { ...(props.tags ?? {}) };
    validateTags(this, tags);
    for (const volumeId of props.volumeIds ?? []) {
      this.addVolume(volumeId);
    }

    this.policyName = props.policyName;
    this.connection = props.connection;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.identity = createHash('sha256').update(this.node.path).digest('hex').slice(0, 16);

    const scheduled = {
      ...schedule.scheduled,
      ...retention,
      remain_first_backup_of_curMonth: props.retainFirstBackupOfMonth ? 'Y' : 'N',
      status: props.enabled === false ? 'OFF' : 'ON',
    } as const;
    this.spec = {
      name: props.policyName,
      scheduled_policy: scheduled,
      ...(schedule.timeZone !== undefined ? { time_zone: schedule.timeZone } : {}),
      tags,
    };
    // Built when the stack is synthesized (and not at all by an app that is never synthesized).
    const specJson = new LateString(() => this.renderedSpec());

    const kind = resolveHookResource(this, props.hookResource);
    const runtime = resolveHookRuntime(this, props.hookRuntime);
    const spec = selfTriggerExpression(kind, HOOK_ENV.spec);
    // Per resource instance (ADR 2): whatever made Terraform replace it, the old instance's
    // destroy step never deletes a policy the new one has taken over. The revision of the spec
    // (first 16 hex of its sha256) joined with the instance's id.
    const instanceRevision = `substr(sha256(join("/", [substr(sha256(${spec}), 0, 16), self.id])), 0, 16)`;
    // Every input once, in the triggers; both hooks read them as their environment.
    const environment = environmentFromSelf(kind, {}, { [HOOK_ENV.revision]: instanceRevision });

    const resource = createHookResource(this, 'Policy', {
      kind,
      runtime,
      createBeforeDestroy: true,
      triggers: {
        [HOOK_ENV.identity]: this.identity,
        [HOOK_ENV.spec]: specJson,
        [HOOK_ENV.removal]: this.removalPolicy,
        ...connectionEnvironment(this.connection),
      },
      commands: [
        { command: HOOK_COMMANDS.policyApply, environment },
        { command: HOOK_COMMANDS.policyDestroy, when: 'destroy', environment },
      ],
    });
    this.volumesResource = createVolumesResource(this, {
      kind,
      runtime,
      identity: this.identity,
      removal: this.removalPolicy,
      connection: this.connection,
      policyResource: resource,
      volumeIds: this.volumeIds,
    });
    this.resource = resource;
    registerManagedPolicy(this, {
      reference: { [HOOK_ENV.policyIdentity]: this.identity },
      // Triggers wait for both: a run sees every volume, and a run-before-destroy happens
      // before the volumes are detached.
      prerequisites: [this.resource, this.volumesResource],
    });
  }

  /**
   * Adds an EVS volume to the policy (a UUID or a token such as `volume.id`).
   *
   * @throws when a literal id is not a UUID, or the id is already in the policy
   */
  public addVolume(volumeId: string): void {
    validateVolumeId(this, volumeId, this.volumeIds);
    this.volumeIds.push(volumeId);
  }

  /** The spec as `VBS_HOOK_SPEC` JSON, rendered once. */
  private renderedSpec(): string {
    this.rendered ??= renderSpec(this, this.spec);
    return this.rendered;
  }
}
