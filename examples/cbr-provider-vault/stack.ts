import { LocalBackend, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BackupVault, IBackupVault, VaultBackupTrigger } from 'cdktf-vbs-backup';

/**
 * Stands in for the class `cdktf get` generates for the Huawei Cloud provider's
 * `huaweicloud_cbr_vault` (`.gen/providers/huaweicloud/cbr-vault`): providers cannot be
 * downloaded here, so this example is synthesized, never applied. Only what the example uses is
 * written: the resource type and its `id`.
 */
export class HuaweicloudCbrVault extends TerraformResource {
  constructor(scope: Construct, id: string, config: { name: string; size: number }) {
    super(scope, id, { terraformResourceType: 'huaweicloud_cbr_vault' });
    this.name = config.name;
    this.size = config.size;
  }

  public readonly name: string;
  public readonly size: number;

  /** The vault's id, known after apply: a token at synth. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { name: this.name, type: 'disk', protection_type: 'backup', size: this.size };
  }
}

/** Props of {@link ProviderVaultStack}. */
export interface ProviderVaultStackProps {
  /**
   * The disks (volume ids) to back up: a subset of the vault's resources.
   * @default - every resource in the vault at apply time
   */
  readonly resourceIds?: string[];
}

/**
 * A vault managed by the cloud's provider in the same stack, backed up by the library: the
 * trigger takes the vault's id as a token (`vault.id`), so it runs after the vault exists. No
 * `backupBeforeDestroy` here: destroying the vault in the same apply deletes its backups (the
 * library warns at synth when both are asked for).
 */
export class ProviderVaultStack extends TerraformStack {
  public readonly cbrVault: HuaweicloudCbrVault;
  public readonly vault: IBackupVault;
  public readonly trigger: VaultBackupTrigger;

  constructor(scope: Construct, id: string, props: ProviderVaultStackProps = {}) {
    super(scope, id);
    new LocalBackend(this, { path: 'terraform.tfstate' });

    this.cbrVault = new HuaweicloudCbrVault(this, 'DatabaseVault', { name: 'orders-db', size: 200 });
    this.vault = BackupVault.fromVaultId(this, 'Vault', this.cbrVault.id);
    this.trigger = this.vault.addTrigger('AfterDeploy', {
      resourceIds: props.resourceIds,
      waitForCompletion: true,
      keepLast: 7,
    });
  }
}
