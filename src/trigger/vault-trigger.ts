import type * as cdktf from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { keepLastRefusal, resourceIdRefusal } from '../contract/cbr-rules';
import { vaultTriggerId, vaultTriggerLabel } from '../contract/checkpoint';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import type { BackupConnection } from '../core/connection';
import { fw, stackFor } from '../core/framework';
import type { IHookResource } from '../core/hook-kind';
import { isLiteral, BackupValidationError } from '../core/validation';
import { BackupPolicyTriggerOptions, IBackupTrigger, TriggerCore } from './trigger';

/**
 * A CBR vault that triggers can back up: one that exists, or that a provider resource of the
 * app makes (`BackupVault.fromVaultId`, `BackupVault.fromVaultName`). The vault itself
 * (billing, size, schedule policy) is the cloud provider's resource.
 *
 * Declared beside the trigger that backs it up (each names the other), so that neither the
 * vault nor the trigger module imports the other back (docs/architecture.md, Layout).
 */
export interface IBackupVault extends IConstruct {
  /**
   * The vault's id (a UUID, or a token such as a provider vault's `.id`), when referred to by id.
   *
   * @default - none: a vault referred to by name
   */
  readonly vaultId?: string;

  /**
   * The vault's name, when referred to by name (looked up when the hook runs).
   *
   * @default - none: a vault referred to by id
   */
  readonly vaultName?: string;

  /** Where the vault lives; `endpoint` is the CBR base URL. @default - the apply environment decides */
  readonly connection?: BackupConnection;

  /** Adds a trigger that backs this vault up, as a child of this construct. */
  addTrigger(id: string, options?: VaultBackupTriggerOptions): VaultBackupTrigger;
}

/** Options of a trigger made with `vault.addTrigger(id, options)`. */
export interface VaultBackupTriggerOptions extends BackupPolicyTriggerOptions {
  /**
   * The vault's resources to back up (UUIDs, or tokens such as `volume.id`): a subset of the
   * resources the vault holds. An id the vault does not hold is an error at apply, naming it.
   *
   * @default - every resource in the vault at apply time
   */
  readonly resourceIds?: string[];

  /**
   * Incremental backups (`false`: full backups).
   *
   * @default true (as the API)
   */
  readonly incremental?: boolean;

  /**
   * After a successful run, keep this trigger's newest `keepLast` backups of each resource and
   * delete its older ones (found by the names it gave them: never a backup of another trigger,
   * of a person, or of a schedule). CBR never prunes manual backups, so without it every run
   * adds backups until the vault is full (`BackupService.6114`). A whole number from 1 to
   * 99999.
   *
   * @default - keep all
   */
  readonly keepLast?: number;
}

/** Properties of a {@link VaultBackupTrigger}. */
export interface VaultBackupTriggerProps extends VaultBackupTriggerOptions {
  /** The vault to back up. */
  readonly vault: IBackupVault;
}

/** Provider resource types of a CBR vault (`huaweicloud_cbr_vault`, `opentelekomcloud_cbr_vault_v3`, `flexibleengine_cbr_vault`). */
const VAULT_RESOURCE_TYPE = /^[a-z0-9]+_cbr_vault(_v\d+)?$/;

/**
 * Backs a CBR vault up as part of a deployment: one checkpoint of the vault (of all its
 * resources, or of `resourceIds`) when its `run` hook resource is created (`hook-vault-trigger`),
 * with the ordering, rerun rules, failure modes, busy handling and run before destroy of
 * {@link BackupPolicyTrigger}, from the same implementation. Each checkpoint is named
 * `<label>-<trigger id>-<run>-...` so the hook can tell its own backups (a retried run joins
 * its earlier checkpoint; `keepLast` prunes only its own).
 */
export class VaultBackupTrigger extends Construct implements IBackupTrigger {
  /** The vault this trigger backs up. */
  public readonly vault: IBackupVault;
  /** First 12 hex of sha256 of the construct path (which starts with the stack name): in every checkpoint name the trigger makes. */
  public readonly triggerId: string;
  /** A readable label of the trigger in its checkpoint names: stack and id, `[A-Za-z0-9_-]`, at most 19 characters. */
  public readonly label: string;
  /** The resource whose create backs the vault up. */
  public readonly runResource: IHookResource;
  /** The resource whose destroy backs the vault up, with `backupBeforeDestroy`. */
  public readonly beforeDestroyResource?: IHookResource;

  private readonly core: TriggerCore;

  constructor(scope: Construct, id: string, props: VaultBackupTriggerProps) {
    super(scope, id);
    this.vault = props.vault;
    const resourceIds = props.resourceIds;
    if (resourceIds !== undefined) this.checkResourceIds(resourceIds);
    if (props.keepLast !== undefined && isLiteral(this, props.keepLast)) {
      const refusal = keepLastRefusal(props.keepLast);
      if (refusal) throw new BackupValidationError(this, 'keepLast', props.keepLast, refusal.problem, refusal.allowed);
    }
    if (props.incremental !== undefined && typeof props.incremental !== 'boolean') {
      throw new BackupValidationError(this, 'incremental', props.incremental, 'is not a boolean', 'true (incremental backups) or false (full backups)');
    }
    // The checkpoint-name contract (src/contract/checkpoint.ts), shared with the hook and the CLI.
    this.triggerId = vaultTriggerId(this.node.path);
    this.label = vaultTriggerLabel(stackFor(this).node.id, id);

    this.core = new TriggerCore(this, props, {
      command: HOOK_COMMANDS.vaultTrigger,
      reference: {
        ...vaultReference(this, props.vault),
        ...(resourceIds !== undefined ? { [HOOK_ENV.resourceIds]: isListToken(this, resourceIds) ? fw(this).Fn.join(',', resourceIds) : resourceIds.join(',') } : {}),
        [HOOK_ENV.triggerId]: this.triggerId,
        [HOOK_ENV.label]: this.label,
      },
      connection: props.vault.connection,
      settings: {
        ...(props.incremental === false ? { [HOOK_ENV.incremental]: 'false' } : {}),
        ...(props.keepLast !== undefined ? { [HOOK_ENV.keepLast]: String(props.keepLast) } : {}),
      },
      prerequisites: [],
      runKey: true,
    });
    this.runResource = this.core.runResource;
    this.beforeDestroyResource = this.core.beforeDestroyResource;

    if (props.backupBeforeDestroy) {
      // Once the whole tree is built (the vault resource may come later), at the first synth.
      let warned = false;
      this.node.addValidation({
        validate: () => {
          if (!warned) warned = this.warnIfVaultOfThisStack();
          return [];
        },
      });
    }
  }

  /**
   * Backs the vault up after these constructs: the trigger's resources depend on every
   * Terraform resource inside each, as the tree is when the stack is synthesized (a resource
   * added to one later counts too).
   */
  public executeAfter(...constructs: IConstruct[]): void {
    this.core.executeAfter(...constructs);
  }

  /**
   * Backs the vault up before these constructs: every Terraform resource inside each, as the
   * tree is when the stack is synthesized, depends on the trigger's resources.
   */
  public executeBefore(...constructs: IConstruct[]): void {
    this.core.executeBefore(...constructs);
  }

  private checkResourceIds(resourceIds: string[]): void {
    if (isListToken(this, resourceIds)) return;
    if (!Array.isArray(resourceIds) || resourceIds.length === 0) {
      throw new BackupValidationError(this, 'resourceIds', resourceIds, 'is empty', 'at least one resource id, or no resourceIds to back up every resource in the vault');
    }
    const seen = new Set<string>();
    resourceIds.forEach((resourceId, index) => {
      if (!isLiteral(this, resourceId)) return;
      const refusal = typeof resourceId === 'string' ? resourceIdRefusal(resourceId) : resourceIdRefusal(String(resourceId));
      if (refusal) throw new BackupValidationError(this, `resourceIds[${index}]`, resourceId, refusal.problem, refusal.allowed);
      if (seen.has(resourceId)) {
        throw new BackupValidationError(this, `resourceIds[${index}]`, resourceId, 'is listed twice', 'each resource id once');
      }
      seen.add(resourceId);
    });
  }

  /**
   * A vault id that refers to a vault resource of this stack: destroying the stack deletes the
   * vault, and with it every backup, the one made before destroy included. A warning (the
   * trigger still works on apply). Whether it warned.
   */
  private warnIfVaultOfThisStack(): boolean {
    const vaultId = this.vault.vaultId;
    if (vaultId === undefined || isLiteral(this, vaultId)) return false;
    const module = fw(this);
    const stack = stackFor(this);
    const resolved = JSON.stringify(
      module.Tokenization.resolve(vaultId, { scope: stack, resolver: new module.DefaultTokenResolver(new module.StringConcat()) }),
    );
    const vault = stack.node
      .findAll()
      .find(
        (c): c is cdktf.TerraformResource =>
          module.TerraformResource.isTerraformResource(c) &&
          VAULT_RESOURCE_TYPE.test(c.terraformResourceType) &&
          resolved.includes(`${c.terraformResourceType}.${c.friendlyUniqueId}.`),
      );
    if (vault !== undefined) {
      module.Annotations.of(this).addWarning(
        `backupBeforeDestroy backs up a vault this stack manages (${vault.terraformResourceType}.${vault.friendlyUniqueId}, ${vault.node.path}): ` +
          'destroying the stack deletes the vault and every backup in it, the one made before destroy included. ' +
          'Keep the vault in a stack that outlives this one if its backups must survive the destroy, or drop backupBeforeDestroy.',
      );
    }
    return vault !== undefined;
  }
}

/** The hook variables naming the vault: its id (`VBS_HOOK_VAULT_ID`), else its name (`VBS_HOOK_VAULT_NAME`). */
function vaultReference(scope: IConstruct, vault: IBackupVault): Record<string, string> {
  if (vault.vaultId !== undefined) return { [HOOK_ENV.vaultId]: vault.vaultId };
  if (vault.vaultName !== undefined) return { [HOOK_ENV.vaultName]: vault.vaultName };
  throw new BackupValidationError(scope, 'vault', vault.node.path, 'has neither a vaultId nor a vaultName', 'BackupVault.fromVaultId or BackupVault.fromVaultName');
}

/** Whether `values` is one list token (e.g. a provider resource's list attribute) rather than a list of strings. */
function isListToken(scope: IConstruct, values: string[]): boolean {
  const { Token } = fw(scope);
  return Array.isArray(values) && Token.isUnresolved(values) && !values.some((value) => Token.isUnresolved(value));
}
