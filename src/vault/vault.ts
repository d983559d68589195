import { Construct } from 'constructs';
import { vaultIdRefusal, vaultNameRefusal } from '../contract/cbr-rules';
import { validateConnection, BackupConnection } from '../core/connection';
import { isLiteral, BackupValidationError } from '../core/validation';
import { IBackupVault, VaultBackupTrigger, VaultBackupTriggerOptions } from '../trigger/vault-trigger';

/** A vault referred to by id or by name. */
class ImportedBackupVault extends Construct implements IBackupVault {
  constructor(
    scope: Construct,
    id: string,
    public readonly connection: BackupConnection | undefined,
    public readonly vaultId?: string,
    public readonly vaultName?: string,
  ) {
    super(scope, id);
    validateConnection(this, connection);
  }

  public addTrigger(id: string, options: VaultBackupTriggerOptions = {}): VaultBackupTrigger {
    return new VaultBackupTrigger(this, id, { ...options, vault: this });
  }
}

/**
 * A CBR vault (Cloud Backup and Recovery, VBS's successor) that triggers back up. The vault
 * itself (billing, size, schedule policy) is managed with the cloud's Terraform provider
 * (`huaweicloud_cbr_vault`, `opentelekomcloud_cbr_vault_v3`, `flexibleengine_cbr_vault`) or
 * exists already; this library refers to it and backs it up as part of a deployment.
 */
export class BackupVault {
  /**
   * An existing vault by its id: a UUID, or a token such as the `.id` of a provider's vault
   * resource. `connection.endpoint` is the CBR base URL.
   */
  public static fromVaultId(scope: Construct, id: string, vaultId: string, connection?: BackupConnection): IBackupVault {
    const vault = new ImportedBackupVault(scope, id, connection, vaultId, undefined);
    if (isLiteral(vault, vaultId)) {
      const refusal = typeof vaultId === 'string' ? vaultIdRefusal(vaultId) : vaultIdRefusal(String(vaultId));
      if (refusal) throw new BackupValidationError(vault, 'vaultId', vaultId, refusal.problem, refusal.allowed);
    }
    return vault;
  }

  /**
   * An existing vault by its name, looked up when the hook runs (none or several of that name
   * is an error then, naming it). After Huawei's VBS -> CBR migration each policy's vault
   * carries the policy's name.
   */
  public static fromVaultName(scope: Construct, id: string, vaultName: string, connection?: BackupConnection): IBackupVault {
    const vault = new ImportedBackupVault(scope, id, connection, undefined, vaultName);
    if (isLiteral(vault, vaultName)) {
      const refusal = typeof vaultName === 'string' ? vaultNameRefusal(vaultName) : vaultNameRefusal(String(vaultName));
      if (refusal) throw new BackupValidationError(vault, 'vaultName', vaultName, refusal.problem, refusal.allowed);
    }
    return vault;
  }

  private constructor() {}
}
