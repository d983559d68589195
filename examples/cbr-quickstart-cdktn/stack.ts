import { DataResource, LocalBackend, TerraformStack } from 'cdktn';
import { Construct } from 'constructs';
import { BackupVault, IBackupVault, Rerun, VaultBackupTrigger } from 'cdktf-vbs-backup';

/** Props of {@link CbrQuickstartStack}. */
export interface CbrQuickstartStackProps {
  /**
   * The CBR vault to back up, by name. In a real stack the vault is the cloud provider's resource
   * (`huaweicloud_cbr_vault`...): pass its id with `BackupVault.fromVaultId` instead.
   * @default 'quickstart-db'
   */
  readonly vaultName?: string;
  /** Bumping it re-runs the migration stand-in, and so the backup after it. @default 'v2' */
  readonly schemaVersion?: string;
}

/**
 * The CBR quickstart as a CDK Terrain (cdktn) app: the same code as examples/cbr-quickstart, with
 * the framework imported from `cdktn`. A backup of every disk in the vault after each new run of
 * the migration, waiting for the backups, the last 7 kept, and one last backup on destroy.
 */
export class CbrQuickstartStack extends TerraformStack {
  public readonly vault: IBackupVault;
  public readonly trigger: VaultBackupTrigger;

  constructor(scope: Construct, id: string, props: CbrQuickstartStackProps = {}) {
    super(scope, id);
    // A relative path keeps machine paths out of cdk.tf.json; it is relative to the stack directory.
    new LocalBackend(this, { path: 'terraform.tfstate' });

    this.vault = BackupVault.fromVaultName(this, 'Vault', props.vaultName ?? 'quickstart-db');

    // Stands in for your schema migration (a Helm release, a job, ...): replaced when the version changes.
    const migration = new DataResource(this, 'Migration', { triggersReplace: { schema: props.schemaVersion ?? 'v2' } });

    this.trigger = this.vault.addTrigger('AfterMigration', {
      executeAfter: [migration],
      rerun: Rerun.whenChanged(migration),
      waitForCompletion: true,
      timeoutSeconds: 300,
      keepLast: 7,
      backupBeforeDestroy: true,
    });
  }
}
